/**
 * Builders for the end-to-end case tests: scrape schedules that keep containers live at the
 * instants a test evaluates, Deployment pods with the owner series kube-state-metrics exports,
 * and a client wrapper that records every query the checker sends.
 */
import { createSeededRandom } from '../../../lambda/analysis/seeded-random';
import { MetricSeries } from '../../../lambda/local-prometheus/openmetrics';
import { PrometheusClient } from '../../../lambda/prometheus/client';
import { CheckOptions } from '../../../lambda/config/check-options';
import { Sample } from '../../../lambda/types';
import { podOwner, replicaSetOwner } from '../../support/prometheus-fixture';

export const MINUTE = 60;

/** Kubernetes' alphabet for generated names: no vowels and no 0, 1 or 3. */
const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Returns scrape instants from `startSeconds` to `endSeconds`: every `everySeconds`, and every
 * `denseSeconds` inside each dense window. Prometheus finds a series at an instant only when a
 * sample lies within the 5 minutes before it, so every instant a test evaluates needs a dense
 * window that ends at or after it.
 */
export function scrapeTimes(
  startSeconds: number,
  endSeconds: number,
  everySeconds: number,
  denseWindows: readonly (readonly [number, number])[] = [],
  denseSeconds = MINUTE,
): number[] {
  const times = new Set<number>();
  for (let t = startSeconds; t <= endSeconds; t += everySeconds) {
    times.add(t);
  }
  for (const [from, to] of denseWindows) {
    const first = Math.max(startSeconds, from - (from % denseSeconds));
    for (let t = first; t <= Math.min(to, endSeconds); t += denseSeconds) {
      times.add(t);
    }
  }
  return [...times].sort((a, b) => a - b);
}

/** Maps scrape instants to samples. */
export function samplesAt(times: readonly number[], valueAt: (t: number) => number): Sample[] {
  return times.map((t) => ({ t, v: valueAt(t) }));
}

/** Returns a fixed-seed generator of uniform numbers in [-1, 1). */
export function uniformNoise(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => 2 * random() - 1;
}

/** Returns a fixed-seed generator of standard normal numbers (Box–Muller). */
export function normalNoise(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

/** Returns a generated name suffix of `length` characters, the same for the same seed. */
export function generatedName(seed: number, length: number): string {
  const random = createSeededRandom(seed * 7919 + 17);
  let name = '';
  for (let i = 0; i < length; i += 1) {
    name += GENERATED_NAME_ALPHABET[Math.floor(random() * GENERATED_NAME_ALPHABET.length)];
  }
  return name;
}

/** Names of one Deployment pod as Kubernetes generates them. */
export interface DeploymentPodNames {
  readonly deployment: string;
  readonly replicaSet: string;
  readonly pod: string;
}

/**
 * Names a pod of a Deployment: ReplicaSet `<deployment>-<10-character hash>`, pod
 * `<replicaset>-<5 characters>`, with the ReplicaSet part cut to 58 characters as Kubernetes
 * does for generated names, so long Deployment names no longer appear whole in the pod name.
 */
export function deploymentPod(deployment: string, rolloutSeed: number, replicaSeed = 0): DeploymentPodNames {
  const replicaSet = `${deployment}-${generatedName(rolloutSeed, 10)}`;
  const pod = `${replicaSet}-`.slice(0, 58) + generatedName(rolloutSeed * 101 + replicaSeed + 1, 5);
  return { deployment, replicaSet, pod };
}

/** The owner series of a Deployment pod: `kube_pod_owner` and `kube_replicaset_owner` at `times`. */
export function deploymentOwners(namespace: string, names: DeploymentPodNames, times: readonly number[]): MetricSeries[] {
  const ones = samplesAt(times, () => 1);
  return [podOwner(namespace, names.pod, 'ReplicaSet', names.replicaSet, ones), replicaSetOwner(namespace, names.replicaSet, names.deployment, ones)];
}

/** A range or instant request that the checker sent. */
export interface RecordedQuery {
  readonly kind: 'range' | 'instant';
  readonly expr: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly stepSeconds: number | null;
}

/** Wraps a client so that every query it sends is recorded. */
export function recordingClient(client: PrometheusClient): { client: PrometheusClient; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  return {
    queries,
    client: {
      url: client.url,
      stats: client.stats,
      labelValues: (label, options) => client.labelValues(label, options),
      query: (expr, timeSeconds) => {
        queries.push({ kind: 'instant', expr, startSeconds: timeSeconds, endSeconds: timeSeconds, stepSeconds: null });
        return client.query(expr, timeSeconds);
      },
      queryRange: (expr, startSeconds, endSeconds, stepSeconds) => {
        queries.push({ kind: 'range', expr, startSeconds, endSeconds, stepSeconds });
        return client.queryRange(expr, startSeconds, endSeconds, stepSeconds);
      },
    },
  };
}

/** Check options for one namespace, with the defaults of the command line. */
export function namespaceOptions(namespace: string, overrides: Partial<CheckOptions> = {}): CheckOptions {
  return {
    prometheusUrl: 'set-by-the-client',
    selector: `namespace="${namespace}"`,
    lookbackSeconds: 7 * 86400,
    warnDays: 7,
    criticalDays: 2,
    ...overrides,
  };
}
