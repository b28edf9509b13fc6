/** The limit that forecasts are measured against, with sentinels for "unlimited" recognised. */
import { UNLIMITED_LIMIT_BYTES } from './tuning';

/** The limit in force, and a note when the reported value meant "no limit". */
export interface EffectiveLimit {
  readonly limitBytes: number | null;
  readonly note: string | null;
}

/**
 * Resolves the reported limit. Null, 0, negative and non-finite values mean no limit (cAdvisor
 * reports 0 for a container without one), and so do values of 1 PiB or more: cgroup v1 reports
 * 9223372036854771712 and cgroup v2 reports 2^64 − 1 for "max".
 */
export function resolveLimit(reportedBytes: number | null): EffectiveLimit {
  if (reportedBytes === null) {
    return { limitBytes: null, note: null };
  }
  if (!Number.isFinite(reportedBytes) || reportedBytes <= 0) {
    return { limitBytes: null, note: `the limit reads ${String(reportedBytes)}, which means no limit` };
  }
  if (reportedBytes >= UNLIMITED_LIMIT_BYTES) {
    return { limitBytes: null, note: `the limit reads ${BigInt(Math.round(reportedBytes)).toString()} bytes, the kernel's value for unlimited` };
  }
  return { limitBytes: reportedBytes, note: null };
}
