/** Severity of a verdict from its pattern, its forecast and the user's thresholds. */
import type { Pattern, Severity } from '../types';

/** Days ahead at which a forecast warns and becomes critical. */
export interface SeverityThresholds {
  readonly warnDays: number;
  readonly criticalDays: number;
}

/** Facts beside the pattern and forecast that raise or cap the severity. */
export interface SeverityHints {
  /**
   * Typical hours of a lifetime when rollouts or restarts end every lifetime well below the
   * limit (a leak masked by rollouts). A forecast beyond it is capped at a warning, because
   * the container is usually replaced first.
   */
  readonly maskedLifetimeHours: number | null;
  /** Current level as a fraction of the limit, for `at-limit`. */
  readonly levelFraction: number | null;
  /** The highest sample of the last day reached 90 % of the limit or more: little headroom. */
  readonly recentPeakNearLimit: boolean;
  /** The container was OOM-killed within the last day (or the shorter window of a short lookback). */
  readonly recentOomKill: boolean;
}

const RANK: Record<Severity, number> = { none: 0, warning: 1, critical: 2 };
/** At this fraction of the limit or above, a pinned container is critical rather than a warning. */
const CRITICAL_LEVEL_FRACTION = 0.98;

/**
 * Decides the severity: OOM cycles are critical, crash loops and pinned containers at least a
 * warning, forecasts by the thresholds (critical within `criticalDays`, warning within
 * `warnDays`), and containers without a limit never alert.
 */
export function decideSeverity(pattern: Pattern, hoursToLimit: number | null, thresholds: SeverityThresholds, hints: SeverityHints): Severity {
  if (pattern === 'no-limit') {
    return 'none';
  }
  if (pattern === 'oom-cycle') {
    return 'critical';
  }

  let severity: Severity = 'none';
  if (pattern === 'crash-loop') {
    severity = 'warning';
  }
  if (pattern === 'at-limit') {
    severity = (hints.levelFraction ?? 0) >= CRITICAL_LEVEL_FRACTION ? 'critical' : 'warning';
  }
  if (hoursToLimit !== null) {
    let forecastSeverity = severityOfForecast(hoursToLimit, thresholds);
    if (hints.maskedLifetimeHours !== null && hoursToLimit > hints.maskedLifetimeHours) {
      forecastSeverity = lower(forecastSeverity, 'warning');
    }
    severity = higher(severity, forecastSeverity);
  }
  // A recent kill that a forecast explains (a leak restarted from its base) is judged by that
  // forecast: the next kill may be beyond the horizon. An unexplained kill is worth a warning.
  if (hints.recentPeakNearLimit || (hints.recentOomKill && hoursToLimit === null)) {
    severity = higher(severity, 'warning');
  }
  return severity;
}

/** Severity of a forecast alone: critical within `criticalDays`, warning within `warnDays`. */
export function severityOfForecast(hoursToLimit: number, thresholds: SeverityThresholds): Severity {
  if (hoursToLimit <= thresholds.criticalDays * 24) {
    return 'critical';
  }
  if (hoursToLimit <= thresholds.warnDays * 24) {
    return 'warning';
  }
  return 'none';
}

function higher(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

function lower(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}
