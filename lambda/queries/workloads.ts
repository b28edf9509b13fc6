/**
 * Workload identity of pods: the Deployment, StatefulSet, DaemonSet, CronJob or Job that owns a
 * pod, so that history survives rollouts that rename every pod.
 *
 * The owner metrics of kube-state-metrics are the source of truth. Kubernetes truncates generated
 * pod names to 63 characters, so a pod of a Deployment with a long name no longer contains the
 * whole Deployment name. Stripping suffixes from the pod name is only the fallback.
 */
import { PromSeries } from '../prometheus/response';

/** The workload that owns a pod, and how it was found. */
export interface Workload {
  /** Kind of the workload: `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `ReplicaSet`, `Pod`, …; a guess from the pod name when `source` is `pod-name`. */
  readonly kind: string;
  readonly name: string;
  /** `owner-metrics`: kube-state-metrics; `pod-name`: suffixes stripped from the name; `pod`: no owner, the pod itself. */
  readonly source: 'owner-metrics' | 'pod-name' | 'pod';
}

interface Owner {
  readonly kind: string;
  readonly name: string;
}

/** Owners from `kube_pod_owner`, `kube_replicaset_owner` and `kube_job_owner`, keyed by `namespace/name`. */
export interface OwnerIndex {
  readonly podOwners: ReadonlyMap<string, Owner>;
  readonly replicaSetOwners: ReadonlyMap<string, Owner>;
  readonly jobOwners: ReadonlyMap<string, Owner>;
}

/** kube-state-metrics writes `<none>` for an object without an owner. */
const NO_OWNER = '<none>';

/** Characters of generated name suffixes and pod template hashes: Kubernetes leaves out vowels and 0, 1, 3. */
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

/** Pod name patterns, tried in order: CronJob run, Deployment, StatefulSet, DaemonSet or Job. */
const POD_NAME_PATTERNS: readonly [RegExp, string][] = [
  [new RegExp(`^(.+)-\\d{8,}-${SAFE}{5}$`), 'CronJob'],
  [new RegExp(`^(.+)-(?:${SAFE}{6,10}|\\d{6,10})-${SAFE}{5}$`), 'Deployment'],
  [/^(.+)-\d+$/, 'StatefulSet'],
  [new RegExp(`^(.+)-${SAFE}{5}$`), 'DaemonSet'],
];

const REPLICA_SET_HASH = new RegExp(`^(.+)-(?:${SAFE}{6,10}|\\d{6,10})$`);
const CRON_JOB_RUN = /^(.+)-\d{8,}$/;

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Reads owner series into maps, preferring the owner marked as controller when a pod has several. */
function ownersBy(series: readonly PromSeries[], nameLabel: string): Map<string, Owner> {
  const owners = new Map<string, Owner & { controller: boolean }>();
  for (const { labels } of series) {
    const namespace = labels.namespace;
    const name = labels[nameLabel];
    if (!namespace || !name || labels.owner_kind === undefined) {
      continue;
    }
    const controller = labels.owner_is_controller === 'true';
    const existing = owners.get(key(namespace, name));
    if (existing === undefined || (controller && !existing.controller)) {
      owners.set(key(namespace, name), { kind: labels.owner_kind, name: labels.owner_name ?? '', controller });
    }
  }
  return owners;
}

/** Builds the owner index from the results of the three owner queries. */
export function buildOwnerIndex(
  podOwnerSeries: readonly PromSeries[],
  replicaSetOwnerSeries: readonly PromSeries[],
  jobOwnerSeries: readonly PromSeries[],
): OwnerIndex {
  return {
    podOwners: ownersBy(podOwnerSeries, 'pod'),
    replicaSetOwners: ownersBy(replicaSetOwnerSeries, 'replicaset'),
    jobOwners: ownersBy(jobOwnerSeries, 'job_name'),
  };
}

function hasOwner(owner: Owner | undefined): owner is Owner {
  return owner !== undefined && owner.kind !== NO_OWNER && owner.kind !== '' && owner.name !== NO_OWNER && owner.name !== '';
}

/**
 * Guesses the workload from the pod name alone: `<deployment>-<hash>-<5>`, `<statefulset>-<n>`,
 * `<daemonset or job>-<5>`, else the pod itself. Wrong for truncated names and for workloads
 * whose names end like a suffix.
 */
export function workloadFromPodName(pod: string): Workload {
  for (const [pattern, kind] of POD_NAME_PATTERNS) {
    const match = pattern.exec(pod);
    if (match) {
      return { kind, name: match[1], source: 'pod-name' };
    }
  }
  return { kind: 'Pod', name: pod, source: 'pod' };
}

/** Follows a second-level owner (ReplicaSet → Deployment, Job → CronJob), else strips the generated suffix. */
function resolveIntermediate(namespace: string, owner: Owner, owners: ReadonlyMap<string, Owner>, generatedSuffix: RegExp, parentKind: string): Workload {
  const parent = owners.get(key(namespace, owner.name));
  if (hasOwner(parent)) {
    return { kind: parent.kind, name: parent.name, source: 'owner-metrics' };
  }
  if (parent !== undefined) {
    // The owner metric exists and shows that the ReplicaSet or Job has no owner, so it is the workload.
    return { kind: owner.kind, name: owner.name, source: 'owner-metrics' };
  }
  const match = generatedSuffix.exec(owner.name);
  return match ? { kind: parentKind, name: match[1], source: 'pod-name' } : { kind: owner.kind, name: owner.name, source: 'owner-metrics' };
}

/** Returns the workload that owns a pod, from owner metrics where they exist, else from its name. */
export function workloadOf(namespace: string, pod: string, index: OwnerIndex): Workload {
  const owner = index.podOwners.get(key(namespace, pod));
  if (owner === undefined) {
    return workloadFromPodName(pod);
  }
  if (!hasOwner(owner) || owner.kind === 'Node') {
    // No owner, or a static pod mirrored by the kubelet: the pod is its own workload.
    return { kind: 'Pod', name: pod, source: 'pod' };
  }
  if (owner.kind === 'ReplicaSet') {
    return resolveIntermediate(namespace, owner, index.replicaSetOwners, REPLICA_SET_HASH, 'Deployment');
  }
  if (owner.kind === 'Job') {
    return resolveIntermediate(namespace, owner, index.jobOwners, CRON_JOB_RUN, 'CronJob');
  }
  return { kind: owner.kind, name: owner.name, source: 'owner-metrics' };
}
