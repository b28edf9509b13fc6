/** Small summaries of benchmark figures. */

/** Returns the median, or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Returns the maximum, or null for no values. */
export function maximum(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** Formats a number with a fixed number of decimals, or `n/a` for null. */
export function formatFixed(value: number | null, decimals: number): string {
  return value === null ? 'n/a' : value.toFixed(decimals);
}

/** Formats a fraction as a whole percentage, or `n/a` for null. */
export function formatPercent(fraction: number | null): string {
  return fraction === null ? 'n/a' : `${Math.round(fraction * 100)} %`;
}
