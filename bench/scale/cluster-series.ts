/**
 * The metric series of a {@link ClusterPlan}, as cAdvisor and kube-state-metrics export them,
 * yielded one metric family after another for the streaming OpenMetrics writer.
 */
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { memoryAt, type ClusterPlan, type ClusterWindow, type ContainerLifetime, type PodContainerPlan, type PodPlan } from './cluster-plan';

/** Samples between two scrapes in the last minutes before the evaluation instant. */
const DENSE_TAIL_STEP_SECONDS = 120;
/** How long before the evaluation instant samples come every {@link DENSE_TAIL_STEP_SECONDS}. */
const DENSE_TAIL_SECONDS = 600;
const HOUR = 3600;

type Sample = { t: number; v: number };

/** Instants on a grid of `stepSeconds` from `startSeconds` (rounded up) to `endSeconds`, both included. */
function gridTimes(startSeconds: number, endSeconds: number, stepSeconds: number): number[] {
  const times: number[] = [];
  for (let t = Math.ceil(startSeconds / stepSeconds) * stepSeconds; t <= endSeconds; t += stepSeconds) {
    times.push(t);
  }
  return times;
}

/**
 * Scrape instants of one working-set series: the scrape grid, and a sample every two minutes
 * in the last ten minutes before the evaluation instant, so that every running container has a
 * sample within Prometheus' 5-minute lookback of it.
 */
function workingSetTimes(lifetime: ContainerLifetime, first: boolean, window: ClusterWindow): number[] {
  // A container started by a restart has its first sample one scrape later, as cAdvisor finds it.
  const startSeconds = first ? lifetime.startSeconds : lifetime.startSeconds + 1;
  const times = gridTimes(startSeconds, lifetime.endSeconds, window.workingSetScrapeSeconds);
  if (lifetime.endSeconds !== window.endSeconds) {
    return times;
  }
  const denseStart = window.endSeconds - DENSE_TAIL_SECONDS;
  const kept = times.filter((t) => t <= denseStart);
  for (let t = denseStart + DENSE_TAIL_STEP_SECONDS; t <= window.endSeconds; t += DENSE_TAIL_STEP_SECONDS) {
    if (t > startSeconds) {
      kept.push(t);
    }
  }
  return kept;
}

function workingSetSeries(pod: PodPlan, container: PodContainerPlan, window: ClusterWindow): MetricSeries[] {
  return container.lifetimes.map((lifetime, index) => {
    const samples: Sample[] = workingSetTimes(lifetime, index === 0, window).map((t) => ({
      t,
      v: memoryAt(container.shape, container.noiseSeed, t - lifetime.startSeconds, t),
    }));
    if (lifetime.endReason === 'OOMKilled' && container.limitBytes !== null && samples.length > 0) {
      // The kernel kills the container when its working set reaches the limit.
      samples[samples.length - 1] = { t: samples[samples.length - 1].t, v: container.limitBytes };
    }
    return {
      name: 'container_memory_working_set_bytes',
      labels: { namespace: pod.namespace, pod: pod.name, container: container.name, id: lifetime.id, job: 'kubelet', metrics_path: '/metrics/cadvisor' },
      samples,
    };
  });
}

/** The pod-level cgroup series without a container label, which the checker must skip; hourly is enough for that. */
function podLevelSeries(pod: PodPlan): MetricSeries {
  const first = pod.containers[0];
  return {
    name: 'container_memory_working_set_bytes',
    labels: { namespace: pod.namespace, pod: pod.name, id: `/kubepods/burstable/pod-${pod.name}`, job: 'kubelet', metrics_path: '/metrics/cadvisor' },
    samples: gridTimes(pod.startSeconds, pod.endSeconds, HOUR).map((t) => ({ t, v: memoryAt(first.shape, first.noiseSeed, t - pod.startSeconds, t) + 2_000_000 })),
  };
}

function containerLabels(pod: PodPlan, container: PodContainerPlan): Record<string, string> {
  return { namespace: pod.namespace, pod: pod.name, container: container.name };
}

/** Terminations of a container, oldest first. */
function terminations(container: PodContainerPlan): ContainerLifetime[] {
  return container.lifetimes.filter((lifetime) => lifetime.endReason !== 'running');
}

function restartCounterSeries(pod: PodPlan, container: PodContainerPlan, window: ClusterWindow): MetricSeries {
  const ends = terminations(container).map((lifetime) => lifetime.endSeconds);
  return {
    name: 'kube_pod_container_status_restarts_total',
    labels: containerLabels(pod, container),
    samples: gridTimes(pod.startSeconds, pod.endSeconds, window.stateScrapeSeconds).map((t) => ({ t, v: ends.filter((end) => end <= t).length })),
  };
}

/** Builds one series per termination reason, with samples while that reason is the latest termination's. */
function lastTerminatedReasonSeries(pod: PodPlan, container: PodContainerPlan, window: ClusterWindow): MetricSeries[] {
  const ended = terminations(container);
  const byReason = new Map<string, Sample[]>();
  ended.forEach((lifetime, index) => {
    const untilSeconds = index + 1 < ended.length ? ended[index + 1].endSeconds - 1 : pod.endSeconds;
    const samples = byReason.get(lifetime.endReason) ?? [];
    for (const t of gridTimes(lifetime.endSeconds, untilSeconds, window.stateScrapeSeconds)) {
      samples.push({ t, v: 1 });
    }
    byReason.set(lifetime.endReason, samples);
  });
  return [...byReason].map(([reason, samples]) => ({
    name: 'kube_pod_container_status_last_terminated_reason',
    labels: { ...containerLabels(pod, container), reason },
    samples,
  }));
}

function* perContainer(plan: ClusterPlan, build: (pod: PodPlan, container: PodContainerPlan) => MetricSeries | MetricSeries[] | null): Generator<MetricSeries> {
  for (const pod of plan.pods) {
    for (const container of pod.containers) {
      const built = build(pod, container);
      if (Array.isArray(built)) {
        yield* built;
      } else if (built !== null) {
        yield built;
      }
    }
  }
}

/**
 * Yields every series of the cluster, the series of each metric name together, as
 * `writeOpenMetricsFile` needs them. Only one series' samples exist at a time.
 */
export function* clusterSeries(plan: ClusterPlan): Generator<MetricSeries> {
  const { window } = plan;
  const stateTimes = (pod: PodPlan): Sample[] => gridTimes(pod.startSeconds, pod.endSeconds, window.stateScrapeSeconds).map((t) => ({ t, v: 1 }));

  for (const pod of plan.pods) {
    for (const container of pod.containers) {
      yield* workingSetSeries(pod, container, window);
    }
    yield podLevelSeries(pod);
  }

  yield* perContainer(plan, (pod, container) =>
    container.limitBytes === null
      ? null
      : {
          name: 'kube_pod_container_resource_limits',
          labels: { ...containerLabels(pod, container), resource: 'memory', unit: 'byte' },
          samples: stateTimes(pod).map(({ t }) => ({ t, v: container.limitBytes as number })),
        },
  );
  yield* perContainer(plan, (pod, container) => restartCounterSeries(pod, container, window));
  yield* perContainer(plan, (pod, container) => lastTerminatedReasonSeries(pod, container, window));

  for (const pod of plan.pods) {
    yield {
      name: 'kube_pod_owner',
      labels: { namespace: pod.namespace, pod: pod.name, owner_kind: pod.ownerKind, owner_name: pod.ownerName, owner_is_controller: 'true' },
      samples: stateTimes(pod),
    };
  }
  // Kubernetes keeps old ReplicaSets (scaled to zero) after a rollout, so their owner series go on.
  for (const replicaSet of plan.replicaSets) {
    yield {
      name: 'kube_replicaset_owner',
      labels: { namespace: replicaSet.namespace, replicaset: replicaSet.name, owner_kind: 'Deployment', owner_name: replicaSet.deployment, owner_is_controller: 'true' },
      samples: gridTimes(window.startSeconds, window.endSeconds, window.stateScrapeSeconds).map((t) => ({ t, v: 1 })),
    };
  }
}
