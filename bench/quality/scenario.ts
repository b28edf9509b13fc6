/** A scenario of the detection-quality suite: its series and its ground truth. */
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';

/**
 * - `leak`: memory grows toward the limit and the container is (or would be) OOM-killed;
 * - `risk`: another condition a checker must report (OOM loop, crash loop, nightly spike kill,
 *   restarts that only just beat the kernel);
 * - `benign`: nothing will reach the limit, so any alert is a false alert.
 */
export type ScenarioGroup = 'leak' | 'risk' | 'benign';

/** An alert level and its horizon: a warning within 7 days, critical within 2 days by default. */
export type AlertLevel = 'warning' | 'critical';

/** One scenario: every series lives in the namespace named `name`. */
export interface QualityScenario {
  /** Namespace of the scenario's series, also its row in the tables. */
  readonly name: string;
  /** One line on what the memory does. */
  readonly description: string;
  readonly group: ScenarioGroup;
  readonly series: MetricSeries[];
  /**
   * OOM kills inside the window, Unix seconds: container kills from the simulator, or kills of
   * worker processes inside the container where the scenario models them.
   */
  readonly oomKillSeconds: readonly number[];
  /** The OOM kill that a leak would reach after the window, computed from its growth. */
  readonly projectedOomSeconds?: number;
  /**
   * The next OOM kill expected at an instant, for targets that move: daily rollouts reset a
   * masked leak, or a limit raised in place postpones the kill.
   * @default - the first of `oomKillSeconds` and `projectedOomSeconds` after the instant
   */
  readonly nextOomAfter?: (atSeconds: number) => number | null;
  /**
   * A risk other than a coming OOM kill (a crash loop, restarts that only just beat the kernel):
   * alerts up to `level` from `fromSeconds` on are justified although no OOM kill follows.
   */
  readonly nonOomRisk?: { readonly level: AlertLevel; readonly fromSeconds: number };
  /**
   * True when the kills happen below the container limit (worker processes killed inside the
   * container), so that a forecast of the limit cannot be compared with the kill times.
   */
  readonly killsBelowLimit?: boolean;
}

/** Whether a checker should alert on the scenario at some point. */
export function shouldWarn(scenario: QualityScenario): boolean {
  return scenario.group !== 'benign';
}

/**
 * Returns the next OOM kill at or after `atSeconds`, real, projected or hypothetical, or null
 * when none is expected. A kill at the instant itself counts, because a check at that instant
 * still reads the container before its restart.
 */
export function nextOomAfter(scenario: QualityScenario, atSeconds: number): number | null {
  if (scenario.nextOomAfter !== undefined) {
    return scenario.nextOomAfter(atSeconds);
  }
  const candidates = [...scenario.oomKillSeconds, ...(scenario.projectedOomSeconds === undefined ? [] : [scenario.projectedOomSeconds])];
  const later = candidates.filter((seconds) => seconds >= atSeconds);
  return later.length === 0 ? null : Math.min(...later);
}
