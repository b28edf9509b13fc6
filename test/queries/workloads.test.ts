import { CheckOptions } from '../../lambda/config/check-options';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { PromSeries } from '../../lambda/prometheus/response';
import { fetchContainerHistories } from '../../lambda/queries/fetch-histories';
import { buildOwnerIndex, workloadFromPodName, workloadOf } from '../../lambda/queries/workloads';
import {
  AT,
  DAY,
  HOUR,
  MiB,
  constant,
  ksmLimit,
  liveSamples,
  podOwner,
  replicaSetOwner,
  sampleEvery,
  useFixturePrometheus,
  workingSet,
} from '../support/prometheus-fixture';

/** 60 characters: its ReplicaSet name has 71 and its pod names are cut to 63. */
const LONG_DEPLOYMENT = 'payment-reconciliation-worker-for-european-union-settlements';
/** Kubernetes' generated-name alphabet, for hashes and pod suffixes. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function generatedName(seed: number, length: number): string {
  let name = '';
  let state = seed * 7919 + 17;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    name += SAFE[state % SAFE.length];
  }
  return name;
}

/** Pod name as Kubernetes generates it: `<replicaset>-` cut to 58 characters, then 5 random ones. */
function podName(replicaSet: string, seed: number): string {
  return `${replicaSet}-`.slice(0, 58) + generatedName(seed, 5);
}

/**
 * C15: two Deployments with daily rollouts over 14 days, 3 replicas each. Within a pod's life the
 * working set grows 400 MiB + 300 MiB/day; the current pods are 6 hours old.
 */
function rolloutScenario(): { series: MetricSeries[]; livePods: Map<string, string[]> } {
  const series: MetricSeries[] = [];
  const livePods = new Map<string, string[]>();
  for (const [d, deployment] of ['checkout-api', LONG_DEPLOYMENT].entries()) {
    for (let k = 0; k <= 13; k += 1) {
      const rolloutAt = AT - 6 * HOUR - k * DAY;
      const replicaSet = `${deployment}-${generatedName(d * 100 + k, 10)}`;
      const lifeEnd = k === 0 ? AT : rolloutAt + DAY - HOUR;
      series.push(replicaSetOwner('shop', replicaSet, deployment, sampleEvery(rolloutAt, Math.min(AT, rolloutAt + 2 * DAY), HOUR, constant(1))));
      for (let replica = 0; replica < 3; replica += 1) {
        const pod = podName(replicaSet, d * 1000 + k * 10 + replica);
        const growth = (t: number) => (400 + (300 * (t - rolloutAt)) / DAY) * MiB;
        const samples = k === 0 ? liveSamples(rolloutAt, AT, growth) : sampleEvery(rolloutAt, lifeEnd, HOUR, growth);
        series.push(workingSet('shop', pod, 'app', samples));
        series.push(ksmLimit('shop', pod, 'app', k === 0 ? liveSamples(rolloutAt, AT, constant(1024 * MiB)) : sampleEvery(rolloutAt, lifeEnd, HOUR, constant(1024 * MiB))));
        series.push(podOwner('shop', pod, 'ReplicaSet', replicaSet, k === 0 ? liveSamples(rolloutAt, AT, constant(1)) : sampleEvery(rolloutAt, lifeEnd, HOUR, constant(1))));
        if (k === 0) {
          livePods.set(deployment, [...(livePods.get(deployment) ?? []), pod]);
        }
      }
    }
  }
  return { series, livePods };
}

/** Pods without kube-state-metrics owner series, named as their controllers name them. */
function namesOnlyScenario(): MetricSeries[] {
  const flat = liveSamples(AT - DAY, AT, constant(100 * MiB));
  return [
    workingSet('plain', 'billing-api-6b7c8d9f5-x2k9p', 'app', flat),
    workingSet('plain', 'redis-0', 'redis', flat),
    workingSet('plain', 'node-agent-z7x4q', 'agent', flat),
    workingSet('plain', 'report-29412345-b2c4d', 'job', flat),
    workingSet('plain', 'standalone', 'app', flat),
  ];
}

function options(selector: string): CheckOptions {
  return { prometheusUrl: 'unused', selector, lookbackSeconds: 7 * DAY, warnDays: 7, criticalDays: 2 };
}

describe('workload identity against a real Prometheus', () => {
  const rollout = rolloutScenario();
  const prometheus = useFixturePrometheus(() => [...rollout.series, ...namesOnlyScenario()]);

  test('C15: the pod names of the long Deployment are truncated', () => {
    const [pod] = rollout.livePods.get(LONG_DEPLOYMENT)!;
    expect(LONG_DEPLOYMENT).toHaveLength(60);
    expect(pod).toHaveLength(63);
    expect(pod.startsWith(LONG_DEPLOYMENT)).toBe(false);
  });

  test('C15: owner metrics give one identity across daily rollouts', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="shop"'), AT);

    expect(histories).toHaveLength(6);
    for (const deployment of ['checkout-api', LONG_DEPLOYMENT]) {
      const own = histories.filter((history) => history.id === `shop/${deployment}/app`);
      expect(own.map((history) => history.labels.pod).sort()).toEqual([...rollout.livePods.get(deployment)!].sort());
      for (const history of own) {
        expect(history.usageByContainerId.at(-1)!.at(-1)).toEqual({ t: AT, v: 475 * MiB });
        expect(history.limitBytes).toBe(1024 * MiB);
        // Pods of the 7 rollouts before the current one have samples in the 7-day lookback.
        expect(history.earlierPods).toHaveLength(21);
        expect(history.earlierPods.every((earlier) => !rollout.livePods.get(deployment)!.includes(earlier.pod))).toBe(true);
        const firstSamples = history.earlierPods.map((earlier) => earlier.samples[0].t);
        expect(firstSamples).toEqual([...firstSamples].sort((a, b) => a - b));
        const peaks = history.earlierPods.slice(3).map((earlier) => Math.max(...earlier.samples.map((sample) => sample.v)));
        expect(peaks.every((peak) => peak === (400 + (300 * 23) / 24) * MiB)).toBe(true);
      }
    }
  });

  test('pod names give the workload where owner metrics are missing', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="plain"'), AT);

    expect(histories.map((history) => history.id).sort()).toEqual([
      'plain/billing-api/app',
      'plain/node-agent/agent',
      'plain/redis/redis',
      'plain/report/job',
      'plain/standalone/app',
    ]);
  });
});

describe('workloadOf', () => {
  const series = (labels: Record<string, string>): PromSeries => ({ labels, samples: [{ t: AT, v: 1 }] });
  const index = buildOwnerIndex(
    [
      series({ namespace: 'n', pod: 'web-abc', owner_kind: 'ReplicaSet', owner_name: 'web-6b7c8d9f5', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'bare-rs-pod', owner_kind: 'ReplicaSet', owner_name: 'bare', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'orphan-rs-pod', owner_kind: 'ReplicaSet', owner_name: 'orphan-6b7c8d9f5', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'db-0', owner_kind: 'StatefulSet', owner_name: 'db', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'run-1', owner_kind: 'Job', owner_name: 'nightly-29412345', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'apiserver-node-1', owner_kind: 'Node', owner_name: 'node-1', owner_is_controller: 'true' }),
      series({ namespace: 'n', pod: 'lonely', owner_kind: '<none>', owner_name: '<none>', owner_is_controller: '<none>' }),
      series({ namespace: 'n', pod: 'two-owners', owner_kind: 'ConfigMap', owner_name: 'cm', owner_is_controller: 'false' }),
      series({ namespace: 'n', pod: 'two-owners', owner_kind: 'DaemonSet', owner_name: 'agent', owner_is_controller: 'true' }),
    ],
    [
      series({ namespace: 'n', replicaset: 'web-6b7c8d9f5', owner_kind: 'Deployment', owner_name: 'web' }),
      series({ namespace: 'n', replicaset: 'bare', owner_kind: '<none>', owner_name: '<none>' }),
    ],
    [series({ namespace: 'n', job_name: 'nightly-29412345', owner_kind: 'CronJob', owner_name: 'nightly' })],
  );

  test.each([
    ['web-abc', 'Deployment', 'web', 'owner-metrics'],
    ['bare-rs-pod', 'ReplicaSet', 'bare', 'owner-metrics'],
    ['orphan-rs-pod', 'Deployment', 'orphan', 'pod-name'],
    ['db-0', 'StatefulSet', 'db', 'owner-metrics'],
    ['run-1', 'CronJob', 'nightly', 'owner-metrics'],
    ['apiserver-node-1', 'Pod', 'apiserver-node-1', 'pod'],
    ['lonely', 'Pod', 'lonely', 'pod'],
    ['two-owners', 'DaemonSet', 'agent', 'owner-metrics'],
    ['checkout-7c9f8b6d4-x2k9p', 'Deployment', 'checkout', 'pod-name'],
  ])('pod %s belongs to %s %s', (pod, kind, name, source) => {
    expect(workloadOf('n', pod, index)).toEqual({ kind, name, source });
  });

  test.each([
    ['checkout-api-7c9f8b6d4-x2k9p', 'Deployment', 'checkout-api'],
    ['kafka-12', 'StatefulSet', 'kafka'],
    ['node-exporter-x7k2p', 'DaemonSet', 'node-exporter'],
    ['backup-29412345-b2c4d', 'CronJob', 'backup'],
    ['prometheus-node-exporter-x7k2p', 'DaemonSet', 'prometheus-node-exporter'],
    ['standalone', 'Pod', 'standalone'],
  ])('pod name %s suggests %s %s', (pod, kind, name) => {
    expect(workloadFromPodName(pod)).toMatchObject({ kind, name });
  });
});
