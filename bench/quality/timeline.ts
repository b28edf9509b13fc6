/** When a contender's alert was active for a scenario, and what it forecast meanwhile. */

/** A stretch of time with the alert active: from `startSeconds` up to, not including, `endSeconds`. */
export interface AlertInterval {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** A forecast instant of the limit, made at `atSeconds` while the alert was active. */
export interface EtaSample {
  readonly atSeconds: number;
  readonly etaSeconds: number;
}

/** One contender's alert on one scenario at one level. */
export interface AlertTimeline {
  readonly intervals: AlertInterval[];
  readonly etas: EtaSample[];
}

/**
 * Merges the instants at which an alert was active into intervals. Each instant covers the
 * `stepSeconds` after it, because an hourly check's verdict is in force until the next check.
 *
 * @param activeSeconds - instants with the alert active, in any order
 */
export function intervalsFromInstants(activeSeconds: Iterable<number>, stepSeconds: number): AlertInterval[] {
  const sorted = [...new Set(activeSeconds)].sort((a, b) => a - b);
  const intervals: { startSeconds: number; endSeconds: number }[] = [];
  for (const t of sorted) {
    const last = intervals.at(-1);
    if (last !== undefined && t <= last.endSeconds) {
      last.endSeconds = Math.max(last.endSeconds, t + stepSeconds);
    } else {
      intervals.push({ startSeconds: t, endSeconds: t + stepSeconds });
    }
  }
  return intervals;
}

/** Total hours covered by intervals. */
export function totalHours(intervals: readonly AlertInterval[]): number {
  return intervals.reduce((sum, interval) => sum + (interval.endSeconds - interval.startSeconds) / 3600, 0);
}
