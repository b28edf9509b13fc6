/** Formatting of the numbers in evidence sentences, for people. */
import { formatBytes, formatInstant } from '../config/units';

/**
 * Formats a growth rate per hour and per day, `12.5 MiB/h (300 MiB/day)`, or per day alone
 * below 1 MiB/h (`24.0 MiB/day`).
 */
export function formatRate(bytesPerHour: number): string {
  const perDay = `${formatBytes(bytesPerHour * 24)}/day`;
  if (Math.abs(bytesPerHour) < 1024 ** 2) {
    return perDay;
  }
  return `${formatBytes(bytesPerHour)}/h (${perDay})`;
}

/** Formats hours as `45 s` or `12 min` below an hour, `14 h` below two days, else as `2.5 days`. */
export function formatHours(hours: number): string {
  // Short lookbacks forecast minutes and seconds ahead, which tenths of an hour would hide.
  if (hours < 2 / 60) {
    return `${Math.round(hours * 3600)} s`;
  }
  if (hours < 1) {
    return `${Math.round(hours * 60)} min`;
  }
  if (hours < 48) {
    return `${hours < 10 ? hours.toFixed(1) : Math.round(hours)} h`;
  }
  return `${(hours / 24).toFixed(1)} days`;
}

/** Formats a fraction as a whole percentage: `55 %`. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** Formats minutes after midnight as `03:00 UTC`. */
export function formatMinuteOfDay(minutes: number): string {
  const hours = Math.floor(minutes / 60) % 24;
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')} UTC`;
}

/**
 * Formats how long ago an instant was: `13 days ago`, `5 h ago`, or `within the last hour`,
 * because events are known only to the step that contains them.
 */
export function formatAgo(seconds: number, nowSeconds: number): string {
  const elapsed = Math.max(0, nowSeconds - seconds);
  if (elapsed < 3600) {
    return 'within the last hour';
  }
  if (elapsed < 2 * 86400) {
    return `${Math.round(elapsed / 3600)} h ago`;
  }
  return `${Math.round(elapsed / 86400)} days ago`;
}

/** Formats Unix seconds as RFC 3339 UTC. */
export function formatTime(seconds: number): string {
  return formatInstant(seconds);
}

export { formatBytes };

/**
 * Formats a 90 % interval of hours in the unit of `formatHours`, falling back to whole hours when
 * both ends would read the same in days (a very steady leak): `2.3 to 2.7 days`, `58 to 61 h`.
 */
export function formatHoursInterval(earliestHours: number, latestHours: number): string {
  const earliest = formatHours(earliestHours);
  const latest = formatHours(latestHours);
  if (earliest.endsWith('days') && latest.endsWith('days') && earliest !== latest) {
    return `${earliest.replace(' days', '')} to ${latest}`;
  }
  if (latestHours < 1) {
    return `${earliest} to ${latest}`;
  }
  if (Math.round(earliestHours) === Math.round(latestHours)) {
    return `${earliestHours.toFixed(1)} to ${latestHours.toFixed(1)} h`;
  }
  return `${Math.round(earliestHours)} to ${Math.round(latestHours)} h`;
}
