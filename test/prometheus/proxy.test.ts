import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { proxyRouteFor } from '../../lambda/prometheus/proxy';
import { startStubServer, vectorBody, type StubServer } from './stub-server';

/**
 * A forward proxy on 127.0.0.1 that records what it is asked for and connects every request to
 * the stub, whatever host the request names: no name is resolved and nothing leaves this machine.
 */
interface RecordingProxy {
  readonly url: string;
  /** Absolute URLs of plain requests, and `CONNECT host:port` of tunnels. */
  readonly seen: string[];
  stop(): Promise<void>;
}

async function startRecordingProxy(targetPort: () => number): Promise<RecordingProxy> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(request.url ?? '');
    const target = new URL(request.url ?? '/');
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort(), method: request.method, path: `${target.pathname}${target.search}`, headers: request.headers },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  server.on('connect', (request, socket) => {
    seen.push(`CONNECT ${request.url ?? ''}`);
    // Refuse the tunnel: the test only checks that https goes through CONNECT.
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

describe('Prometheus through a proxy', () => {
  let stub: StubServer;
  let proxy: RecordingProxy;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    stub = await startStubServer(() => ({ status: 200, body: vectorBody([{ labels: { job: 'x' }, sample: [1795996800, '42'] }]) }));
    proxy = await startRecordingProxy(() => Number(new URL(stub.url).port));
  });

  afterAll(async () => {
    await proxy.stop();
    await stub.stop();
  });

  beforeEach(() => {
    for (const name of PROXY_VARIABLES) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    proxy.seen.length = 0;
  });

  test('http goes through HTTP_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.url;
    const port = new URL(stub.url).port;
    const client = createPrometheusClient({ url: `http://prometheus.monitoring.test:${port}`, maxRetries: 0 });

    const [series] = await client.query('up', 1795996800);

    expect(series.samples[0].v).toBe(42);
    expect(proxy.seen).toEqual([`http://prometheus.monitoring.test:${port}/api/v1/query`]);
  });

  test('https tunnels through CONNECT', async () => {
    process.env.https_proxy = proxy.url;
    const client = createPrometheusClient({ url: 'https://prometheus.monitoring.test:9443', maxRetries: 0 });

    await expect(client.query('up', 1795996800)).rejects.toThrow(`HTTP 502: "(empty body)". The backend failed; it may be overloaded or restarting. The request went through the proxy ${proxy.url}, which may have sent this response itself`);
    expect(proxy.seen).toEqual(['CONNECT prometheus.monitoring.test:9443']);
  });

  test('unreachable proxy is named', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.HTTP_PROXY = closedUrl;
    const client = createPrometheusClient({ url: 'http://prometheus.monitoring.test:9090', maxRetries: 0 });

    await expect(client.query('up', 1795996800)).rejects.toThrow(
      `Prometheus at http://prometheus.monitoring.test:9090/api/v1/query could not be reached through the proxy ${closedUrl}`,
    );
  });

  test('loopback is never proxied', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.ALL_PROXY = proxy.url;
    const client = createPrometheusClient({ url: stub.url, maxRetries: 0 });

    await client.query('up', 1795996800);

    expect(proxyRouteFor(stub.url)).toBeNull();
    expect(proxyRouteFor('http://localhost:9090')).toBeNull();
    expect(proxyRouteFor('http://127.0.0.2:9090')).toBeNull();
    expect(proxyRouteFor('http://127.monitoring.test:9090')?.proxyDisplayUrl).toBe(proxy.url);
    expect(proxy.seen).toEqual([]);
  });

  test('NO_PROXY hosts go direct', () => {
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = '.monitoring.test,other.test';

    expect(proxyRouteFor('https://prometheus.monitoring.test')).toBeNull();
    expect(proxyRouteFor('https://prometheus.elsewhere.test')?.proxyDisplayUrl).toBe(proxy.url);
  });

  test('proxy shown without password', () => {
    process.env.HTTPS_PROXY = 'http://alice:s3cret@proxy.corp.test:3128';

    expect(proxyRouteFor('https://prometheus.monitoring.test')?.proxyDisplayUrl).toBe('http://proxy.corp.test:3128');
  });

  test('socks or malformed proxy rejected', () => {
    process.env.HTTPS_PROXY = 'socks5://127.0.0.1:1080';
    expect(() => proxyRouteFor('https://prometheus.monitoring.test')).toThrow(
      'HTTPS_PROXY = "socks5://127.0.0.1:1080": expected an http or https proxy; socks proxies are not supported',
    );

    process.env.HTTPS_PROXY = 'http://[broken';
    expect(() => proxyRouteFor('https://prometheus.monitoring.test')).toThrow('HTTPS_PROXY = "http://[broken": expected a proxy URL such as http://proxy.example.com:3128, or unset it');
  });
});
