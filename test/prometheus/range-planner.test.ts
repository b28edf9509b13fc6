import { createPrometheusClient, PrometheusClient } from '../../lambda/prometheus/client';
import { PrometheusError } from '../../lambda/prometheus/errors';
import {
  chunkRange,
  MAX_POINTS_PER_SERIES,
  minimumStepSeconds,
  queryInstantPlanned,
  queryRangePlanned,
  stitchSeries,
} from '../../lambda/prometheus/range-planner';
import { usageQuery, workingSetSelector } from '../../lambda/queries/default-queries';
import { parseSelector } from '../../lambda/queries/selector';
import { AT, DAY, HOUR, FixturePrometheus, MiB, gauge, sampleEvery, startFixturePrometheus, workingSet } from '../support/prometheus-fixture';
import { RecordedRequest, StubReply, StubServer, errorBody, matrixBody, startStubServer } from './stub-server';

/** Records the range requests a planned query sends. */
function recordingClient(client: PrometheusClient): { client: PrometheusClient; ranges: { start: number; end: number; step: number; expr: string }[] } {
  const ranges: { start: number; end: number; step: number; expr: string }[] = [];
  return {
    ranges,
    client: {
      ...client,
      stats: client.stats,
      queryRange: (expr, start, end, step) => {
        ranges.push({ start, end, step, expr });
        return client.queryRange(expr, start, end, step);
      },
    },
  };
}

function pointsOf(range: { start: number; end: number; step: number }): number {
  return Math.floor((range.end - range.start) / range.step) + 1;
}

describe('chunkRange and stitchSeries', () => {
  test('minimum step for 30 days is 236 s', () => {
    expect(minimumStepSeconds(30 * DAY)).toBe(236);
    expect(Math.floor((30 * DAY) / 236) + 1).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
  });

  test('chunks share no instant and stay on the step grid', () => {
    expect(chunkRange(0, 100, 10, 4)).toEqual([
      { startSeconds: 0, endSeconds: 30 },
      { startSeconds: 40, endSeconds: 70 },
      { startSeconds: 80, endSeconds: 100 },
    ]);
    expect(chunkRange(0, 25, 10, 11000)).toEqual([{ startSeconds: 0, endSeconds: 20 }]);
    expect(chunkRange(10, 0, 10)).toEqual([]);
    expect(() => chunkRange(0, 10, 0)).toThrow(RangeError);
  });

  test('stitching merges by label set and drops edge duplicates', () => {
    const stitched = stitchSeries([
      [{ labels: { a: '1', b: '2' }, samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }] }],
      [
        { labels: { b: '2', a: '1' }, samples: [{ t: 2, v: 99 }, { t: 3, v: 3 }] },
        { labels: { a: '2' }, samples: [{ t: 3, v: 5 }] },
      ],
    ]);

    expect(stitched).toEqual([
      { labels: { a: '1', b: '2' }, samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }, { t: 3, v: 3 }] },
      { labels: { a: '2' }, samples: [{ t: 3, v: 5 }] },
    ]);
  });
});

describe('planned queries against a real Prometheus', () => {
  const namespaces = ['alpha', 'beta', 'gamma'];
  /** Sawtooth within each hour: the peak of an hour is base + 59 MiB, at one minute before the hour. */
  const sawtooth = (base: number) => (t: number) => base + ((t % HOUR) / 60) * MiB;
  const baseOf = (namespace: number, container: number) => (100 + namespace * 10 + container) * MiB;
  let plain: FixturePrometheus;
  let limited: FixturePrometheus;

  beforeAll(async () => {
    const minuteSeries = namespaces.flatMap((namespace, n) =>
      [0, 1, 2, 3].map((c) => workingSet(namespace, `pod-${c}`, 'app', sampleEvery(AT - 2 * DAY, AT, 60, sawtooth(baseOf(n, c))))),
    );
    const monthSeries = gauge('month_of_minutes', { pod: 'a' }, sampleEvery(AT - 30 * DAY, AT, 60, (t) => t));
    [plain, limited] = await Promise.all([
      startFixturePrometheus([monthSeries]),
      // Small enough that the whole usage query fails and one namespace over two days passes.
      startFixturePrometheus(minuteSeries, { extraArgs: ['--query.max-samples=900'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.server.stop(), limited?.server.stop()]);
  });

  test('30 days at 60 s: 11,000-point chunks', async () => {
    const { client, ranges } = recordingClient(plain.client());

    const series = await queryRangePlanned(client, { expr: 'month_of_minutes', startSeconds: AT - 30 * DAY, endSeconds: AT, stepSeconds: 60 });

    expect(ranges).toHaveLength(4);
    for (const range of ranges) {
      expect(pointsOf(range)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
      expect(range.step).toBe(60);
    }
    expect(series).toHaveLength(1);
    expect(series[0].samples).toHaveLength(30 * 24 * 60 + 1);
    expect(series[0].samples[0]).toEqual({ t: AT - 30 * DAY, v: AT - 30 * DAY });
    expect(series[0].samples.at(-1)).toEqual({ t: AT, v: AT });
    expect(series[0].samples.every((sample, i) => i === 0 || sample.t - series[0].samples[i - 1].t === 60)).toBe(true);
  });

  test('the whole usage query exceeds --query.max-samples', async () => {
    const client = limited.client();

    await expect(client.queryRange(usageQuery([], HOUR), AT - 2 * DAY, AT, HOUR)).rejects.toMatchObject({ kind: 'limit', limit: 'samples', status: 422 });
  });

  test('too many samples splits by namespace and stitches the pieces', async () => {
    const { client, ranges } = recordingClient(limited.client());

    const series = await queryRangePlanned(client, {
      expr: usageQuery([], HOUR),
      startSeconds: AT - 2 * DAY,
      endSeconds: AT,
      stepSeconds: HOUR,
      splitBy: { label: 'namespace', seriesSelector: workingSetSelector([]), expressionFor: (extra) => usageQuery(parseSelector(extra), HOUR) },
    });

    expect(series).toHaveLength(12);
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.slice(1).every((range) => /namespace=~?"/.test(range.expr))).toBe(true);
    for (const one of series) {
      const n = namespaces.indexOf(one.labels.namespace);
      const c = Number(one.labels.pod.slice(4));
      // The first step holds only the first sample, at the top of the hour.
      expect(one.samples).toHaveLength(2 * 24 + 1);
      expect(one.samples[0].v).toBe(baseOf(n, c));
      expect(one.samples.slice(1).every((sample) => sample.v === baseOf(n, c) + 59 * MiB)).toBe(true);
    }
  });

  test('a limit that no piece passes throws, naming the URL', async () => {
    const client = createPrometheusClient({ url: limited.url, retryBaseDelayMs: 5 });
    const tinyServerQuery = `max_over_time(${workingSetSelector([])}[2d])`;

    const failure = queryRangePlanned(client, { expr: tinyServerQuery, startSeconds: AT - 2 * DAY, endSeconds: AT, stepSeconds: HOUR });

    await expect(failure).rejects.toBeInstanceOf(PrometheusError);
    await expect(failure).rejects.toMatchObject({ kind: 'limit', limit: 'samples' });
    await expect(failure).rejects.toThrow(new RegExp(`${limited.url}/api/v1/query_range failed with HTTP 422: "query processing would load too many samples`));
    await expect(failure).rejects.toThrow(/It still failed for a piece of 1 h after \d+ smaller requests/);
  });
});

describe('planned queries against limit errors of other backends', () => {
  let stub: StubServer;
  const namespaces = ['a', 'b', 'c'];

  /** Builds a matrix with one series per namespace in the query (all three without a namespace matcher), valued t. */
  function matrixFor(request: RecordedRequest): StubReply {
    const query = request.params.get('query') ?? '';
    const start = Number(request.params.get('start'));
    const end = Number(request.params.get('end'));
    const step = Number(request.params.get('step'));
    const selected = namespaces.filter((namespace) => !/namespace/.test(query) || new RegExp(`namespace=~?"[^"]*\\b${namespace}\\b`).test(query));
    return {
      status: 200,
      body: matrixBody(
        selected.map((namespace) => ({
          labels: { namespace },
          samples: sampleEvery(start, end, step, (t) => t).map((sample): [number, string] => [sample.t, String(sample.v)]),
        })),
      ),
    };
  }

  beforeAll(async () => {
    stub = await startStubServer(matrixFor);
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.requests.length = 0;
  });

  const splitByNamespace = {
    label: 'namespace',
    seriesSelector: 'container_memory_working_set_bytes{container!=""}',
    expressionFor: (extra: string) => `max_over_time(container_memory_working_set_bytes{container!="",${extra}}[5m])`,
  };

  test('413 response too large splits by namespace', async () => {
    stub.setHandler((request) => {
      if (request.url.startsWith('/api/v1/label/namespace/values')) {
        return { status: 200, body: { status: 'success', data: namespaces } };
      }
      const query = request.params.get('query') ?? '';
      return /namespace=/.test(query) ? matrixFor(request) : { status: 413, body: 'response larger than the max (181673024 vs 52428800)', contentType: 'text/plain' };
    });
    const client = createPrometheusClient({ url: stub.url });

    const series = await queryRangePlanned(client, {
      expr: 'max_over_time(container_memory_working_set_bytes{container!=""}[5m])',
      startSeconds: AT - 30 * DAY,
      endSeconds: AT,
      stepSeconds: 300,
      splitBy: splitByNamespace,
    });

    expect(series.map((one) => one.labels.namespace).sort()).toEqual(namespaces);
    expect(series.every((one) => one.samples.length === 30 * 288 + 1)).toBe(true);
    const labelRequest = stub.requests.find((request) => request.url.startsWith('/api/v1/label/'));
    expect(labelRequest?.params.getAll('match[]')).toEqual(['container_memory_working_set_bytes{container!=""}']);
  });

  test('413 without a split label halves the time range', async () => {
    stub.setHandler((request) => {
      const span = Number(request.params.get('end')) - Number(request.params.get('start'));
      return span > 8 * DAY ? { status: 413, body: 'response larger than the max (181673024 vs 52428800)', contentType: 'text/plain' } : matrixFor(request);
    });
    const client = createPrometheusClient({ url: stub.url });

    const series = await queryRangePlanned(client, { expr: 'up', startSeconds: AT - 30 * DAY, endSeconds: AT, stepSeconds: 300 });

    expect(series).toHaveLength(3);
    const samples = series[0].samples;
    expect(samples).toHaveLength(30 * 288 + 1);
    expect(new Set(samples.map((sample) => sample.t)).size).toBe(samples.length);
    expect(samples.every((sample, i) => i === 0 || sample.t - samples[i - 1].t === 300)).toBe(true);
  });

  test.each([400, 500])('Mimir query length limit with %i splits 45 days in time', async (status) => {
    stub.setHandler((request) => {
      const span = Number(request.params.get('end')) - Number(request.params.get('start'));
      return span > 768 * HOUR
        ? { status, body: errorBody('bad_data', 'the query time range exceeds the limit (query length: 1080h0m0s, limit: 768h0m0s) (err-mimir-max-query-length)') }
        : matrixFor(request);
    });
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 5 });

    const series = await queryRangePlanned(client, { expr: 'up', startSeconds: AT - 45 * DAY, endSeconds: AT, stepSeconds: HOUR, splitBy: splitByNamespace });

    expect(stub.requests).toHaveLength(3);
    expect(stub.requests.some((request) => request.url.startsWith('/api/v1/label/'))).toBe(false);
    expect(series).toHaveLength(3);
    expect(series[0].samples).toHaveLength(45 * 24 + 1);
  });

  test('a limit that never passes throws after a bounded number of requests', async () => {
    stub.setHandler(() => ({ status: 422, body: errorBody('execution', 'query processing would load too many samples into memory in query execution') }));
    const client = createPrometheusClient({ url: stub.url });

    const failure = queryRangePlanned(client, { expr: 'up', startSeconds: AT - 30 * DAY, endSeconds: AT, stepSeconds: 300 }, { maxRequestsAfterLimit: 10 });

    await expect(failure).rejects.toMatchObject({ kind: 'limit', limit: 'samples', url: `${stub.url}/api/v1/query_range` });
    expect(stub.requests.length).toBeLessThanOrEqual(11);
  });

  test('an instant query too large splits by namespace', async () => {
    stub.setHandler((request) => {
      if (request.url.startsWith('/api/v1/label/')) {
        return { status: 200, body: { status: 'success', data: namespaces } };
      }
      const query = request.params.get('query') ?? '';
      if (!/namespace=/.test(query)) {
        return { status: 422, body: errorBody('execution', 'query processing would load too many samples into memory in query execution') };
      }
      const time = Number(request.params.get('time'));
      const selected = namespaces.filter((namespace) => new RegExp(`\\b${namespace}\\b`).test(query.split('namespace')[1]));
      return {
        status: 200,
        body: { status: 'success', data: { resultType: 'vector', result: selected.map((namespace) => ({ metric: { namespace }, value: [time, '1'] })) } },
      };
    });
    const client = createPrometheusClient({ url: stub.url });

    const series = await queryInstantPlanned(client, { expr: 'up', timeSeconds: AT, splitBy: splitByNamespace });

    expect(series.map((one) => one.labels.namespace).sort()).toEqual(namespaces);
  });

  test('the long-range instant refusal is not split', async () => {
    stub.setHandler(() => ({
      status: 422,
      body: errorBody('execution', 'queries with long day range (32d to 95d) are currently only supported for range type queries'),
    }));
    const client = createPrometheusClient({ url: stub.url });

    const failure = queryInstantPlanned(client, { expr: 'max_over_time(up[40d])', timeSeconds: AT, splitBy: splitByNamespace });

    await expect(failure).rejects.toMatchObject({ kind: 'limit', limit: 'instant-range' });
    expect(stub.requests).toHaveLength(1);
  });
});
