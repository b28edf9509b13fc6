/**
 * Figures of one contender on one scenario. They measure whether it alerted when it should, how
 * early before each OOM kill, and how long it alerted without cause. They also count flaps and
 * measure how far its forecast instant was from the real kill.
 */
import { median, maximum } from '../support/stats';
import { nextOomAfter, shouldWarn, type AlertLevel, type QualityScenario } from './scenario';
import type { AlertTimeline } from './timeline';

/** The hours replayed: checks and rule evaluations from `fromSeconds` to `toSeconds`. */
export interface EvaluationSpan {
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/**
 * Kills closer together than this form one episode (an OOM loop, or repeated kills inside the
 * container), whose first kill is the one to warn before.
 */
export const EPISODE_GAP_SECONDS = 12 * 3600;
/** How long after the first kill of an episode a first alert still counts, as a negative lead. */
export const LATE_ALERT_SECONDS = 12 * 3600;
/**
 * Forecasts made less than this before the kill are left out of the ETA error. Its denominator
 * tends to zero there, so that an hourly check or 2 hours of noise alone would read as 50 % or
 * more.
 */
export const MIN_ETA_DISTANCE_SECONDS = 6 * 3600;
/** A forecast instant within this fraction of the time left is on target. */
export const ETA_ERROR_TARGET = 0.15;
/**
 * False alerts this soon after a real OOM kill are counted apart: a checker that keeps an alert
 * open after a kill, while the restarted container climbs again, is making a policy choice rather
 * than misreading a shape.
 */
export const AFTER_KILL_SECONDS = 48 * 3600;
/** Step at which alert intervals are tested for cause. */
const FALSE_ALERT_SLICE_SECONDS = 300;

/** Horizon of each alert level in hours, for the alert policy defaults (warn 7 d, critical 2 d). */
export const LEVEL_HORIZON_HOURS: Record<AlertLevel, number> = { warning: 7 * 24, critical: 2 * 24 };

/** A group of OOM kills, or the one a leak reaches after the window. */
export interface OomEpisode {
  readonly firstKillSeconds: number;
  readonly lastKillSeconds: number;
  readonly kills: number;
  /** True for a kill computed from the growth, after the window. */
  readonly projected: boolean;
}

/** The figures of one contender, one scenario and one alert level. */
export interface ScenarioFigures {
  readonly alerted: boolean;
  /** Alerted iff the scenario should be alerted on; only for the warning level. */
  readonly verdictRight: boolean;
  readonly firstAlertSeconds: number | null;
  /**
   * Per episode: hours from the onset of the alert active at the first kill to that kill (negative
   * when the alert came after it, null when there was none within 12 hours).
   */
  readonly leadHours: (number | null)[];
  /** Hours of active alert with no OOM kill within the level's horizon and no other risk to report. */
  readonly falseAlertHours: number;
  /** The part of `falseAlertHours` within 48 hours after a real OOM kill. */
  readonly falseAlertHoursAfterKill: number;
  /** Times the alert came back on with no OOM kill since the previous alert started. */
  readonly flaps: number;
  readonly alertHours: number;
  /** Median and maximum of |eta − real| / (real − at) over the forecasts made while alerted. */
  readonly etaErrorMedian: number | null;
  readonly etaErrorMax: number | null;
  readonly etaSamples: number;
  /** Forecasts within {@link ETA_ERROR_TARGET} of the real kill. */
  readonly etaWithinTarget: number;
  /** The forecast with the largest error, to find where it went wrong. */
  readonly etaWorst: { readonly atSeconds: number; readonly etaSeconds: number; readonly realSeconds: number } | null;
}

/**
 * Groups the scenario's kills inside the span into episodes, and adds the projected kill when a
 * checker should have warned about it before the span ended.
 */
export function oomEpisodes(scenario: QualityScenario, span: EvaluationSpan, horizonHours: number): OomEpisode[] {
  const kills = scenario.oomKillSeconds.filter((seconds) => seconds >= span.fromSeconds && seconds <= span.toSeconds);
  const episodes: { firstKillSeconds: number; lastKillSeconds: number; kills: number; projected: boolean }[] = [];
  for (const kill of kills) {
    const last = episodes.at(-1);
    if (last !== undefined && kill - last.lastKillSeconds <= EPISODE_GAP_SECONDS) {
      last.lastKillSeconds = kill;
      last.kills += 1;
    } else {
      episodes.push({ firstKillSeconds: kill, lastKillSeconds: kill, kills: 1, projected: false });
    }
  }
  const projected = scenario.projectedOomSeconds;
  const last = episodes.at(-1);
  if (projected === undefined || projected <= span.toSeconds || projected - horizonHours * 3600 >= span.toSeconds) {
    return episodes;
  }
  if (last !== undefined && projected - last.lastKillSeconds <= EPISODE_GAP_SECONDS) {
    // A loop or a daily kill that goes on after the window continues its episode.
    return episodes;
  }
  episodes.push({ firstKillSeconds: projected, lastKillSeconds: projected, kills: 1, projected: true });
  return episodes;
}

/**
 * Hours between the onset of the alert that was active when the kill came and the kill, counted
 * from the start of the cycle at most. An alert that resolved before the kill does not count,
 * because people stop acting on a resolved alert.
 */
function leadHoursFor(timeline: AlertTimeline, cycleStartSeconds: number, killSeconds: number, span: EvaluationSpan): number | null {
  // A kill projected after the span counts as warned when the alert was still active at its end.
  const lastKnownSeconds = Math.min(killSeconds, span.toSeconds);
  const activeAtKill = timeline.intervals.find((interval) => interval.startSeconds < lastKnownSeconds && interval.endSeconds >= lastKnownSeconds);
  if (activeAtKill !== undefined) {
    return (killSeconds - Math.max(activeAtKill.startSeconds, cycleStartSeconds)) / 3600;
  }
  const late = timeline.intervals.find((interval) => interval.startSeconds >= killSeconds && interval.startSeconds < killSeconds + LATE_ALERT_SECONDS);
  return late === undefined ? null : -(late.startSeconds - killSeconds) / 3600;
}

const LEVEL_RANK: Record<AlertLevel, number> = { warning: 1, critical: 2 };

/** Returns whether an alert at `level` is justified at an instant: an OOM kill within the horizon, or another risk to report. */
export function alertJustified(scenario: QualityScenario, level: AlertLevel, atSeconds: number): boolean {
  const risk = scenario.nonOomRisk;
  if (risk !== undefined && atSeconds >= risk.fromSeconds && LEVEL_RANK[level] <= LEVEL_RANK[risk.level]) {
    return true;
  }
  const next = nextOomAfter(scenario, atSeconds);
  return next !== null && next - atSeconds <= LEVEL_HORIZON_HOURS[level] * 3600;
}

/** False-alert hours in total, and those within {@link AFTER_KILL_SECONDS} after a real kill. */
function falseAlertHours(scenario: QualityScenario, level: AlertLevel, timeline: AlertTimeline): { total: number; afterKill: number } {
  let falseSeconds = 0;
  let afterKillSeconds = 0;
  for (const interval of timeline.intervals) {
    for (let t = interval.startSeconds; t < interval.endSeconds; t += FALSE_ALERT_SLICE_SECONDS) {
      if (alertJustified(scenario, level, t)) {
        continue;
      }
      const sliceSeconds = Math.min(FALSE_ALERT_SLICE_SECONDS, interval.endSeconds - t);
      falseSeconds += sliceSeconds;
      if (scenario.oomKillSeconds.some((kill) => kill <= t && t - kill < AFTER_KILL_SECONDS)) {
        afterKillSeconds += sliceSeconds;
      }
    }
  }
  return { total: falseSeconds / 3600, afterKill: afterKillSeconds / 3600 };
}

/**
 * Counts alerts that came back on within the leak cycle in which the previous one started: no
 * kill between the two starts. An alert that covers a kill, resolves and fires again in the next
 * cycle is no flap.
 */
function flapCount(scenario: QualityScenario, timeline: AlertTimeline): number {
  let flaps = 0;
  for (let i = 1; i < timeline.intervals.length; i += 1) {
    const previousStartSeconds = timeline.intervals[i - 1].startSeconds;
    const onSeconds = timeline.intervals[i].startSeconds;
    const killBetween = scenario.oomKillSeconds.some((kill) => kill > previousStartSeconds && kill <= onSeconds);
    if (!killBetween) {
      flaps += 1;
    }
  }
  return flaps;
}

interface EtaError {
  readonly error: number;
  readonly atSeconds: number;
  readonly etaSeconds: number;
  readonly realSeconds: number;
}

function etaErrors(scenario: QualityScenario, timeline: AlertTimeline): EtaError[] {
  const errors: EtaError[] = [];
  for (const sample of timeline.etas) {
    const real = nextOomAfter(scenario, sample.atSeconds);
    if (real === null || real - sample.atSeconds < MIN_ETA_DISTANCE_SECONDS) {
      continue;
    }
    errors.push({ error: Math.abs(sample.etaSeconds - real) / (real - sample.atSeconds), atSeconds: sample.atSeconds, etaSeconds: sample.etaSeconds, realSeconds: real });
  }
  return errors;
}

/** Computes the figures of one contender's timeline on one scenario at one level. */
export function scenarioFigures(scenario: QualityScenario, level: AlertLevel, unclipped: AlertTimeline, span: EvaluationSpan): ScenarioFigures {
  // The last check's verdict would hold for the hour after the data ends: nothing is known there.
  const timeline: AlertTimeline = {
    intervals: unclipped.intervals
      .filter((interval) => interval.startSeconds < span.toSeconds)
      .map((interval) => ({ startSeconds: interval.startSeconds, endSeconds: Math.min(interval.endSeconds, span.toSeconds) })),
    etas: unclipped.etas,
  };
  const alerted = timeline.intervals.length > 0;
  const episodes = oomEpisodes(scenario, span, LEVEL_HORIZON_HOURS[level]);
  const leadHours = episodes.map((episode, index) =>
    leadHoursFor(timeline, index === 0 ? span.fromSeconds : episodes[index - 1].lastKillSeconds, episode.firstKillSeconds, span),
  );
  const falseHours = falseAlertHours(scenario, level, timeline);
  const errorSamples = scenario.killsBelowLimit === true ? [] : etaErrors(scenario, timeline);
  const errors = errorSamples.map((sample) => sample.error);
  const worst = errorSamples.reduce<EtaError | null>((highest, sample) => (highest === null || sample.error > highest.error ? sample : highest), null);
  return {
    alerted,
    verdictRight: alerted === shouldWarn(scenario),
    firstAlertSeconds: timeline.intervals[0]?.startSeconds ?? null,
    leadHours,
    falseAlertHours: falseHours.total,
    falseAlertHoursAfterKill: falseHours.afterKill,
    flaps: flapCount(scenario, timeline),
    alertHours: timeline.intervals.reduce((sum, interval) => sum + (interval.endSeconds - interval.startSeconds) / 3600, 0),
    etaErrorMedian: median(errors),
    etaErrorMax: maximum(errors),
    etaSamples: errors.length,
    etaWithinTarget: errors.filter((error) => error <= ETA_ERROR_TARGET).length,
    etaWorst: worst === null ? null : { atSeconds: worst.atSeconds, etaSeconds: worst.etaSeconds, realSeconds: worst.realSeconds },
  };
}
