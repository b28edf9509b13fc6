/**
 * Restart and OOM-kill accounting for the live pod. Restarts come from the restart counter and
 * from new container ids. Kills come from OOMKilled reasons, from new containers that follow a
 * peak at the limit, and from in-container drops at the limit (a worker killed inside the container).
 */
import type { ContainerHistory, Run } from '../types';
import { medianOr } from './robust';
import { peakSample, SECONDS_PER_DAY, SECONDS_PER_HOUR } from './samples';
import { NEAR_LIMIT_FRACTION } from './tuning';

/** The evidence from which a kill was recognised. */
export type KillSource =
  /** The restart counter rose with the termination reason OOMKilled. */
  | 'oom-killed'
  /** A new container id followed a peak at the limit, and no restart event explains it. */
  | 'new-container-at-limit'
  /** A restart whose reason was not OOMKilled followed a peak at the limit. */
  | 'restart-near-limit'
  /** Memory fell sharply from the limit with no restart: a worker killed inside the container. */
  | 'in-container-drop';

/** One or more kills in one step. */
export interface KillEvent {
  /** Unix seconds of the step in which it happened. */
  readonly t: number;
  readonly count: number;
  readonly source: KillSource;
  /** Highest sample of the run that the kill ended, or null when unknown. */
  readonly peakBytes: number | null;
  /** Median of that run without its highest sample: the level before the final climb. */
  readonly levelBeforeBytes: number | null;
}

/** A restart of the live pod's container. */
export interface RestartRecord {
  readonly t: number;
  readonly count: number;
  readonly oomKilled: boolean;
}

/** Restarts and kills of the live pod within the lookback. */
export interface RestartSummary {
  readonly total: number;
  readonly oomKills: number;
  readonly perDay: number;
  /** Restarts, oldest first. */
  readonly restarts: RestartRecord[];
  /** Kills from every source, oldest first. */
  readonly kills: KillEvent[];
  /** Peaks of the live runs that ended in a container restart, oldest first. */
  readonly restartedRunPeaks: number[];
}

/** A restart event belongs to a run boundary within this many steps. */
const MATCH_STEPS = 1.5;

/**
 * Counts the restarts and kills of the live pod.
 *
 * NOTE: earlier pods have no restart events, so their kills are not counted. A workload whose
 * pods were each OOM-killed once and then replaced shows as growth, not as an OOM cycle.
 *
 * @param liveRuns - the live pod's runs, from `segmentHistory`
 * @param limitBytes - the limit, or null when there is none (then only OOMKilled reasons count as kills)
 */
export function summarizeRestarts(history: ContainerHistory, liveRuns: readonly Run[], limitBytes: number | null): RestartSummary {
  const matchSeconds = MATCH_STEPS * history.stepSeconds;
  const events = history.restarts.filter((event) => Number.isFinite(event.t) && event.count > 0);
  const restarts: RestartRecord[] = events.map((event) => ({ t: event.t, count: event.count, oomKilled: event.oomKilled }));
  const kills: KillEvent[] = [];
  const restartedRunPeaks: number[] = [];
  const reachedLimit = (peak: number | null): boolean => limitBytes !== null && peak !== null && peak >= NEAR_LIMIT_FRACTION * limitBytes;

  // A counter event of N restarts in one step explains up to N new container ids near it.
  const unexplainedCounts = events.map((event) => event.count);
  const killIndexOfEvent = new Map<number, number>();
  const firstLiveTime = liveRuns[0]?.samples[0]?.t;
  for (let index = 1; index < liveRuns.length; index += 1) {
    const run = liveRuns[index];
    const ended = liveRuns[index - 1];
    const boundaryTime = run.samples[0].t;
    const peak = peakSample(ended.samples)?.v ?? null;
    const levelBefore = levelBeforePeak(ended);

    if (run.startReason === 'sharp-drop') {
      if (reachedLimit(peak)) {
        kills.push({ t: boundaryTime, count: 1, source: 'in-container-drop', peakBytes: peak, levelBeforeBytes: levelBefore });
      }
      continue;
    }
    if (boundaryTime === firstLiveTime) {
      // The first sample is the peak of the step that ends at the lookback's start, so a container
      // id that appears there started before the lookback, as the restart counter also shows.
      continue;
    }
    restartedRunPeaks.push(peak ?? 0);

    // The event's step may end anywhere from the old run's last sample to the new run's first.
    const endedTime = ended.samples[ended.samples.length - 1].t;
    const eventIndex = events.findIndex(
      (event, position) => unexplainedCounts[position] > 0 && event.t >= endedTime - matchSeconds && event.t <= boundaryTime + matchSeconds,
    );
    if (eventIndex < 0) {
      // A new container id with no restart event: the counter was missed, so count it here.
      const oomKilled = reachedLimit(peak);
      restarts.push({ t: boundaryTime, count: 1, oomKilled });
      if (oomKilled) {
        kills.push({ t: boundaryTime, count: 1, source: 'new-container-at-limit', peakBytes: peak, levelBeforeBytes: levelBefore });
      }
      continue;
    }

    unexplainedCounts[eventIndex] -= 1;
    const event = events[eventIndex];
    const killIndex = killIndexOfEvent.get(eventIndex);
    if (killIndex !== undefined) {
      // Another container that the same event explains: the event's kill keeps the highest peak.
      const kill = kills[killIndex];
      if (peak !== null && peak > (kill.peakBytes ?? Number.NEGATIVE_INFINITY)) {
        kills[killIndex] = { ...kill, peakBytes: peak };
      }
      continue;
    }
    if (event.oomKilled || reachedLimit(peak)) {
      killIndexOfEvent.set(eventIndex, kills.length);
      const source: KillSource = event.oomKilled ? 'oom-killed' : 'restart-near-limit';
      kills.push({ t: event.t, count: event.count, source, peakBytes: peak, levelBeforeBytes: levelBefore });
    }
  }

  events.forEach((event, position) => {
    if (unexplainedCounts[position] === event.count && event.oomKilled) {
      kills.push({ t: event.t, count: event.count, source: 'oom-killed', peakBytes: null, levelBeforeBytes: null });
    }
  });

  restarts.sort((a, b) => a.t - b.t);
  kills.sort((a, b) => a.t - b.t);
  const total = restarts.reduce((sum, restart) => sum + restart.count, 0);
  const oomKills = restarts.reduce((sum, restart) => sum + (restart.oomKilled ? restart.count : 0), 0);
  return { total, oomKills, perDay: total / observedDays(history, liveRuns), restarts, kills, restartedRunPeaks };
}

/**
 * Days from the live pod's first sample to the evaluation, at least one hour. A container
 * without samples is observed from the start of the step of its first restart in the lookback.
 */
export function observedDays(history: ContainerHistory, liveRuns: readonly Run[]): number {
  const firstRestart = history.restarts.length > 0 ? Math.min(...history.restarts.map((event) => event.t)) - history.stepSeconds : undefined;
  const firstTime = liveRuns[0]?.samples[0]?.t ?? firstRestart ?? history.evaluatedAt;
  return Math.max(history.evaluatedAt - firstTime, SECONDS_PER_HOUR) / SECONDS_PER_DAY;
}

function levelBeforePeak(run: Run): number | null {
  if (run.samples.length < 2) {
    return null;
  }
  const peak = peakSample(run.samples);
  return medianOr(
    run.samples.filter((sample) => sample !== peak).map((sample) => sample.v),
    0,
  );
}
