/**
 * Segmentation of a container's memory into runs: lifetimes between restarts, and stretches
 * between in-container drops. Earlier pods of the workload come first, as earlier runs.
 */
import type { ContainerHistory, RestartEvent, Run, Sample } from '../types';
import { cleanSamples } from './samples';
import { findSharpDrops } from './sharp-drops';

/** A restart event matches a new container id that starts within this many steps of it. */
const EVENT_MATCH_STEPS = 1.5;

/** The runs of a container, split into those of earlier pods and those of the live pod. */
export interface Segmentation {
  /** Runs of earlier pods of the workload, ordered by their pod's first sample. */
  readonly earlierRuns: Run[];
  /** Runs of the live pod, oldest first; the last one is the current run. */
  readonly liveRuns: Run[];
}

/**
 * Splits a container's history into runs. A run starts at a new pod, a new container id, a
 * restart counter increase that no container id explains, or a sharp drop. Gaps in the data
 * are not restarts and do not split a run.
 *
 * @param limitBytes - the limit to judge sharp drops against, or null when there is none
 */
export function segmentHistory(history: ContainerHistory, limitBytes: number | null): Segmentation {
  const earlierRuns: Run[] = [];
  const earlierPods = history.earlierPods
    .map((pod) => ({ pod: pod.pod, samples: cleanSamples(pod.samples) }))
    .filter((pod) => pod.samples.length > 0)
    .sort((a, b) => a.samples[0].t - b.samples[0].t);
  for (const pod of earlierPods) {
    const firstReason = earlierRuns.length === 0 ? 'first' : 'new-pod';
    earlierRuns.push(...splitSeries(pod.samples, [], firstReason, pod.pod, limitBytes));
  }

  const liveRuns: Run[] = [];
  const livePod = history.labels.pod ?? history.id;
  const liveSeries = liveContainerSeries(history);
  const unmatchedEvents = eventsWithoutNewContainerId(history.restarts, liveSeries, history.stepSeconds);
  liveSeries.forEach((samples, position) => {
    let firstReason: Run['startReason'] = 'new-container-id';
    if (position === 0) {
      firstReason = earlierRuns.length === 0 ? 'first' : 'new-pod';
    }
    liveRuns.push(...splitSeries(samples, unmatchedEvents, firstReason, livePod, limitBytes));
  });
  return { earlierRuns, liveRuns };
}

/**
 * Splits a container's history into runs, oldest first: the runs of earlier pods, then those of
 * the live pod. See `segmentHistory`.
 */
export function splitRuns(history: ContainerHistory, limitBytes: number | null): Run[] {
  const { earlierRuns, liveRuns } = segmentHistory(history, limitBytes);
  return [...earlierRuns, ...liveRuns];
}

/** Returns the live pod's series, one per container id, cleaned and ordered by their first sample. */
export function liveContainerSeries(history: ContainerHistory): Sample[][] {
  return history.usageByContainerId
    .map((samples) => cleanSamples(samples))
    .filter((samples) => samples.length > 0)
    .sort((a, b) => a[0].t - b[0].t);
}

/** Restart events that no new container id explains: they split a series from within. */
function eventsWithoutNewContainerId(events: readonly RestartEvent[], series: readonly Sample[][], stepSeconds: number): RestartEvent[] {
  const newIdStarts = series.slice(1).map((samples) => samples[0].t);
  return events.filter((event) => !newIdStarts.some((start) => Math.abs(start - event.t) <= EVENT_MATCH_STEPS * stepSeconds));
}

/**
 * Splits one series at the restart events inside it and at its sharp drops.
 */
function splitSeries(
  samples: Sample[],
  events: readonly RestartEvent[],
  firstReason: Run['startReason'],
  pod: string,
  limitBytes: number | null,
): Run[] {
  const reasons = new Map<number, Run['startReason']>();
  for (const event of events) {
    const index = restartSplitIndex(samples, event.t);
    if (index !== null) {
      reasons.set(index, 'restart-counter');
    }
  }
  for (const index of findSharpDrops(samples, limitBytes)) {
    if (!reasons.has(index)) {
      reasons.set(index, 'sharp-drop');
    }
  }

  const starts = [...reasons.keys()].sort((a, b) => a - b);
  const runs: Run[] = [];
  let from = 0;
  let reason = firstReason;
  for (const start of starts) {
    runs.push({ samples: samples.slice(from, start), startReason: reason, pod });
    from = start;
    reason = reasons.get(start) ?? 'sharp-drop';
  }
  runs.push({ samples: samples.slice(from), startReason: reason, pod });
  return runs;
}

/**
 * Returns the index of the first sample of the new run for a restart at `eventTime`, or null
 * when the restart falls outside the series. Each sample is the peak of the step that ends at
 * its time, so the sample of the restart step may still hold the old container's peak: the
 * split goes where memory falls most, before or after that sample.
 */
function restartSplitIndex(samples: readonly Sample[], eventTime: number): number | null {
  const index = samples.findIndex((sample) => sample.t >= eventTime);
  if (index <= 0) {
    return null;
  }
  const fallBefore = samples[index - 1].v - samples[index].v;
  const next = samples[index + 1];
  const fallAfter = next === undefined ? Number.NEGATIVE_INFINITY : samples[index].v - next.v;
  if (fallAfter > fallBefore) {
    return index + 1;
  }
  return index;
}
