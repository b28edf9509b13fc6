/**
 * Times in messages. Every instant is computed and stored as Unix seconds (UTC) and printed in
 * UTC with the zone written out. A local time with its own zone abbreviation may follow. So a
 * reader never has to guess the clock of a time, not even on daylight-saving change days.
 */

/** Formats Unix seconds as `2026-12-03 07:00 UTC`, rounded to the minute. */
export function formatUtcMinute(seconds: number): string {
  const iso = new Date(Math.round(seconds / 60) * 60_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Formats an instant in UTC and, when `timeZone` is given, also in that zone:
 * `2026-03-29 01:30 UTC (02:30 BST)`. The local date is shown only when it differs from the UTC date.
 *
 * @param timeZone - an IANA zone such as `Europe/London`
 */
export function formatInstantForPeople(seconds: number, timeZone?: string): string {
  const utc = formatUtcMinute(seconds);
  if (!timeZone) {
    return utc;
  }
  const local = localParts(seconds, timeZone);
  const localText = local.date === utc.slice(0, 10) ? `${local.time} ${local.zone}` : `${local.date} ${local.time} ${local.zone}`;
  return `${utc} (${localText})`;
}

/**
 * Checks that `timeZone` is an IANA zone that this runtime's time zone data contains.
 *
 * @throws RangeError naming the zone
 */
export function assertTimeZone(timeZone: string, name: string): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    throw new RangeError(`${name} "${timeZone}": expected an IANA time zone such as Europe/London or UTC`);
  }
}

/** Formats hours as days with one decimal: `1.8 days`; below one day as hours: `18 h`. */
export function formatDuration(hours: number): string {
  if (hours < 24) {
    return `${Math.max(0, Math.round(hours))} h`;
  }
  const days = hours / 24;
  return `${days.toFixed(1)} days`;
}

/** Formats hours as days for short texts: `1.8 d`, or `18 h` below one day. */
export function formatDurationShort(hours: number): string {
  return hours < 24 ? `${Math.max(0, Math.round(hours))} h` : `${(hours / 24).toFixed(1)} d`;
}

function localParts(seconds: number, timeZone: string): { date: string; time: string; zone: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(Math.round(seconds / 60) * 60_000));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((entry) => entry.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}:${part('minute')}`,
    zone: part('timeZoneName'),
  };
}
