/** Robust location and scale estimates that tolerate empty input. */
import { quantileOfFirst } from './order-statistics';

/** Factor that turns a median absolute deviation into a standard deviation for normal noise. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Buffer that every estimate copies its values into and reorders. A check computes dozens of
 * medians per container, and a fresh copy for each kept the garbage collector busy. The
 * estimates never overlap, so one buffer is enough.
 */
let scratch: Float64Array = new Float64Array(256);

/** Copies the values into the shared buffer and returns it. */
function copied(values: readonly number[]): Float64Array {
  if (scratch.length < values.length) {
    scratch = new Float64Array(Math.max(values.length, 2 * scratch.length));
  }
  const copy = scratch;
  for (let i = 0; i < values.length; i += 1) {
    copy[i] = values[i];
  }
  return copy;
}

/** Median of the values, or `fallback` when there are none. */
export function medianOr(values: readonly number[], fallback: number): number {
  return values.length > 0 ? quantileOfFirst(copied(values), values.length, 0.5) : fallback;
}

/** Quantile `p` of the values, or `fallback` when there are none. */
export function quantileOr(values: readonly number[], p: number, fallback: number): number {
  return values.length > 0 ? quantileOfFirst(copied(values), values.length, p) : fallback;
}

/** Robust standard deviation (1.4826 × median absolute deviation), 0 for fewer than two values. */
export function robustSigma(values: readonly number[]): number {
  if (values.length < 2) {
    return 0;
  }
  const copy = copied(values);
  const median = quantileOfFirst(copy, values.length, 0.5);
  for (let i = 0; i < values.length; i += 1) {
    copy[i] = Math.abs(values[i] - median);
  }
  return MAD_TO_SIGMA * quantileOfFirst(copy, values.length, 0.5);
}

/** Returns {@link robustSigma} of the first `count` values of a typed array, and leaves the array as it is. */
export function robustSigmaOfFirst(values: Float64Array, count: number): number {
  if (count < 2) {
    return 0;
  }
  if (scratch.length < count) {
    scratch = new Float64Array(Math.max(count, 2 * scratch.length));
  }
  const copy = scratch;
  copy.set(values.subarray(0, count));
  const median = quantileOfFirst(copy, count, 0.5);
  for (let i = 0; i < count; i += 1) {
    copy[i] = Math.abs(values[i] - median);
  }
  return MAD_TO_SIGMA * quantileOfFirst(copy, count, 0.5);
}

/** Clamps a value into [low, high]. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
