/**
 * Recognition of an OOM cycle: kills that keep coming, whether a tight loop, a nightly spike,
 * workers killed inside the container, or restarts that only just beat the kernel to it.
 */
import { medianOr } from './robust';
import type { KillEvent, KillSource } from './restarts';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from './samples';
import { FULL_WINDOWS, OOM_CYCLE_MAX_INTERVAL_HOURS, type AnalysisWindows } from './tuning';

/** What kind of cycle the kills form, which decides how it is explained. */
export type OomCycleKind =
  /** One kill or more per hour over the last day. */
  | 'loop'
  /** About one kill a day at the same time of day. */
  | 'daily'
  /** Mostly in-container drops at the limit without restarts. */
  | 'in-container'
  /** Mostly restarts without OOMKilled that follow a peak at the limit. */
  | 'near-limit-restarts'
  | 'repeated';

/** An ongoing OOM cycle. */
export interface OomCycle {
  readonly kind: OomCycleKind;
  readonly killCount: number;
  /** Unix seconds. */
  readonly firstKillAt: number;
  /** Unix seconds. */
  readonly lastKillAt: number;
  readonly medianIntervalHours: number;
  /** Kills per hour over the last 24 hours. */
  readonly killsPerHourLastDay: number;
  /** For a daily cycle: minutes after midnight UTC around which the kills happen. */
  readonly dailyMinuteUtc: number | null;
  /** Whether memory sat well below the limit just before most kills. */
  readonly spikeDriven: boolean;
  /** Highest peak before a kill, or null when the samples do not show it. */
  readonly peakBytes: number | null;
}

/** A kill is recent enough to keep a cycle going within this many median intervals. */
const RECENCY_INTERVALS = 2;
/** Minimum recency allowance in hours, for loops whose median interval is zero; it shrinks with the other windows. */
const MIN_RECENCY_HOURS = 6;
/** A daily cycle's kills are this close to a whole number of days apart. */
const DAILY_TOLERANCE_HOURS = 3;
/** Concentration (mean resultant length) of the kills' time of day for a daily cycle. */
const MIN_DAILY_CONCENTRATION = 0.9;
/** Memory below this fraction of the limit before a kill means a spike, not a climb, caused it. */
const SPIKE_BASELINE_FRACTION = 0.75;

/**
 * Detects an ongoing OOM cycle: two kills or more whose median spacing is at most 36 hours,
 * the last one recent.
 *
 * @param kills - kills of the live pod, oldest first
 * @param stepSeconds - spacing of the samples, because a kill happened within the step that ends at its time
 */
export function detectOomCycle(kills: readonly KillEvent[], evaluatedAt: number, stepSeconds: number, limitBytes: number, windows: AnalysisWindows = FULL_WINDOWS): OomCycle | null {
  const instants = kills.flatMap((kill) => Array.from({ length: kill.count }, () => kill.t));
  if (instants.length < 2) {
    return null;
  }
  const intervalsHours = instants.slice(1).map((t, index) => (t - instants[index]) / SECONDS_PER_HOUR);
  const medianIntervalHours = medianOr(intervalsHours, 0);
  const lastKillAt = instants[instants.length - 1];
  const hoursSinceLast = (evaluatedAt - lastKillAt) / SECONDS_PER_HOUR;
  const minRecencyHours = MIN_RECENCY_HOURS * (windows.oomCycleMaxIntervalHours / OOM_CYCLE_MAX_INTERVAL_HOURS);
  const recencyHours = Math.max(RECENCY_INTERVALS * medianIntervalHours, minRecencyHours, (2 * stepSeconds) / SECONDS_PER_HOUR);
  if (medianIntervalHours > windows.oomCycleMaxIntervalHours || hoursSinceLast > recencyHours) {
    return null;
  }

  const killsPerHourLastDay = instants.filter((t) => t > evaluatedAt - SECONDS_PER_DAY).length / 24;
  const dailyMinuteUtc = dailyTimeOfDay(kills, stepSeconds);
  const peaks = kills.map((kill) => kill.peakBytes).filter((peak): peak is number => peak !== null);
  const spikeCount = kills.filter((kill) => kill.levelBeforeBytes !== null && kill.levelBeforeBytes <= SPIKE_BASELINE_FRACTION * limitBytes).length;

  return {
    kind: cycleKind(kills, killsPerHourLastDay, dailyMinuteUtc),
    killCount: instants.length,
    firstKillAt: instants[0],
    lastKillAt,
    medianIntervalHours,
    killsPerHourLastDay,
    dailyMinuteUtc,
    spikeDriven: spikeCount > kills.length / 2,
    peakBytes: peaks.length > 0 ? Math.max(...peaks) : null,
  };
}

function cycleKind(kills: readonly KillEvent[], killsPerHourLastDay: number, dailyMinuteUtc: number | null): OomCycleKind {
  // Restarts that are not OOM kills come first: calling them an OOM loop would misdirect.
  if (isMostly(kills, 'restart-near-limit')) {
    return 'near-limit-restarts';
  }
  if (killsPerHourLastDay >= 1) {
    return 'loop';
  }
  if (dailyMinuteUtc !== null) {
    return 'daily';
  }
  if (isMostly(kills, 'in-container-drop')) {
    return 'in-container';
  }
  return 'repeated';
}

function isMostly(kills: readonly KillEvent[], source: KillSource): boolean {
  return kills.filter((kill) => kill.source === source).length > kills.length / 2;
}

/**
 * Returns the minute of the day (UTC) around which kills recur daily, or null when they do not.
 * Each kill happened somewhere in the step that ends at its time, so the step's middle is used.
 */
function dailyTimeOfDay(kills: readonly KillEvent[], stepSeconds: number): number | null {
  if (kills.length < 3) {
    return null;
  }
  const intervalsHours = kills.slice(1).map((kill, index) => (kill.t - kills[index].t) / SECONDS_PER_HOUR);
  // A day without a kill leaves a 48-hour interval, which still belongs to a daily cycle.
  const offDaily = (hours: number): boolean => Math.round(hours / 24) < 1 || Math.abs(hours - 24 * Math.round(hours / 24)) > DAILY_TOLERANCE_HOURS;
  if (intervalsHours.some(offDaily)) {
    return null;
  }

  const angles = kills.map((kill) => (2 * Math.PI * ((((kill.t - stepSeconds / 2) % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY)) / SECONDS_PER_DAY);
  const meanCos = angles.reduce((sum, angle) => sum + Math.cos(angle), 0) / angles.length;
  const meanSin = angles.reduce((sum, angle) => sum + Math.sin(angle), 0) / angles.length;
  if (Math.hypot(meanCos, meanSin) < MIN_DAILY_CONCENTRATION) {
    return null;
  }
  const meanAngle = (Math.atan2(meanSin, meanCos) + 2 * Math.PI) % (2 * Math.PI);
  return Math.round((meanAngle / (2 * Math.PI)) * 1440) % 1440;
}
