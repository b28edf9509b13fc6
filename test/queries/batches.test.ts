/**
 * Batches of namespaces and shards: reading a cluster in pieces must give exactly the histories
 * of reading it whole. The cluster is the scale benchmark's generator at a small size, with
 * rollouts, OOM kills, sidecars and StatefulSets, plus one namespace whose only container is
 * crash-looping and has no working set at the instant.
 */
import { evaluateCheck } from '../../lambda/check';
import type { CheckOptions } from '../../lambda/config/check-options';
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { fetchContainerHistories } from '../../lambda/queries/fetch-histories';
import { namespacesMatcher, planNamespaceBatches } from '../../lambda/queries/namespace-batches';
import { namespaceInShard, parseShard } from '../../lambda/queries/shard';
import { UsageError } from '../../lambda/config/units';
import { buildClusterPlan } from '../../bench/scale/cluster-plan';
import { clusterSeries } from '../../bench/scale/cluster-series';
import { AT, DAY, HOUR, MiB, ksmLimit, restartsTotal, sampleEvery, useFixturePrometheus, workingSet } from '../support/prometheus-fixture';
import { recordingClient } from '../cases/support/cluster';
import { readBatch, readRestartingContainers } from '../../lambda/queries/read-batch';
import { PrometheusError } from '../../lambda/prometheus/errors';
import type { PrometheusClient } from '../../lambda/prometheus/client';

const LOOKBACK_SECONDS = 2 * DAY;

function cluster(): MetricSeries[] {
  const plan = buildClusterPlan({
    liveContainers: 60,
    namespaceCount: 6,
    endSeconds: AT,
    historySeconds: LOOKBACK_SECONDS + 6 * HOUR,
    workingSetScrapeSeconds: 300,
    stateScrapeSeconds: 900,
    leakingWorkloadFraction: 0.2,
  });
  // A crash loop: restarted every 40 minutes over the last day, with no working set for the last two hours.
  const crashing = [
    workingSet('crashy', 'loader-0', 'app', sampleEvery(AT - LOOKBACK_SECONDS, AT - 2 * HOUR, 300, () => 90 * MiB)),
    restartsTotal('crashy', 'loader-0', 'app', sampleEvery(AT - LOOKBACK_SECONDS, AT, 300, (t) => Math.max(0, Math.floor((t - (AT - DAY)) / 2400)))),
    ksmLimit('crashy', 'loader-0', 'app', sampleEvery(AT - LOOKBACK_SECONDS, AT, 300, () => 256 * MiB)),
  ];
  return [...clusterSeries(plan), ...crashing];
}

function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return { prometheusUrl: 'unused', lookbackSeconds: LOOKBACK_SECONDS, warnDays: 7, criticalDays: 2, ...overrides };
}

describe('namespace batches', () => {
  const prometheus = useFixturePrometheus(cluster);

  test('small batches read the same histories', async () => {
    const whole = await fetchContainerHistories(prometheus.current.client(), options(), AT);
    const recorder = recordingClient(prometheus.current.client());

    const batched = await fetchContainerHistories(recorder.client, options(), AT, { batchContainers: 10 });

    expect(whole.histories.length).toBeGreaterThan(60);
    expect(batched).toEqual(whole);
    const usageQueries = recorder.queries.filter((query) => query.expr.includes('max_over_time(container_memory_working_set_bytes'));
    expect(usageQueries.length).toBeGreaterThanOrEqual(4);
    expect(usageQueries.every((query) => /namespace=~?"/.test(query.expr))).toBe(true);
  });

  test('restarting pods keep every nonzero counter', async () => {
    const client = prometheus.current.client();
    const range = { startSeconds: AT - LOOKBACK_SECONDS, endSeconds: AT, stepSeconds: HOUR };
    const restarting = await readRestartingContainers(client, [], range, undefined);

    const every = await readBatch(client, options(), [], range, undefined, []);
    const named = await readBatch(client, options(), [], range, undefined, [], Promise.resolve(restarting!.map((key) => key.split('/')[1])));

    const aboveZero = every.restartCounters.filter((series) => series.samples.some((sample) => sample.v > 0));
    expect(restarting?.length).toBeGreaterThanOrEqual(3);
    expect(every.restartCounters.length).toBeGreaterThan(aboveZero.length);
    expect(named.restartCounters).toEqual(aboveZero);
  });

  test('crash-looping namespace gets a batch', async () => {
    const batched = await fetchContainerHistories(prometheus.current.client(), options(), AT, { batchContainers: 10 });

    const crashing = batched.histories.filter((history) => history.labels.namespace === 'crashy');
    expect(crashing.map((history) => history.id)).toEqual(['crashy/loader/app']);
  });

  test('shards split the containers without overlap', async () => {
    const whole = await fetchContainerHistories(prometheus.current.client(), options(), AT);
    const keys = (histories: { labels: Record<string, string> }[]) => histories.map((history) => `${history.labels.namespace}/${history.labels.pod}/${history.labels.container}`);

    const shards = [];
    for (const index of [1, 2, 3]) {
      shards.push(await fetchContainerHistories(prometheus.current.client(), options({ shard: { index, count: 3 } }), AT, { batchContainers: 25 }));
    }

    const shardKeys = shards.flatMap((shard) => keys(shard.histories));
    expect(shardKeys.sort()).toEqual(keys(whole.histories).sort());
    expect(new Set(shardKeys).size).toBe(shardKeys.length);
    expect(shards.filter((shard) => shard.histories.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  test('sharded check gives the same verdicts', async () => {
    const whole = await evaluateCheck(options(), AT, prometheus.current.client(), new Map());
    const sharded = [];
    for (const index of [1, 2]) {
      sharded.push(...(await evaluateCheck(options({ shard: { index, count: 2 } }), AT, prometheus.current.client(), new Map())).verdicts);
    }

    expect(whole.verdicts.some((verdict) => verdict.severity !== 'none')).toBe(true);
    expect(sharded.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([...whole.verdicts].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });
});

describe('readRestartingContainers', () => {
  /** A backend that rejects every query as too large, as Amazon Managed Service for Prometheus may. */
  const tooLarge: PrometheusClient = {
    url: 'http://backend.example',
    stats: { requests: 0, retries: 0, samplesRead: 0, nonFiniteSamplesDropped: 0, warnings: [] },
    query: async () => {
      throw new PrometheusError({ message: 'too many samples', url: 'http://backend.example/api/v1/query', kind: 'limit', limit: 'samples' });
    },
    queryRange: async () => [],
    labelValues: async () => ['a', 'b'],
  };

  test('gives up on a size limit', async () => {
    const range = { startSeconds: AT - DAY, endSeconds: AT, stepSeconds: HOUR };

    await expect(readRestartingContainers(tooLarge, [], range, undefined)).resolves.toBeUndefined();
  });

  test('passes other failures on', async () => {
    const failing: PrometheusClient = {
      ...tooLarge,
      query: async () => {
        throw new PrometheusError({ message: 'connection refused', url: 'http://backend.example/api/v1/query', kind: 'unreachable' });
      },
    };
    const range = { startSeconds: AT - DAY, endSeconds: AT, stepSeconds: HOUR };

    await expect(readRestartingContainers(failing, [], range, undefined)).rejects.toThrow('connection refused');
  });
});

describe('planNamespaceBatches', () => {
  const live = (namespace: string, count: number) => Array.from({ length: count }, (_, index) => ({ labels: { namespace, pod: `p${index}`, container: 'app' }, samples: [] }));

  test('packs namespaces in name order', () => {
    const plan = planNamespaceBatches([...live('b', 4), ...live('a', 3), ...live('c', 5), ...live('d', 1)], 8);

    expect(plan.batches.map((batch) => batch.namespaces)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(plan.batches.map((batch) => batch.liveContainers)).toEqual([7, 6]);
    expect(plan.restrictsNamespaces).toBe(true);
  });

  test('keeps a namespace larger than a batch whole', () => {
    const plan = planNamespaceBatches([...live('big', 30), ...live('small', 2)], 10);

    expect(plan.batches.map((batch) => batch.namespaces)).toEqual([['big'], ['small']]);
  });

  test('one whole batch needs no matcher', () => {
    expect(planNamespaceBatches([...live('a', 3), ...live('b', 3)], 10).restrictsNamespaces).toBe(false);
  });

  test('counts containers, not the series of their ids', () => {
    const twoIds = [...live('a', 1), ...live('a', 1)];

    expect(planNamespaceBatches(twoIds, 10).batches[0].liveContainers).toBe(1);
  });

  test('a shard restricts even one batch', () => {
    const namespaces = ['a', 'b', 'c', 'd', 'e', 'f'];
    const plan = planNamespaceBatches(namespaces.flatMap((namespace) => live(namespace, 1)), 100, { index: 1, count: 2 });

    expect(plan.restrictsNamespaces).toBe(true);
    expect(plan.batches.flatMap((batch) => batch.namespaces)).toEqual(namespaces.filter((namespace) => namespaceInShard(namespace, { index: 1, count: 2 })));
  });

  test('extra namespaces join as empty', () => {
    const plan = planNamespaceBatches([...live('a', 3), ...live('c', 3)], 3, undefined, ['b']);

    expect(plan.batches).toEqual([
      { namespaces: ['a', 'b'], liveContainers: 3 },
      { namespaces: ['c'], liveContainers: 3 },
    ]);
  });
});

describe('namespacesMatcher', () => {
  test('exact for one, escaped regex for several', () => {
    expect(namespacesMatcher(['dojo'])).toEqual({ name: 'namespace', operator: '=', literal: '"dojo"' });
    expect(namespacesMatcher(['a.b', 'c'])).toEqual({ name: 'namespace', operator: '=~', literal: '"a\\\\.b|c"' });
  });
});

describe('shards', () => {
  test('parses INDEX/COUNT', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
  });

  test.each(['0/4', '5/4', '2', 'a/b', '1/0'])('rejects %s', (text) => {
    expect(() => parseShard(text)).toThrow(UsageError);
    expect(() => parseShard(text)).toThrow(`--shard "${text}": expected INDEX/COUNT`);
  });

  test('every namespace falls in exactly one shard', () => {
    const namespaces = Array.from({ length: 200 }, (_, index) => `team-${index}`);
    for (const count of [1, 2, 3, 8]) {
      for (const namespace of namespaces) {
        const owners = Array.from({ length: count }, (_, index) => index + 1).filter((index) => namespaceInShard(namespace, { index, count }));
        expect(owners).toHaveLength(1);
      }
    }
  });

  test('spreads namespaces over the shards', () => {
    const namespaces = Array.from({ length: 400 }, (_, index) => `team-${index}`);
    const sizes = [1, 2, 3, 4].map((index) => namespaces.filter((namespace) => namespaceInShard(namespace, { index, count: 4 })).length);

    for (const size of sizes) {
      expect(size).toBeGreaterThan(70);
    }
  });
});
