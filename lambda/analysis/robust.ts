/** Robust location and scale estimates that tolerate empty input. */
import { medianAbsoluteDeviation, median, quantile } from 'simple-statistics';

/** Factor that turns a median absolute deviation into a standard deviation for normal noise. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of the values, or `fallback` when there are none. */
export function medianOr(values: readonly number[], fallback: number): number {
  return values.length > 0 ? median([...values]) : fallback;
}

/** Quantile `p` of the values, or `fallback` when there are none. */
export function quantileOr(values: readonly number[], p: number, fallback: number): number {
  return values.length > 0 ? quantile([...values], p) : fallback;
}

/** Robust standard deviation (1.4826 × median absolute deviation), 0 for fewer than two values. */
export function robustSigma(values: readonly number[]): number {
  if (values.length < 2) {
    return 0;
  }
  return MAD_TO_SIGMA * medianAbsoluteDeviation([...values]);
}

/** Clamps a value into [low, high]. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
