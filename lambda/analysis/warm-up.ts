/**
 * Detection of a warm-up after a container start: memory that climbs steeply while the process
 * initialises or fills its caches, then follows a calmer course. The climb is no evidence of a
 * leak, so the trend leaves it out.
 */
import type { Sample } from '../types';
import { medianOr } from './robust';
import { fitTrend, trendValueAt } from './trend';
import { WARM_UP_MAX_HOURS } from './tuning';
import { SECONDS_PER_HOUR } from './samples';

/** A warm-up found at the start of a run. */
export interface WarmUp {
  /** Samples of the warm-up, left out of the trend. */
  readonly sampleCount: number;
  readonly hours: number;
  /** First value of the run. */
  readonly fromBytes: number;
  /** First value after the warm-up. */
  readonly toBytes: number;
}

/** The samples after any warm-up, and the warm-up itself. */
export interface SettledSamples {
  readonly settled: Sample[];
  readonly warmUp: WarmUp | null;
}

/** A warm-up must sit at least this fraction of the settled level below the settled trend. */
const MIN_WARM_UP_DEPTH_FRACTION = 0.1;
/** Points within this fraction of the settled level of the settled trend count as settled. */
const SETTLED_TOLERANCE_FRACTION = 0.03;
/** Points within this many residual sigmas of the settled trend count as settled. */
const SETTLED_TOLERANCE_SIGMAS = 4;

/**
 * Splits a run into warm-up and settled samples. The settled trend is the Theil–Sen line of the
 * run's second half. The warm-up is the opening stretch that lies far below that line, at most
 * 12 hours and at most half the run. A run that starts on its trend has no warm-up.
 */
export function trimWarmUp(samples: readonly Sample[], maxHours = WARM_UP_MAX_HOURS): SettledSamples {
  const unchanged: SettledSamples = { settled: [...samples], warmUp: null };
  if (samples.length < 6) {
    return unchanged;
  }
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  const reference = fitTrend(secondHalf);
  if (reference === null) {
    return unchanged;
  }

  const settledLevel = Math.max(medianOr(secondHalf.map((sample) => sample.v), 0), 1);
  const tolerance = Math.max(SETTLED_TOLERANCE_SIGMAS * reference.residualScaleBytes, SETTLED_TOLERANCE_FRACTION * settledLevel);
  const residuals = samples.map((sample) => sample.v - trendValueAt(reference, sample.t));
  if (residuals[0] > -Math.max(tolerance, MIN_WARM_UP_DEPTH_FRACTION * settledLevel)) {
    return unchanged;
  }

  // The warm-up ends at the first sample from which every later sample is settled.
  let firstSettled = samples.length;
  while (firstSettled > 0 && residuals[firstSettled - 1] >= -tolerance) {
    firstSettled -= 1;
  }
  const hours = (samples[firstSettled]?.t - samples[0].t) / SECONDS_PER_HOUR;
  if (firstSettled === 0 || firstSettled > samples.length / 2 || !(hours <= maxHours)) {
    return unchanged;
  }

  return {
    settled: samples.slice(firstSettled),
    warmUp: { sampleCount: firstSettled, hours, fromBytes: samples[0].v, toBytes: samples[firstSettled].v },
  };
}
