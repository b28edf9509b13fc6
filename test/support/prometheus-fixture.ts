/**
 * Builders of Kubernetes-shaped metric series for tests, and one backfilled Prometheus per
 * test file.
 */
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { LocalPrometheusWithData, StartPrometheusOptions, startPrometheusWithData } from '../../lambda/local-prometheus/server';
import { createPrometheusClient, PrometheusClient, PrometheusClientOptions } from '../../lambda/prometheus/client';
import { Sample } from '../../lambda/types';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
export const HOUR = 3600;
export const DAY = 86400;

/** Evaluation instant of most tests: 2026-11-20T00:00:00Z. */
export const AT = Date.parse('2026-11-20T00:00:00Z') / 1000;

/** Samples from `startSeconds` to `endSeconds` inclusive, every `everySeconds`. */
export function sampleEvery(startSeconds: number, endSeconds: number, everySeconds: number, valueAt: (t: number) => number): Sample[] {
  const samples: Sample[] = [];
  for (let t = startSeconds; t <= endSeconds; t += everySeconds) {
    samples.push({ t, v: valueAt(t) });
  }
  return samples;
}

/**
 * Builds samples every `coarseSeconds` for the long history and every minute in the last
 * `denseSeconds` before `endSeconds`. Prometheus treats a series as present at an instant only
 * when a sample lies within 5 minutes before it.
 */
export function liveSamples(
  startSeconds: number,
  endSeconds: number,
  valueAt: (t: number) => number,
  options: { coarseSeconds?: number; denseSeconds?: number } = {},
): Sample[] {
  const coarseSeconds = options.coarseSeconds ?? HOUR;
  const denseStart = endSeconds - (options.denseSeconds ?? 15 * 60);
  const coarse = sampleEvery(startSeconds, denseStart - 1, coarseSeconds, valueAt);
  const dense = sampleEvery(Math.max(startSeconds, denseStart), endSeconds, 60, valueAt);
  return [...coarse, ...dense];
}

export function constant(value: number): (t: number) => number {
  return () => value;
}

export function gauge(name: string, labels: Record<string, string>, samples: Sample[]): MetricSeries {
  return { name, labels, samples };
}

/** Labels of a cAdvisor container series as the kubelet exports them. */
export function cadvisorLabels(namespace: string, pod: string, container: string, containerId = `${pod}-${container}`): Record<string, string> {
  return {
    namespace,
    pod,
    container,
    id: `/kubepods/burstable/pod-${pod}/${containerId}`,
    name: containerId,
    image: `registry.example/${container}:1`,
    job: 'kubelet',
    instance: '10.0.0.1:10250',
  };
}

export function workingSet(namespace: string, pod: string, container: string, samples: Sample[], containerId?: string): MetricSeries {
  return gauge('container_memory_working_set_bytes', cadvisorLabels(namespace, pod, container, containerId), samples);
}

/** kube-state-metrics labels, as kube-prometheus scrapes them (target labels of the kube-state-metrics pod). */
export function ksmLabels(extra: Record<string, string>, instance = '10.0.0.9:8080'): Record<string, string> {
  return { job: 'kube-state-metrics', instance, ...extra };
}

export function ksmLimit(namespace: string, pod: string, container: string, samples: Sample[], instance?: string): MetricSeries {
  return gauge(
    'kube_pod_container_resource_limits',
    ksmLabels({ namespace, pod, container, resource: 'memory', unit: 'byte', node: 'node-1' }, instance),
    samples,
  );
}

export function cadvisorLimit(namespace: string, pod: string, container: string, samples: Sample[]): MetricSeries {
  return gauge('container_spec_memory_limit_bytes', cadvisorLabels(namespace, pod, container), samples);
}

export function restartsTotal(namespace: string, pod: string, container: string, samples: Sample[]): MetricSeries {
  return gauge('kube_pod_container_status_restarts_total', ksmLabels({ namespace, pod, container }), samples);
}

export function lastTerminatedReason(namespace: string, pod: string, container: string, reason: string, samples: Sample[]): MetricSeries {
  return gauge('kube_pod_container_status_last_terminated_reason', ksmLabels({ namespace, pod, container, reason }), samples);
}

export function podOwner(namespace: string, pod: string, ownerKind: string, ownerName: string, samples: Sample[]): MetricSeries {
  return gauge(
    'kube_pod_owner',
    // kube-prometheus attaches the kube-state-metrics pod's own container label to pod-level series.
    ksmLabels({ namespace, pod, owner_kind: ownerKind, owner_name: ownerName, owner_is_controller: 'true', container: 'kube-state-metrics' }),
    samples,
  );
}

export function replicaSetOwner(namespace: string, replicaSet: string, deployment: string, samples: Sample[]): MetricSeries {
  return gauge(
    'kube_replicaset_owner',
    ksmLabels({ namespace, replicaset: replicaSet, owner_kind: 'Deployment', owner_name: deployment, owner_is_controller: 'true' }),
    samples,
  );
}

/** A running Prometheus with its client, for one test file. */
export interface FixturePrometheus {
  readonly server: LocalPrometheusWithData;
  readonly url: string;
  /** A client for the server with fast retries. */
  client(options?: Partial<PrometheusClientOptions>): PrometheusClient;
}

/** Backfills the series into a new Prometheus and starts it. */
export async function startFixturePrometheus(
  series: MetricSeries[],
  options: Omit<StartPrometheusOptions, 'dataDir'> = {},
): Promise<FixturePrometheus> {
  const server = await startPrometheusWithData(series, undefined, options);
  return {
    server,
    url: server.url,
    client: (clientOptions = {}) => createPrometheusClient({ url: server.url, retryBaseDelayMs: 10, ...clientOptions }),
  };
}

/**
 * Starts one backfilled Prometheus for the calling test file in `beforeAll` and stops it in
 * `afterAll`. Read `.current` inside tests.
 */
export function useFixturePrometheus(
  buildSeries: () => MetricSeries[],
  options: Omit<StartPrometheusOptions, 'dataDir'> = {},
): { current: FixturePrometheus } {
  const holder = {} as { current: FixturePrometheus };
  beforeAll(async () => {
    holder.current = await startFixturePrometheus(buildSeries(), options);
  });
  afterAll(async () => {
    await holder.current?.server.stop();
  });
  return holder;
}
