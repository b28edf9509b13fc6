/**
 * A tiny HTTP server on 127.0.0.1 for the cases that are about HTTP behaviour a real Prometheus
 * cannot produce: limit errors of Mimir and Amazon Managed Service for Prometheus, 5xx, SigV4.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query string as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  readonly body: string;
  /** Form body or query string parameters, decoded. */
  readonly params: URLSearchParams;
}

export interface StubReply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  /** Waits this long before replying, to provoke client timeouts. */
  readonly delayMs?: number;
}

export interface StubServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler; requests recorded so far are kept. */
  setHandler(handler: (request: RecordedRequest) => StubReply): void;
  stop(): Promise<void>;
}

/** Builds a Prometheus success body for a matrix result. */
export function matrixBody(series: { labels: Record<string, string>; samples: [number, string][] }[]): unknown {
  return { status: 'success', data: { resultType: 'matrix', result: series.map((one) => ({ metric: one.labels, values: one.samples })) } };
}

/** Builds a Prometheus success body for an instant vector result. */
export function vectorBody(series: { labels: Record<string, string>; sample: [number, string] }[]): unknown {
  return { status: 'success', data: { resultType: 'vector', result: series.map((one) => ({ metric: one.labels, value: one.sample })) } };
}

/** Builds a Prometheus error body. */
export function errorBody(errorType: string, error: string): unknown {
  return { status: 'error', errorType, error };
}

/** Starts a stub on a free loopback port. */
export async function startStubServer(handler: (request: RecordedRequest) => StubReply): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const delayedReplies = new Set<NodeJS.Timeout>();
  let currentHandler = handler;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const query = (request.url ?? '').split('?')[1] ?? '';
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        params: new URLSearchParams(request.method === 'POST' ? body : query),
      };
      requests.push(recorded);
      const reply = currentHandler(recorded);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const send = (): void => {
        if (!response.destroyed) {
          response.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
          response.end(text);
        }
      };
      if (reply.delayMs === undefined) {
        send();
      } else {
        const timer = setTimeout(() => {
          delayedReplies.delete(timer);
          send();
        }, reply.delayMs);
        delayedReplies.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler: (next) => {
      currentHandler = next;
    },
    stop: () =>
      new Promise((resolve) => {
        delayedReplies.forEach((timer) => clearTimeout(timer));
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
