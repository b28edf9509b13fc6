/**
 * Replays the recorded HTTP requests of a check against Prometheus without the checker: the
 * floor that no client can beat, because it is Prometheus evaluating and sending the results.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { RecordedRequest } from './recording-client';

/** Timing of one replay of all requests. */
export interface ReplayTiming {
  /** From the first request sent to the last response body read. */
  readonly wallMs: number;
  /** Sum of the requests' own durations. */
  readonly sumMs: number;
  readonly responseBytes: number;
}

/** Headers of `createPrometheusClient` requests, as axios 1.x sends them on Node.js. */
const CLIENT_HEADERS = { accept: 'application/json', 'user-agent': 'oom-forecast', 'accept-encoding': 'gzip, compress, deflate, br' };

interface Response {
  readonly status: number;
  readonly bytes: number;
  /** The body, only when asked to keep it. */
  readonly body?: string;
}

function send(agent: Agent, baseUrl: string, recorded: Pick<RecordedRequest, 'method' | 'path' | 'params'>, keepBody: boolean): Promise<Response> {
  const form = new URLSearchParams(recorded.params).toString();
  const url = new URL(`${baseUrl}${recorded.path}`);
  if (recorded.method === 'GET' && form !== '') {
    url.search = `?${form}`;
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: recorded.method,
        agent,
        // The headers the checker's client sends, so that Prometheus compresses the responses as
        // it does for the check. The bodies are counted compressed and never inflated.
        headers: {
          // A body kept for reading is asked for uncompressed.
          ...(keepBody ? { accept: 'application/json' } : CLIENT_HEADERS),
          ...(recorded.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } : {}),
        },
      },
      (incoming) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (keepBody) {
            chunks.push(chunk);
          }
        });
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, bytes, body: keepBody ? Buffer.concat(chunks).toString('utf8') : undefined }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(recorded.method === 'POST' ? form : undefined);
  });
}

/**
 * Sends the requests with at most `concurrency` in flight (Infinity: all at once, as the check
 * sends one batch), reads each body to its end and drops it.
 *
 * @throws Error when Prometheus responds to a request with a status other than 200
 */
export async function replayRequests(baseUrl: string, requests: readonly RecordedRequest[], concurrency: number): Promise<ReplayTiming> {
  const agent = new Agent({ keepAlive: true });
  try {
    const startedMs = performance.now();
    let sumMs = 0;
    let responseBytes = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const recorded = requests[next];
        next += 1;
        const sentMs = performance.now();
        const response = await send(agent, baseUrl, recorded, false);
        sumMs += performance.now() - sentMs;
        responseBytes += response.bytes;
        if (response.status !== 200) {
          throw new Error(`replaying ${recorded.method} ${recorded.path} returned HTTP ${response.status}; expected 200`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return { wallMs: performance.now() - startedMs, sumMs, responseBytes };
  } finally {
    agent.destroy();
  }
}

/** Samples Prometheus processed for a check's requests: in all, and per metric the queries read. */
export interface QueryableSamples {
  readonly total: number;
  /** Keyed by the first metric name in the query, with `(range)` or `(instant)`. */
  readonly byQuery: Record<string, number>;
}

/**
 * Returns the samples Prometheus processed for the requests, from its own query statistics
 * (`stats=all`, `totalQueryableSamples`). This is the quantity that Amazon Managed Service for
 * Prometheus bills as query samples processed; its own count may differ in detail.
 */
export async function queryableSamples(baseUrl: string, requests: readonly RecordedRequest[]): Promise<QueryableSamples> {
  const agent = new Agent({ keepAlive: true });
  try {
    let total = 0;
    const byQuery: Record<string, number> = {};
    for (const recorded of requests) {
      if (!recorded.path.startsWith('/api/v1/query')) {
        continue;
      }
      const response = await send(agent, baseUrl, { ...recorded, params: [...recorded.params, ['stats', 'all']] }, true);
      const parsed = JSON.parse(response.body ?? '{}') as { data?: { stats?: { samples?: { totalQueryableSamples?: number } } } };
      const samples = parsed.data?.stats?.samples?.totalQueryableSamples;
      if (typeof samples !== 'number') {
        throw new Error(`Prometheus at ${baseUrl} returned no stats.samples.totalQueryableSamples for ${recorded.path}; it needs version 2.35 or newer`);
      }
      total += samples;
      const query = recorded.params.find(([name]) => name === 'query')?.[1] ?? '';
      const metric = /\b((?:container|kube)_[a-z_]+)/.exec(query)?.[1] ?? 'other';
      const key = `${metric} (${recorded.path.endsWith('query_range') ? 'range' : 'instant'})`;
      byQuery[key] = (byQuery[key] ?? 0) + samples;
    }
    return { total, byQuery };
  } finally {
    agent.destroy();
  }
}

/** Sends one request and returns its body, for queries the benchmark runs itself. */
export async function fetchBody(baseUrl: string, recorded: Pick<RecordedRequest, 'method' | 'path' | 'params'>): Promise<string> {
  const agent = new Agent({ keepAlive: false });
  try {
    const response = await send(agent, baseUrl, recorded, true);
    if (response.status !== 200) {
      throw new Error(`${recorded.method} ${recorded.path} returned HTTP ${response.status}: ${(response.body ?? '').slice(0, 500)}`);
    }
    return response.body ?? '';
  } finally {
    agent.destroy();
  }
}

/** Returns the most requests that were in flight at once in a recording: the check's own concurrency. */
export function maxInFlight(requests: readonly RecordedRequest[]): number {
  const events = requests.flatMap((request) => [
    { atMs: request.startedAtMs, change: 1 },
    { atMs: request.startedAtMs + request.durationMs, change: -1 },
  ]);
  // At equal instants an end comes before a start, so back-to-back requests do not overlap.
  events.sort((a, b) => a.atMs - b.atMs || a.change - b.change);
  let inFlight = 0;
  let most = 0;
  for (const event of events) {
    inFlight += event.change;
    most = Math.max(most, inFlight);
  }
  return Math.max(1, most);
}

/**
 * Returns the CPU seconds the Prometheus process has used so far, from its own
 * `process_cpu_seconds_total`, to tell how much of a run's time was Prometheus working.
 */
export async function prometheusCpuSeconds(baseUrl: string): Promise<number> {
  const text = await fetchBody(baseUrl, { method: 'GET', path: '/metrics', params: [] });
  const match = /^process_cpu_seconds_total ([0-9.e+]+)$/m.exec(text);
  if (match === null) {
    throw new Error(`Prometheus at ${baseUrl}/metrics has no process_cpu_seconds_total; expected the standard process collector`);
  }
  return Number(match[1]);
}
