/**
 * The synthetic cluster of the scale benchmark, as a compact plan: workloads, pods, container
 * lifetimes and memory shapes. `cluster-series.ts` turns the plan into metric series one family
 * at a time, so the millions of samples are never held in memory together.
 *
 * Everything is derived from fixed seeds, so every run and every machine builds the same cluster.
 */
import { seededRandom } from '../../lambda/demo/random';

const MB = 1e6;
const MIB = 1024 ** 2;
const HOUR = 3600;
const DAY = 86400;

/**
 * Version of the generator. Bump it whenever the plan or the series change: the cached TSDB is
 * keyed by it, and a stale cache would measure another data set.
 */
export const GENERATOR_VERSION = 1;

/** Kind of memory curve of a container. */
export type ShapeKind = 'flat' | 'sawtooth' | 'daily-cycle' | 'leak';

/** The working set of one container as a function of its age and the wall clock. */
export interface MemoryShape {
  readonly kind: ShapeKind;
  readonly baseBytes: number;
  /** Height of the sawtooth or half the swing of the daily cycle. */
  readonly amplitudeBytes: number;
  /** Period of the sawtooth (a garbage collection or worker recycling). */
  readonly periodSeconds: number;
  /** Phase of the daily cycle, as a fraction of a day. */
  readonly phase: number;
  readonly slopeBytesPerHour: number;
  /** Standard deviation of the noise. */
  readonly noiseBytes: number;
}

/** One container id (one cAdvisor `id`): from its start to its end or the end of the data. */
export interface ContainerLifetime {
  readonly id: string;
  readonly startSeconds: number;
  /** Unix seconds of its last sample. */
  readonly endSeconds: number;
  /** End of the lifetime: a termination reason as kube-state-metrics reports it, or `running`. */
  readonly endReason: 'OOMKilled' | 'Error' | 'running';
}

export interface PodContainerPlan {
  readonly name: string;
  readonly shape: MemoryShape;
  readonly limitBytes: number | null;
  readonly lifetimes: readonly ContainerLifetime[];
  /** Seed of the noise of this container's samples. */
  readonly noiseSeed: number;
}

export interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly startSeconds: number;
  /** Unix seconds of the pod's last sample. */
  readonly endSeconds: number;
  readonly ownerKind: 'ReplicaSet' | 'StatefulSet';
  readonly ownerName: string;
  readonly containers: readonly PodContainerPlan[];
}

export interface ReplicaSetPlan {
  readonly namespace: string;
  readonly name: string;
  readonly deployment: string;
}

/** Time span and scrape intervals of the data set. */
export interface ClusterWindow {
  /** First sample. */
  readonly startSeconds: number;
  /** The evaluation instant of the benchmark's check: the last sample. */
  readonly endSeconds: number;
  /** Scrape interval of cAdvisor's working set. */
  readonly workingSetScrapeSeconds: number;
  /** Scrape interval of kube-state-metrics series. */
  readonly stateScrapeSeconds: number;
}

export interface ClusterPlan {
  readonly window: ClusterWindow;
  readonly namespaces: readonly string[];
  readonly pods: readonly PodPlan[];
  readonly replicaSets: readonly ReplicaSetPlan[];
  /** Containers with a sample at the end of the window. */
  readonly liveContainerCount: number;
  readonly liveContainersByShape: Readonly<Record<ShapeKind, number>>;
}

/** Size and time span of a generated cluster. */
export interface ClusterOptions {
  readonly liveContainers: number;
  readonly namespaceCount: number;
  /** Evaluation instant, Unix seconds, a multiple of both scrape intervals. */
  readonly endSeconds: number;
  /** History before the evaluation instant. */
  readonly historySeconds: number;
  readonly workingSetScrapeSeconds: number;
  readonly stateScrapeSeconds: number;
  /** Fraction of workloads whose app containers leak. @default 0.013, which makes about 1 % of the containers */
  readonly leakingWorkloadFraction?: number;
  readonly seed?: number;
}

/** Characters Kubernetes uses in generated name suffixes (no vowels, no 0, 1, 3). */
const SAFE_CHARACTERS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    text += SAFE_CHARACTERS[Math.floor(random() * SAFE_CHARACTERS.length)];
  }
  return text;
}

function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}

function roundUpTo(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function chooseShape(random: () => number, leaking: boolean, sidecar: boolean): MemoryShape {
  const baseBytes = sidecar ? between(random, 30, 120) * MB : between(random, 60, 1500) * MB;
  const common = { baseBytes, amplitudeBytes: 0, periodSeconds: 0, phase: 0, slopeBytesPerHour: 0, noiseBytes: baseBytes * between(random, 0.003, 0.015) };
  if (leaking) {
    return { ...common, kind: 'leak', slopeBytesPerHour: between(random, 4, 60) * MB };
  }
  const draw = random();
  if (sidecar || draw < 0.4) {
    return { ...common, kind: 'flat' };
  }
  if (draw < 0.7) {
    return { ...common, kind: 'sawtooth', amplitudeBytes: baseBytes * between(random, 0.1, 0.35), periodSeconds: between(random, 2, 10) * HOUR };
  }
  return { ...common, kind: 'daily-cycle', amplitudeBytes: baseBytes * between(random, 0.1, 0.3), phase: random() };
}

/** Highest value of a bounded shape apart from noise, used to size its limit. */
function peakBytes(shape: MemoryShape): number {
  return shape.baseBytes + shape.amplitudeBytes;
}

/**
 * Splits a container's life in a pod into container ids: a leak is OOM-killed each time it
 * reaches its limit, and a few other containers fail once with reason Error.
 */
function planLifetimes(
  pod: { name: string; startSeconds: number; endSeconds: number },
  container: string,
  shape: MemoryShape,
  limitBytes: number | null,
  errorRestartSeconds: number | null,
  scrapeSeconds: number,
): ContainerLifetime[] {
  const lifetimes: ContainerLifetime[] = [];
  let startSeconds = pod.startSeconds;
  let index = 0;
  const idOf = (n: number): string => `/kubepods/burstable/pod-${pod.name}/${container}-${n}`;

  while (startSeconds < pod.endSeconds) {
    let endSeconds = pod.endSeconds;
    let endReason: ContainerLifetime['endReason'] = 'running';
    if (shape.kind === 'leak' && limitBytes !== null) {
      const killAfterSeconds = ((limitBytes - shape.baseBytes) / shape.slopeBytesPerHour) * HOUR;
      const killSeconds = roundUpTo(startSeconds + killAfterSeconds, scrapeSeconds);
      if (killSeconds < pod.endSeconds) {
        endSeconds = killSeconds;
        endReason = 'OOMKilled';
      }
    }
    if (errorRestartSeconds !== null && errorRestartSeconds > startSeconds && errorRestartSeconds < endSeconds) {
      endSeconds = errorRestartSeconds;
      endReason = 'Error';
    }
    lifetimes.push({ id: idOf(index), startSeconds, endSeconds, endReason });
    startSeconds = endSeconds;
    index += 1;
  }
  return lifetimes;
}

/**
 * Builds the cluster: Deployments (90 %) and StatefulSets with 1 to 3 replicas of 1 or 2
 * containers (an app and sometimes a flat sidecar), spread over the namespaces. About 1 % of the
 * containers leak between 4 and 60 MB/h toward limits they reach within 1 to 16 days, so some
 * are OOM-killed during the window. The others are flat, a sawtooth or a daily cycle with
 * noise. 15 % of the Deployments are rolled out once during the window, which leaves earlier
 * pods in the history, and 3 % of the containers fail once with reason Error.
 */
export function buildClusterPlan(options: ClusterOptions): ClusterPlan {
  const random = seededRandom(options.seed ?? 20261130);
  const window: ClusterWindow = {
    startSeconds: options.endSeconds - options.historySeconds,
    endSeconds: options.endSeconds,
    workingSetScrapeSeconds: options.workingSetScrapeSeconds,
    stateScrapeSeconds: options.stateScrapeSeconds,
  };
  const namespaces = Array.from({ length: options.namespaceCount }, (_, index) => `team-${String(index).padStart(2, '0')}`);
  const leakingWorkloadFraction = options.leakingWorkloadFraction ?? 0.013;

  const pods: PodPlan[] = [];
  const replicaSets: ReplicaSetPlan[] = [];
  const liveContainersByShape: Record<ShapeKind, number> = { flat: 0, sawtooth: 0, 'daily-cycle': 0, leak: 0 };
  let liveContainerCount = 0;
  let noiseSeed = 1;

  for (let workloadIndex = 0; liveContainerCount < options.liveContainers; workloadIndex += 1) {
    const namespace = namespaces[workloadIndex % namespaces.length];
    const name = `svc-${workloadIndex}`;
    const statefulSet = random() < 0.1;
    const replicas = Math.min(1 + Math.floor(random() * 3), options.liveContainers - liveContainerCount);
    const withSidecar = random() < 0.3;
    const leaking = random() < leakingWorkloadFraction;

    const containerNames = withSidecar ? ['app', 'proxy'] : ['app'];
    const shapes = containerNames.map((container) => chooseShape(random, leaking && container === 'app', container === 'proxy'));
    const limits = shapes.map((shape) => {
      if (random() < 0.03) {
        return null;
      }
      const headroom = shape.kind === 'leak' ? between(random, 24, 16 * 24) * shape.slopeBytesPerHour : peakBytes(shape) / between(random, 0.25, 0.75) - peakBytes(shape);
      return roundUpTo(shape.baseBytes + headroom, 64 * MIB);
    });

    const rolloutSeconds = !statefulSet && random() < 0.15 ? roundUpTo(between(random, window.startSeconds + DAY, window.endSeconds - 12 * HOUR), window.workingSetScrapeSeconds) : null;
    const generations = rolloutSeconds === null ? [{ startSeconds: window.startSeconds, endSeconds: window.endSeconds }] : [
      { startSeconds: window.startSeconds, endSeconds: rolloutSeconds },
      { startSeconds: rolloutSeconds, endSeconds: window.endSeconds },
    ];

    for (const generation of generations) {
      const replicaSet = statefulSet ? null : `${name}-${randomSuffix(random, 10)}`;
      if (replicaSet !== null) {
        replicaSets.push({ namespace, name: replicaSet, deployment: name });
      }
      for (let replica = 0; replica < replicas; replica += 1) {
        const podName = replicaSet === null ? `${name}-${replica}` : `${replicaSet}-${randomSuffix(random, 5)}`;
        const podTimes = { name: podName, ...generation };
        const containers = containerNames.map((container, index): PodContainerPlan => {
          const errorRestartSeconds = random() < 0.03 ? roundUpTo(between(random, generation.startSeconds, generation.endSeconds), window.workingSetScrapeSeconds) : null;
          noiseSeed += 1;
          return {
            name: container,
            shape: shapes[index],
            limitBytes: limits[index],
            lifetimes: planLifetimes(podTimes, container, shapes[index], limits[index], errorRestartSeconds, window.workingSetScrapeSeconds),
            noiseSeed,
          };
        });
        pods.push({ namespace, name: podName, startSeconds: generation.startSeconds, endSeconds: generation.endSeconds, ownerKind: statefulSet ? 'StatefulSet' : 'ReplicaSet', ownerName: replicaSet ?? name, containers });

        if (generation.endSeconds === window.endSeconds) {
          for (const container of containers) {
            liveContainerCount += 1;
            liveContainersByShape[container.shape.kind] += 1;
          }
        }
      }
    }
  }
  return { window, namespaces, pods, replicaSets, liveContainerCount, liveContainersByShape };
}

/** Returns a deterministic standard normal draw for one container and instant, without state. */
export function noiseAt(seed: number, t: number): number {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(t | 0, 0xc2b2ae35);
  let sum = 0;
  // The sum of four uniform draws is close enough to normal for noise, and needs no logarithm.
  for (let i = 0; i < 4; i += 1) {
    hash = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    hash = Math.imul(hash ^ (hash >>> 13), 0x45d9f3b);
    hash ^= hash >>> 16;
    sum += (hash >>> 0) / 4294967296;
  }
  return (sum - 2) * Math.sqrt(3);
}

/** Returns the working set of a container `ageSeconds` after its start, at wall time `t`. */
export function memoryAt(shape: MemoryShape, noiseSeed: number, ageSeconds: number, t: number): number {
  let bytes = shape.baseBytes;
  switch (shape.kind) {
    case 'sawtooth':
      bytes += shape.amplitudeBytes * ((ageSeconds % shape.periodSeconds) / shape.periodSeconds);
      break;
    case 'daily-cycle':
      bytes += shape.amplitudeBytes * Math.sin(2 * Math.PI * (t / DAY + shape.phase));
      break;
    case 'leak':
      bytes += (shape.slopeBytesPerHour * ageSeconds) / HOUR;
      break;
    case 'flat':
      break;
  }
  return Math.max(0, Math.round(bytes + shape.noiseBytes * noiseAt(noiseSeed, t)));
}
