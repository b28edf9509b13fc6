import { CheckOptions } from '../../lambda/config/check-options';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { fetchContainerHistories } from '../../lambda/queries/fetch-histories';
import { ContainerHistory, Sample } from '../../lambda/types';
import {
  AT,
  DAY,
  GiB,
  HOUR,
  MiB,
  cadvisorLabels,
  cadvisorLimit,
  constant,
  gauge,
  ksmLimit,
  lastTerminatedReason,
  liveSamples,
  restartsTotal,
  sampleEvery,
  useFixturePrometheus,
  workingSet,
} from '../support/prometheus-fixture';

const WEEK = 7 * DAY;

/** C02: the working set is flat while page cache, and with it total usage, climbs. */
function pageCacheScenario(): MetricSeries[] {
  const pod = 'imgsrv-6d5f7c8b9d-x2k9p';
  const start = AT - WEEK;
  const workingSetAt = (t: number) => (520 + 20 * Math.sin((2 * Math.PI * t) / DAY)) * MiB;
  const cacheAt = (t: number) => Math.min(100 + (150 * (t - start)) / DAY, 1100) * MiB;
  const labels = cadvisorLabels('c02', pod, 'server');
  return [
    workingSet('c02', pod, 'server', liveSamples(start, AT, workingSetAt)),
    gauge('container_memory_cache', labels, liveSamples(start, AT, cacheAt)),
    gauge('container_memory_usage_bytes', labels, liveSamples(start, AT, (t) => workingSetAt(t) + cacheAt(t))),
    ksmLimit('c02', pod, 'server', liveSamples(start, AT, constant(4096 * MiB))),
  ];
}

/** C04: an OOM kill 2 minutes before the evaluation; the dead container's series lingers 4 minutes. */
function oomRestartScenario(): MetricSeries[] {
  const pod = 'app-7c9f8b6d4-q2w5z';
  const t0 = AT - 120;
  const climbStart = t0 - 3 * DAY;
  const climb = (t: number) => (700 + (318 * (t - climbStart)) / (3 * DAY)) * MiB;
  const oldSamples = [...sampleEvery(climbStart, t0 - 3600, HOUR, climb), ...sampleEvery(t0 - 3540, t0, 60, climb)];
  const frozen = sampleEvery(t0 + 60, t0 + 240, 60, constant(1018 * MiB));
  return [
    workingSet('c04', pod, 'app', [...oldSamples, ...frozen], 'old-container'),
    workingSet('c04', pod, 'app', sampleEvery(t0 + 15, AT + 600, 60, constant(150 * MiB)), 'new-container'),
    ksmLimit('c04', pod, 'app', sampleEvery(climbStart, AT + 600, 300, constant(1024 * MiB))),
    restartsTotal('c04', pod, 'app', sampleEvery(climbStart, AT + 600, 30, (t) => (t >= t0 + 30 ? 1 : 0))),
    lastTerminatedReason('c04', pod, 'app', 'OOMKilled', sampleEvery(t0 + 30, AT + 600, 30, constant(1))),
  ];
}

/** C06: no limit expressed as 0, as cgroup sentinels, or not at all. */
function noLimitScenario(): MetricSeries[] {
  const start = AT - WEEK;
  const growing = (t: number) => (400 + (50 * (t - start)) / DAY) * MiB;
  const series: MetricSeries[] = [];
  for (const pod of ['zero-0', 'sentinel-0', 'missing-0', 'huge-0']) {
    series.push(workingSet('c06', pod, 'app', liveSamples(start, AT, growing)));
  }
  series.push(cadvisorLimit('c06', 'zero-0', 'app', liveSamples(start, AT, constant(0))));
  series.push(cadvisorLimit('c06', 'sentinel-0', 'app', liveSamples(start, AT, constant(9223372036854771712))));
  series.push(ksmLimit('c06', 'huge-0', 'app', liveSamples(start, AT, constant(0))));
  series.push(cadvisorLimit('c06', 'huge-0', 'app', liveSamples(start, AT, constant(18446744073709551615))));
  return series;
}

/** Two scrape jobs export the same container; pod-level and pause-container series exist beside it. */
function duplicatesScenario(): MetricSeries[] {
  const start = AT - WEEK;
  const pod = 'web-5c6d7f8b9c-k2m4n';
  const kubelet = cadvisorLabels('dup', pod, 'web');
  const standalone = { ...kubelet, job: 'cadvisor', instance: '10.0.0.1:8080' };
  const podLevel = { namespace: 'dup', pod, id: `/kubepods/burstable/pod-${pod}`, job: 'kubelet' };
  return [
    gauge('container_memory_working_set_bytes', kubelet, liveSamples(start, AT, constant(300 * MiB))),
    gauge('container_memory_working_set_bytes', standalone, liveSamples(start, AT, constant(302 * MiB))),
    gauge('container_memory_working_set_bytes', podLevel, liveSamples(start, AT, constant(700 * MiB))),
    gauge('container_memory_working_set_bytes', { ...cadvisorLabels('dup', pod, 'POD'), container: 'POD' }, liveSamples(start, AT, constant(1 * MiB))),
  ];
}

/** Limit sources: two kube-state-metrics replicas, a changed limit, cAdvisor only. */
function limitsScenario(): MetricSeries[] {
  const start = AT - WEEK;
  const flat = liveSamples(start, AT, constant(200 * MiB));
  return [
    workingSet('limits', 'replicas-0', 'app', flat),
    ksmLimit('limits', 'replicas-0', 'app', liveSamples(start, AT, constant(512 * MiB)), '10.0.0.9:8080'),
    ksmLimit('limits', 'replicas-0', 'app', liveSamples(start, AT, constant(512 * MiB)), '10.0.0.10:8080'),
    workingSet('limits', 'changed-0', 'app', flat),
    ksmLimit('limits', 'changed-0', 'app', liveSamples(start, AT, (t) => (t < AT - 2 * DAY ? 512 : 768) * MiB)),
    workingSet('limits', 'cadvisor-0', 'app', flat),
    cadvisorLimit('limits', 'cadvisor-0', 'app', liveSamples(start, AT, constant(256 * MiB))),
  ];
}

/** Builds a pod that stopped 10 minutes before the evaluation and its replacement in the same Deployment. */
function stoppedScenario(): MetricSeries[] {
  const start = AT - WEEK;
  return [
    workingSet('stopped', 'shop-7b8c9d6f5-bcdfg', 'app', liveSamples(start, AT - 600, constant(300 * MiB))),
    workingSet('stopped', 'shop-7b8c9d6f5-hjklm', 'app', sampleEvery(AT - 540, AT, 60, constant(100 * MiB))),
  ];
}

/**
 * One step whose samples are all NaN, and a resident-memory metric for a custom query. Range
 * selectors of Prometheus 2.x include both ends, so the window of the step at AT - 3d contains the
 * samples at AT - 3d - 1h and AT - 3d, and both must be NaN for its maximum to be NaN.
 */
function customScenario(): MetricSeries[] {
  const start = AT - WEEK;
  const nanTimes = new Set([AT - 3 * DAY - HOUR, AT - 3 * DAY]);
  const withNaN = liveSamples(start, AT, constant(64 * MiB)).map((sample) => (nanTimes.has(sample.t) ? { t: sample.t, v: NaN } : sample));
  return [
    workingSet('custom', 'worker-0', 'app', withNaN),
    gauge('container_memory_rss', cadvisorLabels('custom', 'worker-0', 'app'), liveSamples(start, AT, constant(48 * MiB))),
  ];
}

function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return { prometheusUrl: 'unused', lookbackSeconds: WEEK, warnDays: 7, criticalDays: 2, ...overrides };
}

function allSamples(history: ContainerHistory): Sample[] {
  return history.usageByContainerId.flat();
}

describe('fetchContainerHistories', () => {
  const prometheus = useFixturePrometheus(() => [
    ...pageCacheScenario(),
    ...oomRestartScenario(),
    ...noLimitScenario(),
    ...duplicatesScenario(),
    ...limitsScenario(),
    ...stoppedScenario(),
    ...customScenario(),
  ]);

  async function fetch(selector: string, overrides: Partial<CheckOptions> = {}) {
    return fetchContainerHistories(prometheus.current.client(), options({ selector, ...overrides }), AT);
  }

  test('reads the working set, not usage with page cache', async () => {
    const { histories, stepSeconds } = await fetch('namespace="c02"');

    expect(stepSeconds).toBe(HOUR);
    expect(histories).toHaveLength(1);
    const samples = allSamples(histories[0]);
    expect(samples).toHaveLength(7 * 24 + 1);
    expect(samples[0].t).toBe(AT - WEEK);
    expect(samples.at(-1)?.t).toBe(AT);
    expect(Math.max(...samples.map((sample) => sample.v))).toBeLessThanOrEqual(540 * MiB);
    expect(Math.min(...samples.map((sample) => sample.v))).toBeGreaterThanOrEqual(500 * MiB);
    expect(histories[0].limitBytes).toBe(4096 * MiB);
  });

  test('keeps the containers of an OOM restart apart', async () => {
    const { histories } = await fetch('namespace="c04"');

    expect(histories).toHaveLength(1);
    const [history] = histories;
    expect(history.id).toBe('c04/app/app');
    expect(history.labels).toEqual({ namespace: 'c04', pod: 'app-7c9f8b6d4-q2w5z', container: 'app' });
    expect(history.usageByContainerId).toHaveLength(2);
    const [dead, current] = history.usageByContainerId;
    expect(current).toEqual([{ t: AT, v: 150 * MiB }]);
    expect(dead.at(-1)).toEqual({ t: AT, v: 1018 * MiB });
    expect(dead.at(-2)?.t).toBe(AT - HOUR);
    expect(Math.max(...allSamples(history).map((sample) => sample.v))).toBeLessThanOrEqual(1024 * MiB);
    expect(history.restarts).toEqual([{ t: AT, count: 1, oomKilled: true }]);
    expect(history.limitBytes).toBe(1024 * MiB);
  });

  test('treats 0, cgroup sentinels and a missing series as no limit', async () => {
    const { histories } = await fetch('namespace="c06"');

    expect(histories.map((history) => [history.labels.pod, history.limitBytes])).toEqual([
      ['huge-0', null],
      ['missing-0', null],
      ['sentinel-0', null],
      ['zero-0', null],
    ]);
  });

  test('uses the fallback limit where no limit is set', async () => {
    const { histories } = await fetch('namespace=~"c06|limits"', { fallbackLimitBytes: 2 * GiB });

    const limits = Object.fromEntries(histories.map((history) => [history.labels.pod, history.limitBytes]));
    expect(limits).toEqual({
      'huge-0': 2 * GiB,
      'missing-0': 2 * GiB,
      'sentinel-0': 2 * GiB,
      'zero-0': 2 * GiB,
      'replicas-0': 512 * MiB,
      'changed-0': 768 * MiB,
      'cadvisor-0': 256 * MiB,
    });
  });

  test('merges scrape job duplicates with max and skips pod-level series', async () => {
    const { histories, warnings } = await fetch('namespace="dup"');

    expect(histories).toHaveLength(1);
    expect(histories[0].labels.container).toBe('web');
    expect(histories[0].usageByContainerId).toHaveLength(1);
    expect(new Set(allSamples(histories[0]).map((sample) => sample.v))).toEqual(new Set([302 * MiB]));
    expect(warnings).toEqual([]);
  });

  test('reads one current limit per container', async () => {
    const { histories } = await fetch('namespace="limits"');

    expect(Object.fromEntries(histories.map((history) => [history.labels.pod, history.limitBytes]))).toEqual({
      'cadvisor-0': 256 * MiB,
      'changed-0': 768 * MiB,
      'replicas-0': 512 * MiB,
    });
  });

  test('a stopped pod is not live but an earlier pod of its workload', async () => {
    const { histories } = await fetch('namespace="stopped"');

    expect(histories).toHaveLength(1);
    expect(histories[0].id).toBe('stopped/shop/app');
    expect(histories[0].labels.pod).toBe('shop-7b8c9d6f5-hjklm');
    expect(histories[0].earlierPods.map((earlier) => earlier.pod)).toEqual(['shop-7b8c9d6f5-bcdfg']);
    expect(histories[0].earlierPods[0].samples[0]).toEqual({ t: AT - WEEK, v: 300 * MiB });
    expect(histories[0].earlierPods[0].samples.at(-1)?.t).toBe(AT);
  });

  test('the selector limits every query to its namespace', async () => {
    const { histories } = await fetch('namespace=~"c0.*"');

    expect(new Set(histories.map((history) => history.labels.namespace))).toEqual(new Set(['c02', 'c04', 'c06']));
    expect(histories).toHaveLength(6);
  });

  test('skips a NaN sample with a warning', async () => {
    const { histories, warnings } = await fetch('namespace="custom"');

    expect(histories).toHaveLength(1);
    expect(allSamples(histories[0]).some((sample) => sample.t === AT - 3 * DAY)).toBe(false);
    expect(allSamples(histories[0])).toHaveLength(7 * 24);
    expect(warnings).toEqual(['Skipped 1 samples that were NaN, +Inf or -Inf.']);
  });

  test('uses custom usage and limit queries as given', async () => {
    const { histories } = await fetch('', {
      usageQuery: 'max by (namespace, pod, container) (max_over_time(container_memory_rss{namespace="custom"}[1h]))',
      limitQuery: 'vector(2147483648)',
    });

    expect(histories).toHaveLength(1);
    expect(histories[0].id).toBe('custom/worker/app');
    expect(new Set(allSamples(histories[0]).map((sample) => sample.v))).toEqual(new Set([48 * MiB]));
    expect(histories[0].limitBytes).toBe(2 * GiB);
  });

  test('skips custom usage series without container labels, with one warning', async () => {
    const { histories, warnings } = await fetch('', { usageQuery: 'sum by (namespace) (container_memory_rss)' });

    expect(histories).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Skipped 1 usage series without namespace, pod and container labels \(for example \{"namespace":"custom"\}\)/);
  });

  test('warns when nothing matches the selector', async () => {
    const { histories, warnings } = await fetch('namespace="nothing-here"');

    expect(histories).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('container_memory_working_set_bytes with the selector returned no series');
    // Instants as everywhere else in the output: whole seconds, no milliseconds.
    expect(warnings[0]).toMatch(/between \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ and \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ;/);
  });
});
