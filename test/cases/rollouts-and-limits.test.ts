/**
 * End to end through a real Prometheus: warm-ups after rollouts, page cache beside the working
 * set, containers without a limit, and leaks that daily rollouts mask. Every scenario lives in
 * its own namespace of one backfilled server, and each test runs `evaluateCheck` on it.
 */
import { evaluateCheck } from '../../lambda/check';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { checkReportJson } from '../../lambda/report/json-report';
import { Verdict } from '../../lambda/types';
import { nonFinitePaths } from '../analysis/finite';
import {
  AT,
  DAY,
  HOUR,
  MiB,
  cadvisorLabels,
  cadvisorLimit,
  gauge,
  ksmLimit,
  podOwner,
  restartsTotal,
  useFixturePrometheus,
  workingSet,
} from '../support/prometheus-fixture';
import {
  MINUTE,
  deploymentOwners,
  deploymentPod,
  namespaceOptions,
  normalNoise,
  recordingClient,
  samplesAt,
  scrapeTimes,
  uniformNoise,
} from './support/cluster';

const WEEK = 7 * DAY;
/** The last minutes before the evaluation, scraped every minute so that the live pods are found. */
const LIVE_WINDOW: [number, number] = [AT - 10 * MINUTE, AT];

/** A 60-character Deployment name: its ReplicaSet has 71 characters and its pod names are cut. */
const LONG_DEPLOYMENT = 'payment-reconciliation-worker-for-european-union-settlements';

/**
 * Pods warm up as 450 − 300·exp(−h/1h) MiB plus N(0, 5 MiB) noise under 1024 MiB. Rollouts at
 * days 1, 3 and 5 of the week and 2 hours before the evaluation, so the live pod has the three
 * hourly points 150, 340 and 409 MiB, on which a least-squares line climbs 130 MiB/h.
 */
function warmUpAfterRollouts(): MetricSeries[] {
  const namespace = 'c01-warmup';
  const rollouts = [AT - 8 * DAY, AT - 6 * DAY, AT - 4 * DAY, AT - 2 * DAY, AT - 2 * HOUR];
  const noise = normalNoise(101);
  const series: MetricSeries[] = [];
  rollouts.forEach((start, index) => {
    const isLive = index === rollouts.length - 1;
    const end = isLive ? AT : rollouts[index + 1] - HOUR;
    const names = deploymentPod('pg-cache', index + 1);
    const times = scrapeTimes(start, end, HOUR, isLive ? [LIVE_WINDOW] : []);
    const warmUp = (t: number) => (450 - 300 * Math.exp(-(t - start) / HOUR)) * MiB;
    const exact = new Map([
      [AT - 2 * HOUR, 150 * MiB],
      [AT - HOUR, 340 * MiB],
      [AT, 409 * MiB],
    ]);
    const value = (t: number) => (isLive ? (exact.get(t) ?? warmUp(t)) : warmUp(t) + 5 * MiB * noise());
    series.push(
      workingSet(namespace, names.pod, 'postgres', samplesAt(times, value)),
      ksmLimit(namespace, names.pod, 'postgres', samplesAt(times, () => 1024 * MiB)),
      restartsTotal(namespace, names.pod, 'postgres', samplesAt(times, () => 0)),
      ...deploymentOwners(namespace, names, times),
    );
  });
  return series;
}

/** A cache that climbs concavely from 40 to 130 MiB over 10 hours, falls back to 40 MiB and repeats, under 512 MiB. */
function boundedCacheCycles(): MetricSeries[] {
  const namespace = 'c01-cycles';
  const pod = 'postgres-0';
  const start = AT - WEEK - HOUR;
  const times = scrapeTimes(start, AT, HOUR, [LIVE_WINDOW]);
  const timeConstantHours = 6;
  const cycle = (t: number) => {
    const ageHours = ((t - start) % (10 * HOUR)) / HOUR;
    return (40 + (90 * (1 - Math.exp(-ageHours / timeConstantHours))) / (1 - Math.exp(-10 / timeConstantHours))) * MiB;
  };
  return [
    workingSet(namespace, pod, 'postgres', samplesAt(times, cycle)),
    ksmLimit(namespace, pod, 'postgres', samplesAt(times, () => 512 * MiB)),
    restartsTotal(namespace, pod, 'postgres', samplesAt(times, () => 0)),
    podOwner(namespace, pod, 'StatefulSet', 'postgres', samplesAt(times, () => 1)),
  ];
}

/** Working set 520 ± 20 MiB; page cache grows 150 MiB/day from 100 to 1100 MiB, so total usage climbs to ≈1620 MiB. */
function pageCacheBesideWorkingSet(): MetricSeries[] {
  const namespace = 'c02';
  const names = deploymentPod('image-server', 7);
  const start = AT - WEEK - HOUR;
  const times = scrapeTimes(start, AT, HOUR, [LIVE_WINDOW]);
  const noise = uniformNoise(202);
  const workingSetBytes = new Map(times.map((t) => [t, (520 + 20 * noise()) * MiB]));
  const cacheBytes = (t: number) => Math.min(100 + (150 * (t - start)) / DAY, 1100) * MiB;
  const labels = cadvisorLabels(namespace, names.pod, 'server');
  return [
    gauge('container_memory_working_set_bytes', labels, samplesAt(times, (t) => workingSetBytes.get(t)!)),
    gauge('container_memory_cache', labels, samplesAt(times, cacheBytes)),
    gauge('container_memory_usage_bytes', labels, samplesAt(times, (t) => workingSetBytes.get(t)! + cacheBytes(t))),
    ksmLimit(namespace, names.pod, 'server', samplesAt(times, () => 4096 * MiB)),
    ...deploymentOwners(namespace, names, times),
  ];
}

/** How each container without a limit reports it. */
const UNLIMITED_CONTAINERS = [
  { name: 'limit of 0', pod: 'limit-zero-0', limitBytes: 0 },
  { name: 'cgroup v1 maximum 9223372036854771712', pod: 'limit-cgroup-v1-max-0', limitBytes: 9223372036854771712 },
  { name: 'cgroup v2 maximum 2^64 − 1', pod: 'limit-cgroup-v2-max-0', limitBytes: 18446744073709551615 },
  { name: 'no limit series', pod: 'limit-absent-0', limitBytes: null },
] as const;

/** 400 MiB + 50 MiB/day over 14 days, with the limit reported as 0, a cgroup sentinel, or not at all. */
function containersWithoutLimit(): MetricSeries[] {
  const namespace = 'c06';
  const start = AT - 14 * DAY;
  const times = scrapeTimes(start, AT, HOUR, [LIVE_WINDOW]);
  const growth = (t: number) => (400 + (50 * (t - start)) / DAY) * MiB;
  return UNLIMITED_CONTAINERS.flatMap(({ pod, limitBytes }) => [
    workingSet(namespace, pod, 'etl', samplesAt(times, growth)),
    ...(limitBytes === null ? [] : [cadvisorLimit(namespace, pod, 'etl', samplesAt(times, () => limitBytes))]),
    podOwner(namespace, pod, 'StatefulSet', pod.replace(/-0$/, ''), samplesAt(times, () => 1)),
  ]);
}

/**
 * Two Deployments, one with a 60-character name, 3 replicas each, rolled out daily for 14 days.
 * Within a pod's life the working set grows 400 MiB + 300 MiB/day under 1024 MiB; the live pods
 * are 6 hours old at ≈475 MiB.
 */
function leakMaskedByDailyRollouts(): { series: MetricSeries[]; livePods: Map<string, string[]> } {
  const namespace = 'c15';
  const series: MetricSeries[] = [];
  const livePods = new Map<string, string[]>();
  for (const [deploymentIndex, deployment] of ['checkout-api', LONG_DEPLOYMENT].entries()) {
    for (let daysAgo = 13; daysAgo >= 0; daysAgo -= 1) {
      const rolloutAt = AT - 6 * HOUR - daysAgo * DAY;
      const isLive = daysAgo === 0;
      const end = isLive ? AT : rolloutAt + DAY - HOUR;
      const times = scrapeTimes(rolloutAt, end, HOUR, isLive ? [LIVE_WINDOW] : []);
      const growth = (t: number) => (400 + (300 * (t - rolloutAt)) / DAY) * MiB;
      for (let replica = 0; replica < 3; replica += 1) {
        const names = deploymentPod(deployment, 1000 * deploymentIndex + 10 * daysAgo + 1, replica);
        series.push(
          workingSet(namespace, names.pod, 'app', samplesAt(times, growth)),
          ksmLimit(namespace, names.pod, 'app', samplesAt(times, () => 1024 * MiB)),
          restartsTotal(namespace, names.pod, 'app', samplesAt(times, () => 0)),
          ...deploymentOwners(namespace, names, times),
        );
        if (isLive) {
          livePods.set(deployment, [...(livePods.get(deployment) ?? []), names.pod]);
        }
      }
    }
  }
  return { series, livePods };
}

describe('rollouts, caches and limits through a real Prometheus', () => {
  const rollouts = leakMaskedByDailyRollouts();
  const prometheus = useFixturePrometheus(() => [
    ...warmUpAfterRollouts(),
    ...boundedCacheCycles(),
    ...pageCacheBesideWorkingSet(),
    ...containersWithoutLimit(),
    ...rollouts.series,
  ]);

  async function check(namespace: string): Promise<Verdict[]> {
    const evaluation = await evaluateCheck(namespaceOptions(namespace), AT, prometheus.current.client(), new Map());
    return evaluation.verdicts;
  }

  describe('start-up ramp after rollouts', () => {
    test('three warm-up points of a new pod raise no warning', async () => {
      const [verdict, ...others] = await check('c01-warmup');

      expect(others).toEqual([]);
      expect(verdict.id).toBe('c01-warmup/pg-cache/postgres');
      expect(verdict.usageBytes).toBe(409 * MiB);
      expect(verdict.severity).toBe('none');
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.slopeBytesPerHour).toBeNull();
      expect(verdict.pattern).toBe('plateau');
    });

    test('explains the verdict with the earlier pods that levelled off', async () => {
      const [verdict] = await check('c01-warmup');

      expect(verdict.evidence[0]).toBe('the current container has 3 samples over 2.0 h: too few for a trend of its own');
      expect(verdict.evidence[1]).toMatch(/^\d of \d earlier lifetimes warmed up and levelled off at about 4[45]\d MiB \(4[34] % of the limit\)$/);
    });
  });

  describe('cache cycling between 40 and 130 MiB', () => {
    test('bounded cycles under 512 MiB raise no warning', async () => {
      const [verdict] = await check('c01-cycles');

      expect(verdict.severity).toBe('none');
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.pattern).toBe('sawtooth');
      expect(verdict.evidence[0]).toMatch(/^sawtooth: \d+ sharp drops without a restart, every ~10 h; .* not rising: bounded$/);
    });
  });

  describe('page cache beside the working set', () => {
    test('flat working set under growing page cache raises no warning', async () => {
      const [verdict] = await check('c02');

      expect(verdict.severity).toBe('none');
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.usageBytes).toBeGreaterThanOrEqual(500 * MiB);
      expect(verdict.usageBytes).toBeLessThanOrEqual(540 * MiB);
      expect(Math.abs(verdict.slopeBytesPerHour ?? 0)).toBeLessThan(1 * MiB);
    });

    test('queries the working set, never usage or cache', async () => {
      const recorder = recordingClient(prometheus.current.client());
      await evaluateCheck(namespaceOptions('c02'), AT, recorder.client, new Map());

      const memoryQueries = recorder.queries.filter((query) => query.expr.includes('container_memory_'));
      expect(memoryQueries.length).toBeGreaterThanOrEqual(2);
      for (const query of memoryQueries) {
        expect(query.expr).toContain('container_memory_working_set_bytes');
        expect(query.expr).not.toMatch(/container_memory_(usage_bytes|cache|rss)/);
      }
    });
  });

  describe('containers without a memory limit', () => {
    test.each(UNLIMITED_CONTAINERS)(
      '$name gives no time to a limit and no severity',
      async ({ pod }) => {
        const verdict = (await check('c06')).find((one) => one.labels.pod === pod);

        expect(verdict).toBeDefined();
        expect(verdict!.pattern).toBe('no-limit');
        expect(verdict!.severity).toBe('none');
        expect(verdict!.limitBytes).toBeNull();
        expect(verdict!.hoursToLimit).toBeNull();
        expect(verdict!.hoursToLimitInterval).toBeNull();
        expect(verdict!.eta).toBeNull();
        expect(verdict!.peakFractionOfLimit).toBeNull();
        expect(verdict!.evidence[0]).toBe('no memory limit set: no time to a limit');
        expect(verdict!.slopeBytesPerHour! / ((50 * MiB) / 24)).toBeCloseTo(1, 1);
      },
    );

    test('report carries no NaN, Infinity or 0 % used', async () => {
      const evaluation = await evaluateCheck(namespaceOptions('c06'), AT, prometheus.current.client(), new Map());
      const report = checkReportJson(evaluation);

      expect(evaluation.verdicts).toHaveLength(UNLIMITED_CONTAINERS.length);
      expect(nonFinitePaths(evaluation.verdicts)).toEqual([]);
      expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity|\b0 %/);
      expect(evaluation.decision.notifications).toEqual([]);
    });
  });

  describe('leak masked by daily rollouts', () => {
    test.each(['checkout-api', LONG_DEPLOYMENT])('%s is keyed by its Deployment, also with truncated pod names', async (deployment) => {
      const verdicts = (await check('c15')).filter((verdict) => verdict.id === `c15/${deployment}/app`);

      expect(verdicts.map((verdict) => verdict.labels.pod).sort()).toEqual([...rollouts.livePods.get(deployment)!].sort());
    });

    test('pod names of the long Deployment do not contain its whole name', () => {
      const pods = rollouts.livePods.get(LONG_DEPLOYMENT)!;

      expect(LONG_DEPLOYMENT).toHaveLength(60);
      expect(pods.map((pod) => pod.length)).toEqual([63, 63, 63]);
      expect(pods.some((pod) => pod.includes(LONG_DEPLOYMENT))).toBe(false);
    });

    test.each(['checkout-api', LONG_DEPLOYMENT])('%s warns of the limit in 1.8 ± 0.2 days if not redeployed', async (deployment) => {
      const verdicts = (await check('c15')).filter((verdict) => verdict.id === `c15/${deployment}/app`);

      expect(verdicts).toHaveLength(3);
      for (const verdict of verdicts) {
        expect(verdict.severity).toBe('warning');
        expect(verdict.pattern).toBe('linear-growth');
        expect(verdict.slopeBytesPerHour! / ((300 * MiB) / 24)).toBeCloseTo(1, 1);
        expect(verdict.hoursToLimit! / 24).toBeGreaterThanOrEqual(1.6);
        expect(verdict.hoursToLimit! / 24).toBeLessThanOrEqual(2.0);
        expect(verdict.evidence).toContainEqual(expect.stringMatching(/^per-lifetime growth 12\.5 MiB\/h \(300 MiB\/day\)/));
        expect(verdict.evidence).toContainEqual(expect.stringMatching(/^leak masked by rollouts or restarts: each lifetime grows 12\.5 MiB\/h/));
        expect(verdict.evidence).toContainEqual(expect.stringMatching(/^reaches the 1\.0 GiB limit in about \d+ h if not redeployed/));
      }
    });
  });
});
