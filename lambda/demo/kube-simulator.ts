import type { MetricSeries } from '../local-prometheus/openmetrics';

/** One rollout of a workload: from `startSeconds`, pods of this template run with this memory. */
export interface SimulatedRollout {
  /** Unix seconds at which the new pod starts. */
  readonly startSeconds: number;
  /** Pod template hash, part of the ReplicaSet and pod names. */
  readonly templateHash: string;
  /** Suffix of the pod name after the ReplicaSet name. */
  readonly podSuffix: string;
  /** Memory limit in bytes, or null for none. */
  readonly limitBytes: number | null;
  /**
   * Working set in bytes of a container that started `ageSeconds` ago; `atSeconds` is wall
   * time, for shapes tied to the clock such as daily cycles.
   */
  readonly memoryBytes: (ageSeconds: number, atSeconds: number) => number;
}

/** A Deployment with one container, simulated as cAdvisor and kube-state-metrics would export it. */
export interface SimulatedWorkload {
  readonly namespace: string;
  readonly deployment: string;
  readonly container: string;
  readonly rollouts: readonly SimulatedRollout[];
}

/** Time span and scrape interval of a simulation. */
export interface SimulationWindow {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly scrapeSeconds: number;
}

interface PodSeries {
  readonly pod: string;
  readonly replicaSet: string;
  readonly limitBytes: number | null;
  readonly workingSetById: Map<string, GrowingSeries>;
  readonly limit: GrowingSeries | null;
  readonly restarts: GrowingSeries;
  readonly lastTerminatedOom: GrowingSeries;
  readonly owner: GrowingSeries;
}

/**
 * Simulates a workload. The container's working set follows the rollout's memory curve. When it
 * reaches the limit, the kernel kills it (OOMKilled), so the restart counter rises and a new
 * container id starts from age zero. Each rollout starts a new pod. The output contains the series
 * that the default queries read: cAdvisor working set (with `id`), the pod-level cAdvisor series
 * without a container label, kube-state-metrics limits, restarts, last termination reason and
 * owners.
 *
 * @returns the series, and the Unix seconds of every OOM kill
 */
export function simulateWorkload(
  workload: SimulatedWorkload,
  window: SimulationWindow,
): { series: MetricSeries[]; oomKillSeconds: number[] } {
  const series: MetricSeries[] = [];
  const oomKillSeconds: number[] = [];

  workload.rollouts.forEach((rollout, rolloutIndex) => {
    const nextRollout = workload.rollouts[rolloutIndex + 1];
    const podEndSeconds = Math.min(nextRollout?.startSeconds ?? window.endSeconds + 1, window.endSeconds + 1);
    const pod = simulatePod(workload, rollout, window, podEndSeconds, oomKillSeconds);
    series.push(...pod.workingSetById.values(), podLevelSeries(workload, pod), pod.restarts, pod.lastTerminatedOom, pod.owner);
    if (pod.limit) {
      series.push(pod.limit);
    }
    series.push(
      replicaSetOwner(workload, pod.replicaSet, Math.max(rollout.startSeconds, window.startSeconds), podEndSeconds, window.scrapeSeconds),
    );
  });

  return { series, oomKillSeconds };
}

function simulatePod(
  workload: SimulatedWorkload,
  rollout: SimulatedRollout,
  window: SimulationWindow,
  podEndSeconds: number,
  oomKillSeconds: number[],
): PodSeries {
  const replicaSet = `${workload.deployment}-${rollout.templateHash}`;
  const pod = `${replicaSet}-${rollout.podSuffix}`;
  const podLabels = { namespace: workload.namespace, pod };
  const containerLabels = { ...podLabels, container: workload.container };

  const result: PodSeries = {
    pod,
    replicaSet,
    limitBytes: rollout.limitBytes,
    workingSetById: new Map(),
    limit:
      rollout.limitBytes === null
        ? null
        : metric('kube_pod_container_resource_limits', { ...containerLabels, resource: 'memory', unit: 'byte' }),
    restarts: metric('kube_pod_container_status_restarts_total', containerLabels),
    lastTerminatedOom: metric('kube_pod_container_status_last_terminated_reason', { ...containerLabels, reason: 'OOMKilled' }),
    owner: metric('kube_pod_owner', { ...podLabels, owner_kind: 'ReplicaSet', owner_name: replicaSet, owner_is_controller: 'true' }),
  };

  let containerStartSeconds = Math.max(rollout.startSeconds, window.startSeconds);
  let restartCount = 0;
  let containerIndex = 0;
  const firstScrape = Math.ceil(Math.max(rollout.startSeconds, window.startSeconds) / window.scrapeSeconds) * window.scrapeSeconds;

  for (let t = firstScrape; t < podEndSeconds && t <= window.endSeconds; t += window.scrapeSeconds) {
    const rawBytes = rollout.memoryBytes(t - containerStartSeconds, t);
    const killed = rollout.limitBytes !== null && rawBytes >= rollout.limitBytes;
    const workingSetBytes = killed ? (rollout.limitBytes as number) : Math.max(rawBytes, 0);

    const containerId = `/kubepods/burstable/pod-${pod}/${workload.container}-${containerIndex}`;
    let workingSet = result.workingSetById.get(containerId);
    if (!workingSet) {
      workingSet = metric('container_memory_working_set_bytes', { ...containerLabels, id: containerId, job: 'kubelet', metrics_path: '/metrics/cadvisor' });
      result.workingSetById.set(containerId, workingSet);
    }
    workingSet.samples.push({ t, v: Math.round(workingSetBytes) });

    if (killed) {
      oomKillSeconds.push(t);
      restartCount += 1;
      containerIndex += 1;
      containerStartSeconds = t;
    }
    result.restarts.samples.push({ t, v: restartCount });
    result.lastTerminatedOom.samples.push({ t, v: restartCount > 0 ? 1 : 0 });
    result.owner.samples.push({ t, v: 1 });
    result.limit?.samples.push({ t, v: rollout.limitBytes as number });
  }
  return result;
}

/** cAdvisor also exports the whole pod without a container label; the checker must ignore it. */
function podLevelSeries(workload: SimulatedWorkload, pod: PodSeries): MetricSeries {
  const podSeries = metric('container_memory_working_set_bytes', {
    namespace: workload.namespace,
    pod: pod.pod,
    id: `/kubepods/burstable/pod-${pod.pod}`,
    job: 'kubelet',
    metrics_path: '/metrics/cadvisor',
  });
  const bytesByTime = new Map<number, number>();
  for (const workingSet of pod.workingSetById.values()) {
    for (const sample of workingSet.samples) {
      bytesByTime.set(sample.t, (bytesByTime.get(sample.t) ?? 0) + sample.v + 2_000_000);
    }
  }
  for (const [t, v] of [...bytesByTime.entries()].sort((a, b) => a[0] - b[0])) {
    podSeries.samples.push({ t, v });
  }
  return podSeries;
}

function replicaSetOwner(
  workload: SimulatedWorkload,
  replicaSet: string,
  startSeconds: number,
  endSeconds: number,
  scrapeSeconds: number,
): MetricSeries {
  const owner = metric('kube_replicaset_owner', {
    namespace: workload.namespace,
    replicaset: replicaSet,
    owner_kind: 'Deployment',
    owner_name: workload.deployment,
    owner_is_controller: 'true',
  });
  const firstScrape = Math.ceil(startSeconds / scrapeSeconds) * scrapeSeconds;
  for (let t = firstScrape; t < endSeconds; t += scrapeSeconds) {
    owner.samples.push({ t, v: 1 });
  }
  return owner;
}

/** A series under construction: the same shape as MetricSeries, with samples still appendable. */
interface GrowingSeries extends MetricSeries {
  readonly samples: { t: number; v: number }[];
}

function metric(name: string, labels: Record<string, string>): GrowingSeries {
  return { name, labels, samples: [] };
}
