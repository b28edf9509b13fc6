/** Parsing and formatting of the durations and byte sizes that users type. */

const DURATION_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

const BYTE_UNIT_FACTORS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Raised for a value that a user typed wrongly; the CLI exits 2 with its message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses a Prometheus-style duration such as `7d`, `36h`, `90m` or `1h30m` into seconds.
 *
 * @param name - the option or key that carried the value, quoted in the error
 * @throws UsageError when the text is not a positive duration
 */
export function parseDurationSeconds(text: string, name: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  const consumed = parts.map((part) => part[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UsageError(`${name} "${text}": expected a duration such as 7d, 36h, 90m or 1h30m`);
  }

  const seconds = parts.reduce((sum, part) => sum + Number(part[1]) * DURATION_UNIT_SECONDS[part[2]], 0);
  if (seconds <= 0) {
    throw new UsageError(`${name} "${text}": expected a duration above zero`);
  }
  return seconds;
}

/**
 * Parses a byte size such as `512MiB`, `2GiB`, `1.5G` or `2147483648`. Kubernetes suffixes
 * (`Mi`, `Gi`) are binary and `M`, `G` are decimal, as in a pod spec.
 *
 * @throws UsageError when the text is not a positive size
 */
export function parseBytes(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = match ? BYTE_UNIT_FACTORS[match[2].toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`${name} "${text}": expected a size such as 512MiB, 2GiB or 2147483648`);
  }

  const bytes = Math.round(Number(match[1]) * factor);
  if (bytes <= 0) {
    throw new UsageError(`${name} "${text}": expected a size above zero`);
  }
  return bytes;
}

/**
 * Parses an instant given as RFC 3339 (`2026-12-01T00:00:00Z`) or Unix seconds.
 *
 * @returns Unix seconds
 */
export function parseInstant(text: string, name: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) {
    return Number(text);
  }
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text.trim());
  const milliseconds = Date.parse(text);
  if (!hasZone || Number.isNaN(milliseconds)) {
    throw new UsageError(`${name} "${text}": expected RFC 3339 with a time zone (2026-12-01T00:00:00Z) or Unix seconds`);
  }
  return milliseconds / 1000;
}

/** Parses a positive number of days, such as the warning horizon. */
export function parsePositiveNumber(text: string, name: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${name} "${text}": expected a number above zero, such as 7 or 2.5`);
  }
  return value;
}

/** Formats bytes with a binary unit for people: `4.3 GiB`, `512 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unitIndex = 0;
  while (value >= 1024 && unitIndex < units.length - 1) {
    value /= 1024;
    unitIndex += 1;
  }
  const digits = value >= 100 || unitIndex === 0 ? 0 : 1;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${units[unitIndex]}`;
}

/** Formats Unix seconds as RFC 3339 UTC without milliseconds. */
export function formatInstant(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}
