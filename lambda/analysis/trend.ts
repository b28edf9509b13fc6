/** The robust trend of a series of samples: slope, its interval, fitted level and residual scale. */
import type { Sample } from '../types';
import { clamp, robustSigma } from './robust';
import { SECONDS_PER_HOUR, spanHours } from './samples';
import { fitTheilSen, type Point } from './theil-sen';

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
  const referenceTime = samples[samples.length - 1].t;
  const points: Point[] = samples.map((sample) => ({ x: (sample.t - referenceTime) / SECONDS_PER_HOUR, y: sample.v }));
  const fit = fitTheilSen(points);
  if (fit === null) {
    return null;
  }

  const residuals = points.map((point) => point.y - (fit.intercept + fit.slope * point.x));
  return {
    slopeBytesPerHour: fit.slope,
    slopeIntervalBytesPerHour: fit.slopeInterval,
    levelBytes: fit.intercept,
    referenceTime,
    residualScaleBytes: robustSigma(residuals),
    fitQuality: explainedVariance(points, residuals),
    kendallZ: fit.kendallZ,
    sampleCount: samples.length,
    spanHours: spanHours(samples),
  };
}

/** Returns the value of the trend line at Unix seconds `t`. */
export function trendValueAt(trend: Trend, t: number): number {
  return trend.levelBytes + (trend.slopeBytesPerHour * (t - trend.referenceTime)) / SECONDS_PER_HOUR;
}

/** Returns the residuals of the samples around the trend line. */
export function trendResiduals(trend: Trend, samples: readonly Sample[]): number[] {
  return samples.map((sample) => sample.v - trendValueAt(trend, sample.t));
}

function explainedVariance(points: readonly Point[], residuals: readonly number[]): number {
  const mean = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  const totalSquares = points.reduce((sum, point) => sum + (point.y - mean) ** 2, 0);
  if (totalSquares === 0) {
    return 1;
  }
  const residualSquares = residuals.reduce((sum, residual) => sum + residual ** 2, 0);
  return clamp(1 - residualSquares / totalSquares, 0, 1);
}
