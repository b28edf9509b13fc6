/**
 * Metrics of a small cluster for handler tests: three containers leaking toward their limits
 * (uWSGI, Gunicorn, Celery) and one steady nginx, as cAdvisor and kube-state-metrics export them.
 */

import type { MetricSeries } from '../../../lambda/local-prometheus/openmetrics';
import type { Sample } from '../../../lambda/types';
import { DAY, GiB, HOUR, MiB, ksmLimit, podOwner, replicaSetOwner, sampleEvery, workingSet } from '../../support/prometheus-fixture';

/** The scheduled instant of the check most tests revolve around: 2026-11-20T00:00:00Z. */
export const CHECK_AT = Date.parse('2026-11-20T00:00:00Z') / 1000;
/** Data runs from 8 days before the check to 6 hours after it, every 5 minutes. */
const DATA_START = CHECK_AT - 8 * DAY;
const DATA_END = CHECK_AT + 6 * HOUR;
const SCRAPE_SECONDS = 300;

export interface ScenarioContainer {
  readonly namespace: string;
  readonly deployment: string;
  readonly replicaSetHash: string;
  readonly podSuffix: string;
  readonly container: string;
  readonly limitBytes: number;
  /** Working set in bytes at Unix second `t`. */
  readonly bytesAt: (t: number) => number;
}

/** Workload id as the checker builds it: namespace/deployment/container. */
export function workloadId(container: ScenarioContainer): string {
  return `${container.namespace}/${container.deployment}/${container.container}`;
}

export function podName(container: ScenarioContainer): string {
  return `${container.deployment}-${container.replicaSetHash}-${container.podSuffix}`;
}

/** Builds a linear leak that reaches `limitBytes` `hoursToLimitAtCheck` hours after {@link CHECK_AT}, with a little deterministic noise. */
function leak(limitBytes: number, bytesPerHour: number, hoursToLimitAtCheck: number): (t: number) => number {
  return (t) => limitBytes - bytesPerHour * (hoursToLimitAtCheck - (t - CHECK_AT) / HOUR) + 3 * MiB * Math.sin(t / 7001);
}

export const UWSGI: ScenarioContainer = {
  namespace: 'dojo',
  deployment: 'dojo-django',
  replicaSetHash: '7c9f8b6d4',
  podSuffix: 'x2k9p',
  container: 'uwsgi',
  limitBytes: 6 * GiB,
  bytesAt: leak(6 * GiB, 10_000_000, 100),
};

export const GUNICORN: ScenarioContainer = {
  namespace: 'shop',
  deployment: 'storefront',
  replicaSetHash: '5d8f9c7b6',
  podSuffix: 'abcde',
  container: 'gunicorn',
  limitBytes: 2 * GiB,
  bytesAt: leak(2 * GiB, 5_000_000, 120),
};

export const CELERY: ScenarioContainer = {
  namespace: 'dojo',
  deployment: 'dojo-celeryworker',
  replicaSetHash: '6b7c8d9e0',
  podSuffix: 'q7r8s',
  container: 'celery',
  limitBytes: 3 * GiB,
  bytesAt: leak(3 * GiB, 8_000_000, 90),
};

export const NGINX: ScenarioContainer = {
  namespace: 'dojo',
  deployment: 'dojo-nginx',
  replicaSetHash: '54f6c7d8e',
  podSuffix: 'm3n4p',
  container: 'nginx',
  limitBytes: 1 * GiB,
  bytesAt: (t) => 200 * MiB + 2 * MiB * Math.sin(t / 5003),
};

export const LEAKING = [UWSGI, GUNICORN, CELERY];
export const ALL_CONTAINERS = [...LEAKING, NGINX];

/** Builds every series the default queries read for the scenario's containers. */
export function scenarioSeries(): MetricSeries[] {
  const every = (valueAt: (t: number) => number): Sample[] => sampleEvery(DATA_START, DATA_END, SCRAPE_SECONDS, valueAt);
  return ALL_CONTAINERS.flatMap((container) => {
    const pod = podName(container);
    const replicaSet = `${container.deployment}-${container.replicaSetHash}`;
    return [
      workingSet(container.namespace, pod, container.container, every((t) => Math.round(container.bytesAt(t)))),
      ksmLimit(container.namespace, pod, container.container, every(() => container.limitBytes)),
      podOwner(container.namespace, pod, 'ReplicaSet', replicaSet, every(() => 1)),
      replicaSetOwner(container.namespace, replicaSet, container.deployment, every(() => 1)),
    ];
  });
}
