/**
 * The default PromQL for Kubernetes with cAdvisor (kubelet) and kube-state-metrics. Every
 * builder injects the user's selector into each metric selector, leaving out matchers on labels
 * that the metric does not carry (a `container` matcher would otherwise empty `kube_pod_owner`).
 */
import { LabelMatcher, matchersWithout, metricSelector } from './selector';

/**
 * Labels that only cAdvisor series or only scrape targets carry. kube-state-metrics series have
 * the scrape target labels of the kube-state-metrics pod instead, so a `job="kubelet"` in the
 * selector must not reach them.
 */
const CADVISOR_ONLY_LABELS = ['id', 'name', 'image', 'job', 'instance', 'endpoint', 'service', 'metrics_path', 'node'];

/** Labels absent from kube-state-metrics series about containers. */
const ABSENT_FROM_KSM_CONTAINER = new Set(CADVISOR_ONLY_LABELS);
/** Labels absent from kube-state-metrics series about pods (`kube_pod_owner`). */
const ABSENT_FROM_KSM_POD = new Set([...CADVISOR_ONLY_LABELS, 'container']);
/** Labels absent from kube-state-metrics series about ReplicaSets and Jobs. */
const ABSENT_FROM_KSM_OWNER = new Set([...CADVISOR_ONLY_LABELS, 'container', 'pod']);

/** Real containers only: no pod-level cgroup series (empty `container`) and no pause container (`POD`). */
const REAL_CONTAINER = ['container!=""', 'container!="POD"'];

/**
 * cgroups report "no limit" as a huge number: 9223372036854771712 (cgroup v1) or
 * 18446744073709551615. Anything at or above 2^60 bytes (1 EiB) is treated as no limit.
 */
export const UNLIMITED_THRESHOLD_BYTES = 2 ** 60;
/** 2^60 written out exactly; `String(2 ** 60)` would round it to 1152921504606847000. */
const UNLIMITED_THRESHOLD_LITERAL = '1152921504606846976';

function duration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}

/** Builds the plain working-set selector of real containers, also used as `match[]` when listing namespaces. */
export function workingSetSelector(matchers: readonly LabelMatcher[]): string {
  return metricSelector('container_memory_working_set_bytes', REAL_CONTAINER, matchers);
}

/**
 * Builds the query for the peak working set of each container in each step. The working set (not usage, which includes
 * reclaimable page cache) is what the kernel compares with the limit. `max_over_time` over one
 * step keeps peaks that fall between evaluation instants. `max` (never `sum`) merges duplicates
 * from several scrape jobs, and `id` stays so that the old and new container of a restart remain
 * separate series.
 *
 * NOTE: range selectors of Prometheus 2.x include both ends of the window, so a sample exactly on
 * a step boundary counts in two consecutive steps. Prometheus 3 excludes the start.
 */
export function usageQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  return `max by (namespace, pod, container, id) (max_over_time(${workingSetSelector(matchers)}[${duration(stepSeconds)}]))`;
}

/**
 * Builds the query for series with a sample at the evaluation instant. Prometheus looks back at
 * most 5 minutes (its default lookback delta), so a container whose data stopped earlier is not
 * returned.
 */
export function liveQuery(matchers: readonly LabelMatcher[]): string {
  return `max by (namespace, pod, container, id) (${workingSetSelector(matchers)})`;
}

/**
 * Builds the query for the memory limit of each container at the evaluation instant. Sources in
 * order: kube-state-metrics (the current metric name, then the name before kube-state-metrics
 * 2.0), then the cAdvisor spec limit. Only values above 0 and below 2^60 count, because 0 and the
 * huge sentinels mean "no limit" and must let the next source provide the limit.
 * `last_over_time` reads the latest value in the window, so a changed limit gives the new one and
 * sparse data still has a value. `max` merges kube-state-metrics replicas.
 *
 * @param windowSeconds - how far back to look for the latest limit sample
 */
export function limitQuery(matchers: readonly LabelMatcher[], windowSeconds: number): string {
  const ksm = matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER);
  const latestLimit = (selector: string): string =>
    `max by (namespace, pod, container) (last_over_time(${selector}[${duration(windowSeconds)}]) > 0 < ${UNLIMITED_THRESHOLD_LITERAL})`;

  const current = latestLimit(metricSelector('kube_pod_container_resource_limits', ['resource="memory"'], ksm));
  const beforeKsm2 = latestLimit(metricSelector('kube_pod_container_resource_limits_memory_bytes', [], ksm));
  const cadvisor = latestLimit(metricSelector('container_spec_memory_limit_bytes', REAL_CONTAINER, matchers));
  return `${current} or on (namespace, pod, container) ${beforeKsm2} or on (namespace, pod, container) ${cadvisor}`;
}

/** Builds the query for the restart counter of each container at each step, as its latest value in the step. */
export function restartsQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector('kube_pod_container_status_restarts_total', [], matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER));
  return `max by (namespace, pod, container) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/**
 * Builds the query for the containers whose restart counter is above zero at some point in the
 * last `windowSeconds`, one series per namespace/pod/container.
 */
export function restartingContainersQuery(matchers: readonly LabelMatcher[], windowSeconds: number): string {
  const selector = metricSelector('kube_pod_container_status_restarts_total', [], matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER));
  return `max by (namespace, pod, container) (max_over_time(${selector}[${duration(windowSeconds)}])) > 0`;
}

/** Builds the query for the namespaces whose restart counters have a sample in the last step, as {@link restartsQuery} reads them. */
export function restartCounterNamespacesQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector('kube_pod_container_status_restarts_total', [], matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER));
  return `group by (namespace) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/**
 * Builds the query for whether the last termination of each container was an OOM kill, at each
 * step. The gauge stays 1 until the next termination, so it only explains a restart that the
 * counter shows.
 */
export function oomKilledQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector(
    'kube_pod_container_status_last_terminated_reason',
    ['reason="OOMKilled"'],
    matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER),
  );
  return `max by (namespace, pod, container) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/** Builds the query for the owner of each pod in each step (ReplicaSet, StatefulSet, DaemonSet, Job, Node, or `<none>`). */
export function podOwnerQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector('kube_pod_owner', [], matchersWithout(matchers, ABSENT_FROM_KSM_POD));
  return `max by (namespace, pod, owner_kind, owner_name, owner_is_controller) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/** Builds the query for the owner of each ReplicaSet in each step, usually a Deployment. */
export function replicaSetOwnerQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector('kube_replicaset_owner', [], matchersWithout(matchers, ABSENT_FROM_KSM_OWNER));
  return `max by (namespace, replicaset, owner_kind, owner_name) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/** Builds the query for the owner of each Job in each step, usually a CronJob. */
export function jobOwnerQuery(matchers: readonly LabelMatcher[], stepSeconds: number): string {
  const selector = metricSelector('kube_job_owner', [], matchersWithout(matchers, ABSENT_FROM_KSM_OWNER));
  return `max by (namespace, job_name, owner_kind, owner_name) (last_over_time(${selector}[${duration(stepSeconds)}]))`;
}

/** The series selectors behind each query, for listing namespaces when a query must be split. */
export const SERIES_SELECTORS = {
  workingSet: workingSetSelector,
  limit: (matchers: readonly LabelMatcher[]) =>
    metricSelector('kube_pod_container_resource_limits', ['resource="memory"'], matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER)),
  restarts: (matchers: readonly LabelMatcher[]) =>
    metricSelector('kube_pod_container_status_restarts_total', [], matchersWithout(matchers, ABSENT_FROM_KSM_CONTAINER)),
  podOwner: (matchers: readonly LabelMatcher[]) => metricSelector('kube_pod_owner', [], matchersWithout(matchers, ABSENT_FROM_KSM_POD)),
};
