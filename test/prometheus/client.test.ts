import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from '../../lambda/config/units';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { PrometheusError } from '../../lambda/prometheus/errors';
import { AT, gauge, useFixturePrometheus } from '../support/prometheus-fixture';
import { RecordedRequest, StubServer, errorBody, matrixBody, startStubServer, vectorBody } from './stub-server';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const MIMIR_LENGTH_ERROR =
  'the query time range exceeds the limit (query length: 1080h0m0s, limit: 768h0m0s) (err-mimir-max-query-length)';

/** Catches the error of a promise that must fail. */
async function failureOf(promise: Promise<unknown>): Promise<PrometheusError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PrometheusError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('client against a real Prometheus', () => {
  const prometheus = useFixturePrometheus(() => [
    gauge('odd_values', { pod: 'a' }, [
      { t: AT - 240, v: 1 },
      { t: AT - 180, v: NaN },
      { t: AT - 120, v: Infinity },
      { t: AT - 60, v: -Infinity },
      { t: AT, v: 2 },
    ]),
  ]);

  test('drops NaN, +Inf and -Inf samples and counts them', async () => {
    const client = prometheus.current.client();

    const series = await client.queryRange('odd_values', AT - 240, AT, 60);

    expect(series).toEqual([{ labels: { __name__: 'odd_values', pod: 'a' }, samples: [{ t: AT - 240, v: 1 }, { t: AT, v: 2 }] }]);
    expect(client.stats.nonFiniteSamplesDropped).toBe(3);
    expect(client.stats.samplesRead).toBe(2);
  });

  test('parses instant vectors and scalars', async () => {
    const client = prometheus.current.client();

    const vector = await client.query('odd_values', AT);
    const scalar = await client.query('scalar(odd_values) * 3', AT);
    const nanOnly = await client.query('odd_values', AT - 180);

    expect(vector).toEqual([{ labels: { __name__: 'odd_values', pod: 'a' }, samples: [{ t: AT, v: 2 }] }]);
    expect(scalar).toEqual([{ labels: {}, samples: [{ t: AT, v: 6 }] }]);
    expect(nanOnly).toEqual([]);
  });

  test('accepts a base URL ending in /api/v1/', async () => {
    const client = prometheus.current.client({ url: `${prometheus.current.url}/api/v1/` });

    expect(client.url).toBe(prometheus.current.url);
    expect(await client.query('odd_values', AT)).toHaveLength(1);
  });

  test('bad PromQL fails once as bad-query', async () => {
    const client = prometheus.current.client();

    const error = await failureOf(client.query('sum(odd_values', AT));

    expect(error.kind).toBe('bad-query');
    expect(error.status).toBe(400);
    expect(error.message).toContain(`${prometheus.current.url}/api/v1/query`);
    expect(error.message).toContain('parse error');
    expect(client.stats.requests).toBe(1);
  });
});

describe('client HTTP behaviour', () => {
  let stub: StubServer;
  const okMatrix = matrixBody([{ labels: { pod: 'a' }, samples: [[AT, '1']] }]);

  beforeAll(async () => {
    stub = await startStubServer(() => ({ status: 200, body: okMatrix }));
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.requests.length = 0;
    stub.setHandler(() => ({ status: 200, body: okMatrix }));
  });

  test('sends queries as POST form bodies below the path prefix', async () => {
    const client = createPrometheusClient({ url: `${stub.url}/workspaces/ws-x/` });

    await client.queryRange('container_memory_working_set_bytes{container!="",namespace="payments"}', AT - 3600, AT, 60);

    const [request] = stub.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/workspaces/ws-x/api/v1/query_range');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.params.get('query')).toBe('container_memory_working_set_bytes{container!="",namespace="payments"}');
    expect(request.params.get('start')).toBe(String(AT - 3600));
    expect(request.params.get('end')).toBe(String(AT));
    expect(request.params.get('step')).toBe('60');
  });

  test('sends basic and bearer authorization', async () => {
    await createPrometheusClient({ url: stub.url, auth: { kind: 'basic', username: 'user', password: 'p@ss' } }).query('up', AT);
    await createPrometheusClient({ url: stub.url, auth: { kind: 'bearer', token: 'token-1' } }).query('up', AT);
    await createPrometheusClient({ url: stub.url.replace('http://', 'http://alice:secret@') }).query('up', AT);

    expect(stub.requests.map((request) => request.headers.authorization)).toEqual([
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
      'Bearer token-1',
      `Basic ${Buffer.from('alice:secret').toString('base64')}`,
    ]);
  });

  test('keeps credentials of the URL out of error messages', async () => {
    stub.setHandler(() => ({ status: 401, body: 'unauthorized', contentType: 'text/plain' }));
    const client = createPrometheusClient({ url: stub.url.replace('http://', 'http://alice:secret@') });

    const error = await failureOf(client.query('up', AT));

    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('secret');
    expect(error.url).toBe(`${stub.url}/api/v1/query`);
  });

  test('signs the exact POST body with SigV4 for service aps', async () => {
    const client = createPrometheusClient({
      url: `${stub.url}/workspaces/ws-x`,
      auth: { kind: 'sigv4', region: 'us-east-1', credentials: async () => credentials },
    });

    await client.queryRange('container_memory_working_set_bytes{container!="",namespace="payments"}', AT - 3600, AT, 300);

    const [request] = stub.requests;
    expect(request.method).toBe('POST');
    expect(request.body).toBe(
      'query=container_memory_working_set_bytes%7Bcontainer%21%3D%22%22%2Cnamespace%3D%22payments%22%7D' +
        `&start=${AT - 3600}&end=${AT}&step=300`,
    );
    expect(request.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(request.body).digest('hex'));
    expect(request.headers['x-amz-security-token']).toBe('session-token');
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/aps\/aws4_request, SignedHeaders=[^,]*\bhost\b/);
    expect(authorization).toBe(await resign(request, '/workspaces/ws-x/api/v1/query_range', {}));
  });

  test('SigV4 without credentials: auth error', async () => {
    const before = stub.requests.length;
    const client = createPrometheusClient({
      url: stub.url,
      auth: { kind: 'sigv4', region: 'eu-west-1', credentials: async () => Promise.reject(new Error('Could not load credentials from any providers')) },
    });

    const failure = client.query('up', 1795996800);

    await expect(failure).rejects.toMatchObject({ name: 'PrometheusError', kind: 'auth' });
    await expect(failure).rejects.toThrow(
      `SigV4 signing of the request to ${stub.url}/api/v1/query failed: Could not load credentials from any providers. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
    expect(stub.requests.length).toBe(before);
  });

  test('signs a GET query string encoded once', async () => {
    stub.setHandler(() => ({ status: 200, body: { status: 'success', data: ['dojo', 'payments'] } }));
    const client = createPrometheusClient({ url: stub.url, auth: { kind: 'sigv4', region: 'eu-west-1', credentials: async () => credentials } });

    const values = await client.labelValues('namespace', { match: ['container_memory_working_set_bytes{container!="", namespace=~"a|b"}'] });

    const [request] = stub.requests;
    expect(values).toEqual(['dojo', 'payments']);
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      '/api/v1/label/namespace/values?match%5B%5D=container_memory_working_set_bytes%7Bcontainer%21%3D%22%22%2C%20namespace%3D~%22a%7Cb%22%7D',
    );
    expect(String(request.headers.authorization)).toBe(
      await resign(request, '/api/v1/label/namespace/values', {
        'match[]': 'container_memory_working_set_bytes{container!="", namespace=~"a|b"}',
      }),
    );
  });

  test('rejects a SigV4 region that differs from the workspace URL', async () => {
    const client = createPrometheusClient({
      url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-x',
      auth: { kind: 'sigv4', region: 'us-east-1', credentials: async () => credentials },
    });

    await expect(client.query('up', AT)).rejects.toThrow(UsageError);
    await expect(client.query('up', AT)).rejects.toThrow(/set the region to eu-west-1/);
  });

  test('retries a 5xx and then succeeds', async () => {
    let calls = 0;
    stub.setHandler(() => {
      calls += 1;
      return calls < 3 ? { status: 503, body: 'upstream unavailable', contentType: 'text/plain' } : { status: 200, body: okMatrix };
    });
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 5 });

    const series = await client.queryRange('up', AT - 60, AT, 60);

    expect(series).toEqual([{ labels: { pod: 'a' }, samples: [{ t: AT, v: 1 }] }]);
    expect(client.stats.requests).toBe(3);
    expect(client.stats.retries).toBe(2);
  });

  test('gives up after maxRetries on a lasting 5xx', async () => {
    stub.setHandler(() => ({ status: 500, body: errorBody('internal', 'storage is on fire') }));
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 5, maxRetries: 2 });

    const error = await failureOf(client.query('up', AT));

    expect(error.kind).toBe('server');
    expect(error.status).toBe(500);
    expect(error.message).toContain('"storage is on fire"');
    expect(stub.requests).toHaveLength(3);
  });

  test('does not retry a 4xx', async () => {
    stub.setHandler(() => ({ status: 403, body: '{"message":"The security token included in the request is invalid."}' }));
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 5 });

    const error = await failureOf(client.query('up', AT));

    expect(stub.requests).toHaveLength(1);
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(403);
    expect(error.backendMessage).toBe('The security token included in the request is invalid.');
    expect(error.message).toContain('signing region');
  });

  test.each([400, 500])('does not retry the Mimir query length limit sent with %i', async (status) => {
    stub.setHandler(() => ({ status, body: errorBody('bad_data', MIMIR_LENGTH_ERROR) }));
    const client = createPrometheusClient({ url: `${stub.url}/prometheus`, retryBaseDelayMs: 5 });

    const error = await failureOf(client.queryRange('up', AT - 45 * 86400, AT, 3600));

    expect(stub.requests).toHaveLength(1);
    expect(error.kind).toBe('limit');
    expect(error.limit).toBe('query-length');
    expect(error.status).toBe(status);
    expect(error.message).toContain(`${stub.url}/prometheus/api/v1/query_range`);
    expect(error.message).toContain(`"${MIMIR_LENGTH_ERROR}"`);
  });

  test('reports a 413 response size limit', async () => {
    stub.setHandler(() => ({ status: 413, body: 'response larger than the max (181673024 vs 52428800)', contentType: 'text/plain' }));
    const client = createPrometheusClient({ url: stub.url });

    const error = await failureOf(client.queryRange('up', AT - 30 * 86400, AT, 300));

    expect(error.kind).toBe('limit');
    expect(error.limit).toBe('response-size');
    expect(error.message).toContain('"response larger than the max (181673024 vs 52428800)"');
    expect(error.message).toContain('50 MiB');
  });

  test('reports the long-range instant query refusal of Amazon Managed Service for Prometheus', async () => {
    stub.setHandler(() => ({
      status: 422,
      body: errorBody('execution', 'queries with long day range (32d to 95d) are currently only supported for range type queries'),
    }));
    const client = createPrometheusClient({ url: stub.url });

    const error = await failureOf(client.query('max_over_time(container_memory_working_set_bytes[40d])', AT));

    expect(stub.requests).toHaveLength(1);
    expect(error.kind).toBe('limit');
    expect(error.limit).toBe('instant-range');
    expect(error.message).toContain('use query_range or a lookback below 32 days');
  });

  test('times out a slow backend', async () => {
    stub.setHandler(() => ({ status: 200, body: okMatrix, delayMs: 2000 }));
    const client = createPrometheusClient({ url: stub.url, timeoutMs: 100, maxRetries: 0 });

    const error = await failureOf(client.query('up', AT));

    expect(error.kind).toBe('timeout');
    expect(error.message).toContain(`${stub.url}/api/v1/query timed out after 100 ms`);
  });

  test('reports a 2xx that is not a Prometheus response', async () => {
    stub.setHandler(() => ({ status: 200, body: '<html>login</html>', contentType: 'text/html' }));
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 5 });

    const error = await failureOf(client.query('up', AT));

    expect(error.kind).toBe('server');
    expect(error.message).toContain('"<html>login</html>"');
    expect(error.message).toContain('not from a Prometheus HTTP API');
    expect(stub.requests).toHaveLength(1);
  });

  test('parses a vector from a stub', async () => {
    stub.setHandler(() => ({ status: 200, body: vectorBody([{ labels: { pod: 'b' }, sample: [AT, '+Inf'] }, { labels: { pod: 'c' }, sample: [AT, '7'] }]) }));
    const client = createPrometheusClient({ url: stub.url });

    expect(await client.query('up', AT)).toEqual([{ labels: { pod: 'c' }, samples: [{ t: AT, v: 7 }] }]);
  });
});

describe('client without a backend', () => {
  test('an unreachable backend gives kind unreachable with the URL', async () => {
    const port = await closedPort();
    const client = createPrometheusClient({ url: `http://127.0.0.1:${port}`, retryBaseDelayMs: 5, maxRetries: 1 });

    const error = await failureOf(client.query('up', AT));

    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`http://127.0.0.1:${port}/api/v1/query could not be reached`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(client.stats.requests).toBe(2);
  });

  test.each(['ftp://host', 'not a url'])('rejects the URL %s', (url) => {
    expect(() => createPrometheusClient({ url })).toThrow(UsageError);
  });
});

/** Finds a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Signs what the stub received (headers named in SignedHeaders, the body as received) with the
 * same credentials at the instant of its x-amz-date, and returns the expected Authorization.
 */
async function resign(request: RecordedRequest, path: string, query: Record<string, string>): Promise<string> {
  const authorization = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1].split(';');
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)![1];
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    headers[name] = String(request.headers[name]);
  }
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [hostname, port] = String(request.headers.host).split(':');

  const signer = new SignatureV4({ credentials, region, service: 'aps', sha256: Sha256 });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname, port: Number(port), path, query, headers, body: request.body },
    { signingDate },
  );
  return signed.headers.authorization;
}
