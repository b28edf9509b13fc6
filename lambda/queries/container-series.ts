/** Grouping of usage series by container, and the joining of a container's per-id series. */
import { PromSeries } from '../prometheus/response';
import { Sample } from '../types';

/** Labels that identify a container. */
export const CONTAINER_LABELS = ['namespace', 'pod', 'container'] as const;

/** The series of one namespace/pod/container, one per cAdvisor container id. */
export interface ContainerSeries {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** `namespace/pod/container`. */
  readonly key: string;
  /** One entry per `id` label value (a single entry without one). */
  readonly byId: { readonly id: string | undefined; readonly labels: Record<string, string>; readonly samples: Sample[] }[];
}

/** Returns `namespace/pod/container`, or undefined when a label is missing or empty. */
export function containerKey(labels: Record<string, string>): string | undefined {
  if (!labels.namespace || !labels.pod || !labels.container) {
    return undefined;
  }
  return `${labels.namespace}/${labels.pod}/${labels.container}`;
}

/** Groups usage series by container; series without namespace, pod and container labels are returned apart. */
export function groupByContainer(series: readonly PromSeries[]): { containers: Map<string, ContainerSeries>; unlabelled: PromSeries[] } {
  const containers = new Map<string, ContainerSeries>();
  const unlabelled: PromSeries[] = [];

  for (const one of series) {
    const key = containerKey(one.labels);
    if (key === undefined) {
      unlabelled.push(one);
      continue;
    }
    let group = containers.get(key);
    if (group === undefined) {
      group = { namespace: one.labels.namespace, pod: one.labels.pod, container: one.labels.container, key, byId: [] };
      containers.set(key, group);
    }
    group.byId.push({ id: one.labels.id, labels: one.labels, samples: one.samples });
  }
  return { containers, unlabelled };
}

/**
 * Orders a container's per-id series oldest first and cuts each older one after the first
 * sample of the next. After a restart cAdvisor keeps exporting the dead container's frozen value
 * for a few minutes, and those samples must not stand beside the new container's.
 *
 * Consecutive arrays may share one instant, the step in which the newer container started. The
 * older one's sample there is its real peak before it died (each sample is the maximum of its
 * step), and dropping it would hide every pre-restart peak of a container restarted once per step.
 */
export function joinContainerIds(byId: ContainerSeries['byId']): Sample[][] {
  const ordered = byId.filter((entry) => entry.samples.length > 0).sort((a, b) => a.samples[0].t - b.samples[0].t);

  const arrays: Sample[][] = [];
  for (let i = 0; i < ordered.length; i += 1) {
    const nextStart = i + 1 < ordered.length ? ordered[i + 1].samples[0].t : Infinity;
    const kept = ordered[i].samples.filter((sample) => sample.t <= nextStart);
    if (kept.length > 0) {
      arrays.push(kept);
    }
  }
  return arrays;
}

/** Joins per-id arrays into one series; at an instant that two arrays share, the higher value stays. */
export function flattenContainerIds(arrays: readonly Sample[][]): Sample[] {
  const samples: Sample[] = [];
  for (const array of arrays) {
    for (const sample of array) {
      const last = samples.at(-1);
      if (last !== undefined && last.t === sample.t) {
        samples[samples.length - 1] = last.v >= sample.v ? last : sample;
      } else {
        samples.push(sample);
      }
    }
  }
  return samples;
}

/** Returns the newest labels of a container without `id` and `__name__`, for reports. */
export function reportLabels(group: ContainerSeries): Record<string, string> {
  const newest = [...group.byId].sort((a, b) => (b.samples.at(-1)?.t ?? 0) - (a.samples.at(-1)?.t ?? 0))[0];
  const labels = { ...(newest?.labels ?? {}) };
  delete labels.id;
  delete labels.__name__;
  return labels;
}
