/**
 * End to end through a real Prometheus: series that must not change a verdict. Pod-level
 * cgroup series, the pause container and a second scrape job of the same container are
 * duplicates; NaN and ±Inf samples are dropped. Each scenario has a clean twin in another
 * namespace, and the verdicts must match it.
 */
import { evaluateCheck } from '../../lambda/check';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { Verdict } from '../../lambda/types';
import { nonFinitePaths } from '../analysis/finite';
import { AT, DAY, HOUR, MiB, cadvisorLabels, gauge, ksmLimit, restartsTotal, useFixturePrometheus } from '../support/prometheus-fixture';
import { MINUTE, deploymentOwners, deploymentPod, namespaceOptions, samplesAt, scrapeTimes } from './support/cluster';

const WEEK = 7 * DAY;
const START = AT - WEEK - HOUR;
const TIMES = scrapeTimes(START, AT, HOUR, [[AT - 10 * MINUTE, AT]]);

/** A leak of 2.5 MiB/h from 300 MiB under 1024 MiB: about 5 days to the limit at AT. */
function leakBytes(t: number): number {
  return (300 + (2.5 * (t - START)) / HOUR) * MiB;
}

/** Samples of the leak, with some replaced by non-finite values. */
function leakWith(replacements: ReadonlyMap<number, number> = new Map()): { t: number; v: number }[] {
  return samplesAt(TIMES, (t) => replacements.get(t) ?? leakBytes(t));
}

/** The series of one Deployment pod whose container `web` has the given working-set series. */
function podWith(namespace: string, workingSets: (pod: string) => MetricSeries[]): MetricSeries[] {
  const names = deploymentPod('storefront', 31);
  return [
    ...workingSets(names.pod),
    ksmLimit(namespace, names.pod, 'web', samplesAt(TIMES, () => 1024 * MiB)),
    restartsTotal(namespace, names.pod, 'web', samplesAt(TIMES, () => 0)),
    ...deploymentOwners(namespace, names, TIMES),
  ];
}

/** The clean twin: one series of the container, 2 MiB above the plain leak like the busier scrape job below. */
function cleanTwin(): MetricSeries[] {
  const namespace = 'clean';
  return podWith(namespace, (pod) => [
    gauge('container_memory_working_set_bytes', cadvisorLabels(namespace, pod, 'web'), samplesAt(TIMES, (t) => leakBytes(t) + 2 * MiB)),
  ]);
}

/**
 * The same container as exported by the kubelet's cAdvisor and by a standalone cAdvisor (2 MiB
 * apart), beside the pod-level cgroup (no container label, the sum of the pod) and the pause container.
 */
function duplicateSeries(): MetricSeries[] {
  const namespace = 'duplicates';
  return podWith(namespace, (pod) => {
    const kubelet = cadvisorLabels(namespace, pod, 'web');
    const podLevel = { namespace, pod, id: `/kubepods/burstable/pod-${pod}`, job: 'kubelet', instance: '10.0.0.1:10250' };
    return [
      gauge('container_memory_working_set_bytes', kubelet, leakWith()),
      gauge('container_memory_working_set_bytes', { ...kubelet, job: 'cadvisor', instance: '10.0.0.1:8080' }, samplesAt(TIMES, (t) => leakBytes(t) + 2 * MiB)),
      gauge('container_memory_working_set_bytes', podLevel, samplesAt(TIMES, (t) => 2 * leakBytes(t) + 3 * MiB)),
      gauge('container_memory_working_set_bytes', { ...cadvisorLabels(namespace, pod, 'POD'), container: 'POD' }, samplesAt(TIMES, () => 1 * MiB)),
    ];
  });
}

/** NaN, +Inf and -Inf samples scattered over the week, never as the latest sample. */
const NON_FINITE = new Map<number, number>([
  [AT - 6 * DAY, NaN],
  [AT - 5 * DAY, Infinity],
  [AT - 4 * DAY, -Infinity],
  [AT - 3 * DAY, NaN],
  [AT - 3 * DAY + HOUR, NaN],
  [AT - 2 * DAY, Infinity],
  [AT - 20 * MINUTE, NaN],
]);

function nonFiniteSamples(): MetricSeries[] {
  const namespace = 'non-finite';
  return podWith(namespace, (pod) => [
    gauge('container_memory_working_set_bytes', cadvisorLabels(namespace, pod, 'web'), samplesAt(TIMES, (t) => NON_FINITE.get(t) ?? leakBytes(t) + 2 * MiB)),
  ]);
}

/** The fields of a verdict that do not name the container. */
function judgement(verdict: Verdict): Omit<Verdict, 'id' | 'labels'> {
  const { id: _id, labels: _labels, ...rest } = verdict;
  return rest;
}

describe('duplicate and non-finite series through a real Prometheus', () => {
  const prometheus = useFixturePrometheus(() => [...cleanTwin(), ...duplicateSeries(), ...nonFiniteSamples()]);

  async function check(namespace: string) {
    return evaluateCheck(namespaceOptions(namespace), AT, prometheus.current.client(), new Map());
  }

  test('clean twin warns of the leak', async () => {
    const { verdicts } = await check('clean');

    expect(verdicts).toHaveLength(1);
    expect(verdicts[0].severity).toBe('warning');
    expect(verdicts[0].pattern).toBe('linear-growth');
    expect(verdicts[0].slopeBytesPerHour! / (2.5 * MiB)).toBeCloseTo(1, 2);
  });

  describe('pod-level, pause-container and second-job series', () => {
    test('a per-pod sum would read three times the container', async () => {
      const [pod] = await prometheus.current.client().query('sum by (pod) (container_memory_working_set_bytes{namespace="duplicates"})', AT);

      expect(pod.samples[0].v).toBe(4 * leakBytes(AT) + 6 * MiB);
    });

    test('produce nothing of their own', async () => {
      const { verdicts } = await check('duplicates');

      expect(verdicts.map((verdict) => verdict.labels.container)).toEqual(['web']);
      expect(verdicts[0].id).toBe('duplicates/storefront/web');
    });

    test('leave the verdict of the clean twin', async () => {
      const [duplicated] = (await check('duplicates')).verdicts;
      const [clean] = (await check('clean')).verdicts;

      expect(duplicated.usageBytes).toBe(leakBytes(AT) + 2 * MiB);
      expect(judgement(duplicated)).toEqual(judgement(clean));
    });
  });

  describe('NaN and ±Inf samples', () => {
    test('are dropped with a warning', async () => {
      const evaluation = await check('non-finite');

      expect(evaluation.warnings).toContainEqual(expect.stringMatching(/^Skipped \d+ samples that were NaN, \+Inf or -Inf\.$/));
      expect(nonFinitePaths(evaluation.verdicts)).toEqual([]);
    });

    test('leave the verdict of the clean twin', async () => {
      const [withNonFinite] = (await check('non-finite')).verdicts;
      const [clean] = (await check('clean')).verdicts;

      expect(withNonFinite.usageBytes).toBe(clean.usageBytes);
      expect(withNonFinite.severity).toBe(clean.severity);
      expect(withNonFinite.pattern).toBe(clean.pattern);
      expect(withNonFinite.slopeBytesPerHour! / clean.slopeBytesPerHour!).toBeCloseTo(1, 2);
      expect(withNonFinite.hoursToLimit! / clean.hoursToLimit!).toBeCloseTo(1, 2);
    });
  });
});
