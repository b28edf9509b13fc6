/** Shared units and a compact way to simulate a Deployment for the scenarios of the suite. */
import { simulateWorkload, type SimulationWindow } from '../../../lambda/demo/kube-simulator';
import type { MetricSeries } from '../../../lambda/local-prometheus/openmetrics';

export const MB = 1e6;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const HOUR = 3600;
export const DAY = 86400;

/** One pod template of a Deployment, from `atSeconds` until the next rollout. */
export interface RolloutSpec {
  readonly atSeconds: number;
  readonly limitBytes: number | null;
  /** Working set of a container `ageSeconds` old at wall time `atSeconds`. */
  readonly memoryBytes: (ageSeconds: number, atSeconds: number) => number;
}

/** A simulated Deployment: its series and the instants its containers reached the limit. */
export interface SimulatedDeployment {
  readonly series: MetricSeries[];
  readonly oomKillSeconds: number[];
}

/** Characters Kubernetes uses in generated name suffixes (no vowels, no look-alike digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Returns a stable pseudo-random name part, so pod names stay the same on every run. */
function nameSuffix(seedText: string, length: number): string {
  let hash = 2166136261;
  for (const character of seedText) {
    hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
  }
  let suffix = '';
  for (let i = 0; i < length; i += 1) {
    hash = Math.imul(hash ^ (hash >>> 13), 2654435761) >>> 0;
    suffix += NAME_ALPHABET[hash % NAME_ALPHABET.length];
  }
  return suffix;
}

/**
 * Simulates one replica of a Deployment with `simulateWorkload`: each rollout gets a stable
 * template hash and pod suffix derived from the names, so replicas share ReplicaSets.
 */
export function simulateDeployment(
  namespace: string,
  deployment: string,
  container: string,
  rollouts: readonly RolloutSpec[],
  window: SimulationWindow,
  replica = 0,
): SimulatedDeployment {
  return simulateWorkload(
    {
      namespace,
      deployment,
      container,
      rollouts: rollouts.map((rollout, index) => ({
        startSeconds: rollout.atSeconds,
        templateHash: nameSuffix(`${namespace}/${deployment}/${index}`, 10),
        podSuffix: nameSuffix(`${namespace}/${deployment}/${index}/${replica}`, 5),
        limitBytes: rollout.limitBytes,
        memoryBytes: rollout.memoryBytes,
      })),
    },
    window,
  );
}

/** Returns the instant at which a straight line from `startBytes` at `startSeconds` reaches `limitBytes`. */
export function linearCrossingSeconds(startSeconds: number, startBytes: number, bytesPerHour: number, limitBytes: number): number {
  return startSeconds + ((limitBytes - startBytes) / bytesPerHour) * HOUR;
}
