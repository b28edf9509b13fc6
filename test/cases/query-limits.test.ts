/**
 * A whole check against backends that enforce query limits: a real Prometheus with its
 * 11,000-point cap over a 30-day lookback, and a loopback stub that responds like Mimir and
 * Amazon Managed Service for Prometheus when a query is too long, too large or an instant
 * query reaches back 32 days or more. A check either stitches the pieces into the right
 * verdicts or raises an error that names the endpoint; it never returns an empty result.
 */
import { evaluateCheck } from '../../lambda/check';
import { CheckOptions } from '../../lambda/config/check-options';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { PrometheusError } from '../../lambda/prometheus/errors';
import { fetchContainerHistories } from '../../lambda/queries/fetch-histories';
import { AT, DAY, HOUR, MiB, ksmLimit, useFixturePrometheus, workingSet } from '../support/prometheus-fixture';
import { RecordedRequest, StubReply, StubServer, errorBody, startStubServer } from '../prometheus/stub-server';
import { MINUTE, namespaceOptions, recordingClient, samplesAt, scrapeTimes } from './support/cluster';

/** A leak of 1 MiB/h from 300 MiB under 2048 MiB, 31 days long, scraped every 5 minutes. */
function monthLongLeak() {
  const start = AT - 31 * DAY;
  const times = scrapeTimes(start, AT, 5 * MINUTE, [[AT - 10 * MINUTE, AT]]);
  const leak = (t: number) => (300 + (t - start) / HOUR) * MiB;
  return [
    workingSet('archive', 'archive-0', 'db', samplesAt(times, leak)),
    ksmLimit('archive', 'archive-0', 'db', samplesAt(times, () => 2048 * MiB)),
  ];
}

describe('30-day lookback against a real Prometheus', () => {
  const prometheus = useFixturePrometheus(monthLongLeak);
  const options = namespaceOptions('archive', { lookbackSeconds: 30 * DAY });

  test('Prometheus rejects 30 days at a 60 s step', async () => {
    const request = prometheus.current.client({ maxRetries: 0 }).queryRange('container_memory_working_set_bytes', AT - 30 * DAY, AT, 60);

    await expect(request).rejects.toMatchObject({ kind: 'limit', limit: 'resolution' });
  });

  test('a requested 60 s step is raised to fit 11,000 points', async () => {
    const recorder = recordingClient(prometheus.current.client());

    const fetched = await fetchContainerHistories(recorder.client, options, AT, { stepSeconds: 60 });

    expect(fetched.stepSeconds).toBeGreaterThanOrEqual(236);
    const ranges = recorder.queries.filter((query) => query.kind === 'range');
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    for (const range of ranges) {
      expect((range.endSeconds - range.startSeconds) / range.stepSeconds!).toBeLessThanOrEqual(11000);
    }
    expect(fetched.histories).toHaveLength(1);
    expect(fetched.histories[0].usageByContainerId.flat().length).toBeGreaterThan(10000);
  });

  test('the check forecasts the month-long leak', async () => {
    const evaluation = await evaluateCheck(options, AT, prometheus.current.client(), new Map());

    expect(evaluation.stepSeconds).toBe(HOUR);
    expect(evaluation.verdicts).toHaveLength(1);
    const [verdict] = evaluation.verdicts;
    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.slopeBytesPerHour! / MiB).toBeCloseTo(1, 1);
    // 300 + 744 MiB after 31 days, so (2048 − 1044) MiB at 1 MiB/h remain.
    expect(verdict.hoursToLimit! / 1004).toBeCloseTo(1, 1);
  });
});

/** The fake cluster behind the stub: one container per namespace, flat at 300 MiB under 1 GiB. */
const NAMESPACES = ['payments', 'shop'];

/** A matcher on the namespace label, as a split adds it (`by (namespace, …)` is no matcher). */
const NAMESPACE_MATCHER = /namespace=~?"/;

/** Namespaces that a query selects: all of them without a namespace matcher. */
function selectedNamespaces(query: string): string[] {
  const matcher = /namespace(=~?)"([^"]*)"/.exec(query);
  if (matcher === null) {
    return NAMESPACES;
  }
  const pattern = new RegExp(`^(?:${matcher[2]})$`);
  return NAMESPACES.filter((namespace) => (matcher[1] === '=' ? namespace === matcher[2] : pattern.test(namespace)));
}

/** Responds to the queries of one check as a Prometheus with the fake cluster would. */
function answerLikePrometheus(request: RecordedRequest): StubReply {
  if (request.url.startsWith('/api/v1/label/namespace/values')) {
    return { status: 200, body: { status: 'success', data: NAMESPACES } };
  }
  const query = request.params.get('query') ?? '';
  const valueOf = (): string | undefined => {
    if (query.includes('container_memory_working_set_bytes')) {
      return String(300 * MiB);
    }
    if (query.includes('kube_pod_container_resource_limits')) {
      return String(1024 * MiB);
    }
    if (query.includes('kube_pod_container_status_restarts_total')) {
      return '0';
    }
    return undefined;
  };
  const value = valueOf();
  const series = value === undefined ? [] : selectedNamespaces(query).map((namespace) => ({ namespace, pod: `${namespace}-0`, container: 'app' }));

  if (request.url.startsWith('/api/v1/query_range')) {
    const start = Number(request.params.get('start'));
    const end = Number(request.params.get('end'));
    const step = Number(request.params.get('step'));
    const values: [number, string][] = [];
    for (let t = start; t <= end; t += step) {
      values.push([t, value!]);
    }
    return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: series.map((metric) => ({ metric, values })) } } };
  }
  const time = Number(request.params.get('time'));
  return { status: 200, body: { status: 'success', data: { resultType: 'vector', result: series.map((metric) => ({ metric, value: [time, value!] })) } } };
}

/** Returns the maximum range selector of a query, in days, or 0 without one. */
function longestRangeDays(query: string): number {
  const seconds = [...query.matchAll(/\[(\d+)s\]/g)].map((match) => Number(match[1]));
  return Math.max(0, ...seconds) / DAY;
}

const RESPONSE_TOO_LARGE: StubReply = { status: 413, body: 'response larger than the max (181673024 vs 52428800)', contentType: 'text/plain' };
const LONG_DAY_RANGE = 'queries with long day range (32d to 95d) are currently only supported for range type queries';
const MIMIR_QUERY_LENGTH = 'the query time range exceeds the limit (query length: 1080h0m0s, limit: 768h0m0s) (err-mimir-max-query-length)';
const TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';

describe('limit errors of Mimir and Amazon Managed Service for Prometheus', () => {
  let stub: StubServer;

  beforeAll(async () => {
    stub = await startStubServer(answerLikePrometheus);
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.requests.length = 0;
    stub.setHandler(answerLikePrometheus);
  });
  afterEach(async () => {
    // A failed check rejects at its first failed query while the others finish in the background.
    await requestsSettled();
  });

  async function requestsSettled(): Promise<void> {
    let count = -1;
    while (count !== stub.requests.length) {
      count = stub.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function allNamespaces(lookbackSeconds: number): CheckOptions {
    return { prometheusUrl: stub.url, lookbackSeconds, warnDays: 7, criticalDays: 2 };
  }

  async function check(lookbackSeconds: number) {
    const client = createPrometheusClient({ url: stub.url, retryBaseDelayMs: 1 });
    return evaluateCheck(allNamespaces(lookbackSeconds), AT, client, new Map());
  }

  async function failureOf(lookbackSeconds: number): Promise<PrometheusError> {
    const error = await check(lookbackSeconds).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PrometheusError);
    return error as PrometheusError;
  }

  function expectBothContainers(verdicts: { labels: Record<string, string>; usageBytes: number | null }[]): void {
    expect(verdicts.map((verdict) => verdict.labels.namespace).sort()).toEqual(NAMESPACES);
    expect(verdicts.map((verdict) => verdict.usageBytes)).toEqual([300 * MiB, 300 * MiB]);
  }

  describe('response larger than 50 MiB', () => {
    test('a 30-day check splits the range query by namespace', async () => {
      stub.setHandler((request) => {
        const query = request.params.get('query') ?? '';
        const isWholeUsageRange = request.url.startsWith('/api/v1/query_range') && query.includes('container_memory_working_set_bytes') && !NAMESPACE_MATCHER.test(query);
        return isWholeUsageRange ? RESPONSE_TOO_LARGE : answerLikePrometheus(request);
      });

      const evaluation = await check(30 * DAY);

      expectBothContainers(evaluation.verdicts);
      const usageRanges = stub.requests.filter((request) => request.url.startsWith('/api/v1/query_range') && request.params.get('query')!.includes('container_memory_working_set_bytes'));
      expect(usageRanges.map((request) => selectedNamespaces(request.params.get('query')!).join(','))).toEqual(['payments,shop', 'payments', 'shop']);
    });

    test('a 413 for every piece names the endpoint and the cause', async () => {
      stub.setHandler((request) => (request.url.startsWith('/api/v1/query_range') ? RESPONSE_TOO_LARGE : answerLikePrometheus(request)));

      const error = await failureOf(30 * DAY);

      expect(error.url).toBe(`${stub.url}/api/v1/query_range`);
      expect(error.message).toContain(`${stub.url}/api/v1/query_range`);
      expect(error.message).toContain('caps it at 50 MiB');
      expect(stub.requests.length).toBeLessThanOrEqual(7 * 70);
    });
  });

  describe('instant query reaching back 32 days or more', () => {
    test('a 40-day check sends no such instant query', async () => {
      stub.setHandler((request) => {
        const isInstant = request.url.startsWith('/api/v1/query?') || request.url === '/api/v1/query';
        const query = request.params.get('query') ?? '';
        return isInstant && longestRangeDays(query) >= 32 ? { status: 422, body: errorBody('execution', LONG_DAY_RANGE) } : answerLikePrometheus(request);
      });

      const evaluation = await check(40 * DAY);

      expectBothContainers(evaluation.verdicts);
      const instantQueries = stub.requests.filter((request) => request.url.startsWith('/api/v1/query') && !request.url.startsWith('/api/v1/query_range'));
      expect(instantQueries.length).toBeGreaterThanOrEqual(2);
      expect(instantQueries.every((request) => longestRangeDays(request.params.get('query') ?? '') < 32)).toBe(true);
    });

    test('the refusal names the endpoint and the remedy, without retrying', async () => {
      stub.setHandler((request) =>
        request.url.startsWith('/api/v1/query_range') ? answerLikePrometheus(request) : { status: 422, body: errorBody('execution', LONG_DAY_RANGE) },
      );

      const error = await failureOf(40 * DAY);

      expect(error.kind).toBe('limit');
      expect(error.limit).toBe('instant-range');
      expect(error.message).toContain(`${stub.url}/api/v1/query`);
      expect(error.message).toContain('use query_range or a lookback below 32 days');
      const instantRequests = stub.requests.filter((request) => !request.url.startsWith('/api/v1/query_range'));
      expect(instantRequests.length).toBeLessThanOrEqual(2);
    });
  });

  describe('Mimir maximum query length', () => {
    test.each([400, 500])('a 45-day check is split in time when Mimir answers %i', async (status) => {
      stub.setHandler((request) => {
        const span = Number(request.params.get('end')) - Number(request.params.get('start'));
        const isRange = request.url.startsWith('/api/v1/query_range');
        return isRange && span > 768 * HOUR ? { status, body: errorBody('bad_data', MIMIR_QUERY_LENGTH) } : answerLikePrometheus(request);
      });

      const evaluation = await check(45 * DAY);

      expectBothContainers(evaluation.verdicts);
      const ranges = stub.requests.filter((request) => request.url.startsWith('/api/v1/query_range'));
      const spanHours = ranges.map((request) => (Number(request.params.get('end')) - Number(request.params.get('start'))) / HOUR);
      // Six range queries (usage, restarts, OOM reason, three owner metrics): each rejected once, then sent in two halves.
      expect(spanHours.filter((hours) => hours > 768)).toHaveLength(6);
      expect(spanHours.filter((hours) => hours <= 768)).toHaveLength(12);
    });

    test('an unpassable limit fails with the endpoint, boundedly', async () => {
      stub.setHandler((request) =>
        request.url.startsWith('/api/v1/query_range') ? { status: 500, body: errorBody('bad_data', MIMIR_QUERY_LENGTH) } : answerLikePrometheus(request),
      );

      const error = await failureOf(45 * DAY);

      expect(error.limit).toBe('query-length');
      expect(error.message).toContain(`${stub.url}/api/v1/query_range`);
      expect(error.message).toContain('max_query_length');
      expect(stub.requests.length).toBeLessThanOrEqual(7 * 66);
    });
  });

  describe('too many samples', () => {
    test('a 30-day check splits the usage query by namespace', async () => {
      stub.setHandler((request) => {
        const query = request.params.get('query') ?? '';
        return query.includes('max_over_time(container_memory_working_set_bytes') && !NAMESPACE_MATCHER.test(query)
          ? { status: 422, body: errorBody('execution', TOO_MANY_SAMPLES) }
          : answerLikePrometheus(request);
      });

      const evaluation = await check(30 * DAY);

      expectBothContainers(evaluation.verdicts);
      const rejected = stub.requests.filter((request) => request.params.get('query')?.includes('max_over_time(container_memory_working_set_bytes') && !NAMESPACE_MATCHER.test(request.params.get('query')!));
      expect(rejected).toHaveLength(1);
    });
  });
});
