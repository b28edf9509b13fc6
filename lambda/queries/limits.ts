/** Matching of limit series to containers, and the filtering of values that mean "no limit". */
import { PromSeries } from '../prometheus/response';
import { UNLIMITED_THRESHOLD_BYTES } from './default-queries';

const KEY_LABELS = ['namespace', 'pod', 'container'] as const;

/** Checks that a limit value is a real limit: finite, above zero and below the "unlimited" sentinels. */
export function isRealLimit(bytes: number): boolean {
  return Number.isFinite(bytes) && bytes > 0 && bytes < UNLIMITED_THRESHOLD_BYTES;
}

function maskKey(labels: Record<string, string | undefined>, mask: number): string {
  return KEY_LABELS.map((name, bit) => ((mask >> bit) & 1 ? `${name}=${labels[name] ?? ''}` : '')).join('\u0000') + `#${mask}`;
}

function maskOf(labels: Record<string, string>): number {
  return KEY_LABELS.reduce((mask, name, bit) => (labels[name] ? mask | (1 << bit) : mask), 0);
}

/**
 * Index of limit series that finds, for a container, the limit of the most specific series that
 * matches it. The default limit query returns one series per namespace/pod/container. A custom
 * one may return fewer labels, such as one limit per namespace or one without labels for all.
 */
export class LimitIndex {
  private readonly byMask = new Map<string, number>();

  /** Builds the index from the latest sample of each series; values that mean "no limit" are left out. */
  constructor(series: readonly PromSeries[]) {
    for (const one of series) {
      const latest = one.samples.at(-1)?.v;
      if (latest === undefined || !isRealLimit(latest)) {
        continue;
      }
      const key = maskKey(one.labels, maskOf(one.labels));
      // Series that differ only in other labels (such as `unit`) are merged with max, as the default query does.
      this.byMask.set(key, Math.max(this.byMask.get(key) ?? 0, latest));
    }
  }

  /** Returns the limit in bytes for a container, or undefined when no series matches. */
  limitFor(labels: { namespace: string; pod: string; container: string }): number | undefined {
    // Masks from all three labels (7) down to none (0); more set bits match more specifically.
    const masks = [7, 3, 5, 6, 1, 2, 4, 0];
    for (const mask of masks) {
      const limit = this.byMask.get(maskKey(labels, mask));
      if (limit !== undefined) {
        return limit;
      }
    }
    return undefined;
  }
}
