/** The resolution at which one check reads its history. */
import { minimumStepSeconds } from '../prometheus/range-planner';

/** Points a lookback is divided into by default: 168 gives hourly samples over 7 days. */
const DEFAULT_POINTS_PER_LOOKBACK = 168;

/** The check runs hourly, so samples finer than this over a long lookback add cost but no signal. */
const MAX_DEFAULT_STEP_SECONDS = 3600;

/**
 * Below the usual 15–60 s scrape interval a step would only repeat samples, so steps are at
 * least this long, except for lookbacks too short to hold 168 of them.
 */
const MIN_STEP_SECONDS = 60;

/**
 * Chooses the step for a lookback: 1 hour for 7 days or more, and finer for shorter lookbacks
 * (a whole minute, at least 60 s). A lookback under 168 minutes, such as a compressed replay
 * of an incident, gets whole seconds instead, at least 1 s, so that it still has enough
 * samples for a trend. The step is coarser only where one request would otherwise exceed the
 * 11,000 points per series that Prometheus serves, for lookbacks above about 458 days.
 *
 * @example defaultStepSeconds(7 * 86400) // 3600
 * @example defaultStepSeconds(36 * 3600) // 780
 * @example defaultStepSeconds(10 * 60) // 4
 */
export function defaultStepSeconds(lookbackSeconds: number): number {
  const evenStepSeconds = lookbackSeconds / DEFAULT_POINTS_PER_LOOKBACK;
  if (evenStepSeconds < MIN_STEP_SECONDS) {
    return Math.max(1, Math.ceil(evenStepSeconds));
  }
  const wholeMinuteSeconds = Math.ceil(evenStepSeconds / 60) * 60;
  return resolveStepSeconds(lookbackSeconds, Math.min(MAX_DEFAULT_STEP_SECONDS, wholeMinuteSeconds));
}

/**
 * Raises a requested step to at least 60 s, or to the default step of a lookback under 168
 * minutes when that is finer. It also raises it to the smallest step that keeps the lookback in
 * one request of 11,000 points, rounded up to a whole minute.
 */
export function resolveStepSeconds(lookbackSeconds: number, requestedStepSeconds: number): number {
  const pointCapSeconds = minimumStepSeconds(lookbackSeconds);
  const capStepSeconds = pointCapSeconds <= 1 ? 1 : Math.ceil(pointCapSeconds / 60) * 60;
  const floorSeconds = Math.min(MIN_STEP_SECONDS, Math.max(1, Math.ceil(lookbackSeconds / DEFAULT_POINTS_PER_LOOKBACK)));
  return Math.max(floorSeconds, requestedStepSeconds, capStepSeconds);
}
