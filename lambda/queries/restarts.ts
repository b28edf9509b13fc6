/** Restart events from the kube-state-metrics restart counter and last-termination reason. */
import { PromSeries } from '../prometheus/response';
import { RestartEvent, Sample } from '../types';

const SECONDS_PER_DAY = 86400;

/**
 * Turns the restart counter of one container, sampled once per step, into restart events: one
 * per step in which the counter rose, marked OOM-killed when the last-termination-reason gauge
 * for `OOMKilled` is 1 at that step. The gauge alone stays 1 for the rest of the pod's life after
 * one OOM kill, so only a counter increase makes an event. A decrease is a reset (a new pod
 * with the same name), not a restart.
 *
 * A counter that first appears inside the range with a value above zero belongs to a pod that
 * started and restarted within the range, so that value counts as restarts at its first step.
 *
 * @param counter - counter samples, oldest first
 * @param oomKilled - the `reason="OOMKilled"` gauge on the same step grid, oldest first
 * @param rangeStartSeconds - first instant of the queried range
 * @param stepSeconds - step of the range
 */
export function restartEventsFromCounter(
  counter: readonly Sample[],
  oomKilled: readonly Sample[],
  rangeStartSeconds: number,
  stepSeconds: number,
): RestartEvent[] {
  const oomAt = new Map(oomKilled.map((sample) => [sample.t, sample.v]));
  const events: RestartEvent[] = [];
  const addEvent = (t: number, count: number): void => {
    events.push({ t, count, oomKilled: oomAt.get(t) === 1 });
  };

  if (counter.length > 0 && counter[0].t > rangeStartSeconds + stepSeconds && counter[0].v > 0) {
    addEvent(counter[0].t, counter[0].v);
  }
  for (let i = 1; i < counter.length; i += 1) {
    const increase = counter[i].v - counter[i - 1].v;
    if (increase > 0) {
      addEvent(counter[i].t, increase);
    }
  }
  return events;
}

/** A container seen only through its restart counter. */
export interface RestartingContainer {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/**
 * Finds the containers whose restart counter is current at `atSeconds` (it has a sample at that
 * step) and rose within the last 24 hours. A container in CrashLoopBackOff spends most of its
 * time waiting for its next start, so it often has no working set at the evaluation instant,
 * while kube-state-metrics keeps reporting its counter.
 *
 * @param counters - counter series with namespace, pod and container labels, sampled once per step
 * @returns the containers, keyed by `namespace/pod/container`
 */
export function recentlyRestartedContainers(counters: readonly PromSeries[], atSeconds: number): Map<string, RestartingContainer> {
  const found = new Map<string, RestartingContainer>();
  for (const { labels, samples } of counters) {
    if (!labels.namespace || !labels.pod || !labels.container || samples.at(-1)?.t !== atSeconds) {
      continue;
    }
    const roseLastDay = samples.some((sample, index) => index > 0 && sample.t > atSeconds - SECONDS_PER_DAY && sample.v > samples[index - 1].v);
    if (roseLastDay) {
      found.set(`${labels.namespace}/${labels.pod}/${labels.container}`, { namespace: labels.namespace, pod: labels.pod, container: labels.container });
    }
  }
  return found;
}
