/** Test helper: finds numbers in a value that JSON cannot carry (NaN, Infinity). */

/** Returns the paths of every number in `value` that is NaN or infinite. */
export function nonFinitePaths(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? [] : [path];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => nonFinitePaths(item, `${path}[${index}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => nonFinitePaths(item, `${path}.${key}`));
  }
  return [];
}
