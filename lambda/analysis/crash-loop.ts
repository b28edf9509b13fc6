/**
 * Recognition of a crash loop: a container that restarts many times a day and dies well below
 * its memory limit, without OOMKilled. The real ceiling is then inside the process, typically a
 * runtime heap cap (the V8 old space, the JVM's maximum heap) sized below the container limit.
 */
import type { RestartSummary } from './restarts';
import { quantileOr } from './robust';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from './samples';
import { CRASH_LOOP_MIN_RESTARTS_PER_DAY, NEAR_LIMIT_FRACTION } from './tuning';

/** A crash loop and the ceiling at which the container dies. */
export interface CrashLoop {
  /** Restarts per day over the last day (or the observed time, when shorter). */
  readonly restartsPerDay: number;
  /** Typical memory at death: the 90th percentile of the peaks of restarted runs. */
  readonly ceilingBytes: number;
  readonly ceilingFraction: number;
}

/**
 * Detects a crash loop from the restarts of the live pod.
 *
 * @param observedDays - days of data of the live pod
 */
export function detectCrashLoop(
  summary: RestartSummary,
  evaluatedAt: number,
  observedDays: number,
  limitBytes: number,
): CrashLoop | null {
  const recent = recentRestarts(summary, evaluatedAt, observedDays);
  if (recent.restartsPerDay < CRASH_LOOP_MIN_RESTARTS_PER_DAY || recent.oomKills * 2 >= recent.count || summary.restartedRunPeaks.length === 0) {
    return null;
  }

  const ceilingBytes = quantileOr(summary.restartedRunPeaks, 0.9, 0);
  const ceilingFraction = ceilingBytes / limitBytes;
  return ceilingFraction < NEAR_LIMIT_FRACTION ? { restartsPerDay: recent.restartsPerDay, ceilingBytes, ceilingFraction } : null;
}

/** A restart loop of a container that has no memory samples at all in the lookback. */
export interface UnsampledRestartLoop {
  /** Restarts per day over the last day (or the observed time, when shorter). */
  readonly restartsPerDay: number;
  /** Whether most of those restarts were OOM kills. */
  readonly mostlyOomKilled: boolean;
}

/**
 * Detects a restart loop from the restart counter alone, for a container without memory samples:
 * one in CrashLoopBackOff that waits between short runs, or dies before cAdvisor reports it.
 *
 * @param observedDays - days since the first restart in the lookback
 */
export function detectUnsampledRestartLoop(summary: RestartSummary, evaluatedAt: number, observedDays: number): UnsampledRestartLoop | null {
  const recent = recentRestarts(summary, evaluatedAt, observedDays);
  if (recent.restartsPerDay < CRASH_LOOP_MIN_RESTARTS_PER_DAY) {
    return null;
  }
  return { restartsPerDay: recent.restartsPerDay, mostlyOomKilled: recent.oomKills * 2 > recent.count };
}

/** Counts the restarts of the last day (or the observed time, when shorter) and their rate per day. */
function recentRestarts(summary: RestartSummary, evaluatedAt: number, observedDays: number): { count: number; oomKills: number; restartsPerDay: number } {
  const windowSeconds = Math.min(SECONDS_PER_DAY, observedDays * SECONDS_PER_DAY);
  const recent = summary.restarts.filter((restart) => restart.t > evaluatedAt - windowSeconds);
  const count = recent.reduce((sum, restart) => sum + restart.count, 0);
  const oomKills = recent.reduce((sum, restart) => sum + (restart.oomKilled ? restart.count : 0), 0);
  return { count, oomKills, restartsPerDay: (count * SECONDS_PER_DAY) / Math.max(windowSeconds, SECONDS_PER_HOUR) };
}
