/** The growth that a forecast extrapolates, and where it was measured. */
import type { Trend } from './trend';

/** The data from which a growth rate was measured. */
export type GrowthBasis =
  /** The current run (after any warm-up). */
  | 'run'
  /** The second half of the current run, where growth began. */
  | 'recent-onset'
  /** The daily peaks of a run with a 24-hour cycle. */
  | 'daily-peaks'
  /** The peaks of an in-container sawtooth. */
  | 'sawtooth-peaks'
  /** Earlier lifetimes of the workload, applied to a current run too short for its own fit. */
  | 'lifetimes';

/** A linear growth: a rate with its interval and a level at a known instant. */
export interface GrowthModel {
  readonly slopeBytesPerHour: number;
  /** Two-sided 90 % interval of the slope. */
  readonly slopeIntervalBytesPerHour: readonly [number, number];
  /** Fitted level at `levelTime`. */
  readonly levelBytes: number;
  /** Unix seconds. */
  readonly levelTime: number;
  /** R² of the fit behind the rate, 0 to 1. */
  readonly fitQuality: number;
  /** Hours of data behind the rate. */
  readonly spanHours: number;
  /** Standard error of `levelBytes`, which widens the forecast's interval. */
  readonly levelErrorBytes: number;
  readonly basis: GrowthBasis;
}

/** Returns the growth model of a trend. */
export function growthFromTrend(trend: Trend, basis: GrowthBasis): GrowthModel {
  return {
    slopeBytesPerHour: trend.slopeBytesPerHour,
    slopeIntervalBytesPerHour: trend.slopeIntervalBytesPerHour,
    levelBytes: trend.levelBytes,
    levelTime: trend.referenceTime,
    fitQuality: trend.fitQuality,
    spanHours: trend.spanHours,
    levelErrorBytes: levelError(trend),
    basis,
  };
}

/**
 * Standard error of a line's value at the end of its data: for evenly spread samples with
 * residual sigma σ, Var = σ²·(1/n + 3(n−1)/(n(n+1))) ≈ 4σ²/n, so the error is about 2σ/√n.
 */
function levelError(trend: Trend): number {
  return (2 * trend.residualScaleBytes) / Math.sqrt(Math.max(trend.sampleCount, 1));
}
