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
  const windowSeconds = Math.min(SECONDS_PER_DAY, observedDays * SECONDS_PER_DAY);
  const recent = summary.restarts.filter((restart) => restart.t > evaluatedAt - windowSeconds);
  const recentCount = recent.reduce((sum, restart) => sum + restart.count, 0);
  const recentOomKills = recent.reduce((sum, restart) => sum + (restart.oomKilled ? restart.count : 0), 0);
  const restartsPerDay = (recentCount * SECONDS_PER_DAY) / Math.max(windowSeconds, SECONDS_PER_HOUR);
  if (restartsPerDay < CRASH_LOOP_MIN_RESTARTS_PER_DAY || recentOomKills * 2 >= recentCount || summary.restartedRunPeaks.length === 0) {
    return null;
  }

  const ceilingBytes = quantileOr(summary.restartedRunPeaks, 0.9, 0);
  const ceilingFraction = ceilingBytes / limitBytes;
  return ceilingFraction < NEAR_LIMIT_FRACTION ? { restartsPerDay, ceilingBytes, ceilingFraction } : null;
}
