/** The robust trend of a series of samples: slope, its interval, fitted level and residual scale. */
import type { Sample } from '../types';
import { clamp, robustSigmaOfFirst } from './robust';
import { SECONDS_PER_HOUR, spanHours } from './samples';
import { fitTheilSenArrays, kendallZOfArrays } from './theil-sen';

/** A Theil–Sen trend of samples, anchored at the last sample. */
export interface Trend {
  readonly slopeBytesPerHour: number;
  /** Two-sided 90 % interval of the slope. */
  readonly slopeIntervalBytesPerHour: readonly [number, number];
  /** Fitted value at `referenceTime`. */
  readonly levelBytes: number;
  /** Unix seconds of the last sample. */
  readonly referenceTime: number;
  /** Robust standard deviation of the residuals (1.4826 × MAD). */
  readonly residualScaleBytes: number;
  /** Share of the variance that the line explains (R² of the Theil–Sen line), 0 to 1. */
  readonly fitQuality: number;
  /** Mann–Kendall z of the samples. */
  readonly kendallZ: number;
  readonly sampleCount: number;
  readonly spanHours: number;
}

/**
 * Fits a Theil–Sen trend to samples sorted by time.
 *
 * @returns null for fewer than three samples, too few to separate a slope from noise
 */
export function fitTrend(samples: readonly Sample[]): Trend | null {
  if (samples.length < 3) {
    return null;
  }
  const n = samples.length;
  const referenceTime = samples[n - 1].t;
  fillPoints(samples, referenceTime);
  const xs = trendXs;
  const ys = trendYs;
  const fit = fitTheilSenArrays(xs, ys, n);
  if (fit === null) {
    return null;
  }

  const residuals = trendResidualBuffer;
  for (let i = 0; i < n; i += 1) {
    residuals[i] = ys[i] - (fit.intercept + fit.slope * xs[i]);
  }
  return {
    slopeBytesPerHour: fit.slope,
    slopeIntervalBytesPerHour: fit.slopeInterval,
    levelBytes: fit.intercept,
    referenceTime,
    residualScaleBytes: robustSigmaOfFirst(residuals, n),
    fitQuality: explainedVariance(ys, residuals, n),
    kendallZ: fit.kendallZ,
    sampleCount: samples.length,
    spanHours: spanHours(samples),
  };
}

/**
 * Returns the Mann–Kendall z that {@link fitTrend} would give the samples, for a fraction of
 * the cost of the fit.
 *
 * @returns null where fitTrend returns null
 */
export function trendKendallZ(samples: readonly Sample[]): number | null {
  if (samples.length < 3) {
    return null;
  }
  fillPoints(samples, samples[samples.length - 1].t);
  return kendallZOfArrays(trendXs, trendYs, samples.length);
}

/** Puts the points of a trend, hours from `referenceTime` and bytes, into the reused buffers. */
function fillPoints(samples: readonly Sample[], referenceTime: number): void {
  const n = samples.length;
  // Typed arrays rather than an object per point: a check fits tens of thousands of trends.
  if (trendXs.length < n) {
    trendXs = new Float64Array(Math.max(n, 2 * trendXs.length));
    trendYs = new Float64Array(trendXs.length);
    trendResidualBuffer = new Float64Array(trendXs.length);
  }
  for (let i = 0; i < n; i += 1) {
    trendXs[i] = (samples[i].t - referenceTime) / SECONDS_PER_HOUR;
    trendYs[i] = samples[i].v;
  }
}

/** The points of the trend being fitted and their residuals, reused by every fit. */
let trendXs: Float64Array = new Float64Array(0);
let trendYs: Float64Array = new Float64Array(0);
let trendResidualBuffer: Float64Array = new Float64Array(0);

/** Returns the value of the trend line at Unix seconds `t`. */
export function trendValueAt(trend: Trend, t: number): number {
  return trend.levelBytes + (trend.slopeBytesPerHour * (t - trend.referenceTime)) / SECONDS_PER_HOUR;
}

/** Returns the residuals of the samples around the trend line. */
export function trendResiduals(trend: Trend, samples: readonly Sample[]): number[] {
  return samples.map((sample) => sample.v - trendValueAt(trend, sample.t));
}

/** Share of the variance of the first `n` values of `ys` that the line explains, summed in the order of the points. */
function explainedVariance(ys: Float64Array, residuals: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    sum += ys[i];
  }
  const mean = sum / n;
  let totalSquares = 0;
  for (let i = 0; i < n; i += 1) {
    totalSquares += (ys[i] - mean) ** 2;
  }
  if (totalSquares === 0) {
    return 1;
  }
  let residualSquares = 0;
  for (let i = 0; i < n; i += 1) {
    residualSquares += residuals[i] ** 2;
  }
  return clamp(1 - residualSquares / totalSquares, 0, 1);
}
