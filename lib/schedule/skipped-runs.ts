/**
 * Finds cron runs that EventBridge Scheduler will skip because their local time does not exist
 * on the day the clocks go forward. AWS documents that Scheduler skips such an invocation
 * (and runs only once in the repeated hour when the clocks go back), so a daily 01:30
 * Europe/London job silently misses the last Sunday of March.
 */
import { CronSchedule } from './cron-fields';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** A scheduled run that falls into the hour skipped by a clock change. */
export interface SkippedRun {
  /** Local date of the clock change, `YYYY-MM-DD`. */
  readonly localDate: string;
  /** Local time of the run that does not exist that day, `HH:MM`. */
  readonly localTime: string;
  /** Local wall-clock range that does not exist that day, such as `01:00-02:00`. */
  readonly skippedRange: string;
}

/**
 * Lists the runs of a cron schedule in `timeZone` that fall into a skipped local hour
 * between `fromMs` and one year later.
 */
export function findRunsSkippedByClockChange(cron: CronSchedule, timeZone: string, fromMs: number): SkippedRun[] {
  const offsetOf = utcOffsetReader(timeZone);
  const skipped: SkippedRun[] = [];

  for (let hourStartMs = fromMs; hourStartMs < fromMs + 366 * DAY_MS; hourStartMs += HOUR_MS) {
    const offsetBeforeMinutes = offsetOf(hourStartMs);
    const offsetAfterMinutes = offsetOf(hourStartMs + HOUR_MS);
    if (offsetAfterMinutes <= offsetBeforeMinutes) {
      continue;
    }

    const changeMs = findChangeInstant(offsetOf, hourStartMs, hourStartMs + HOUR_MS);
    const gapMinutes = offsetAfterMinutes - offsetBeforeMinutes;
    // Wall-clock time just before the change, read off a UTC Date so no zone applies twice.
    const localStart = new Date(changeMs + offsetBeforeMinutes * MINUTE_MS);
    skipped.push(...runsInGap(cron, localStart, gapMinutes));
  }
  return skipped;
}

function runsInGap(cron: CronSchedule, localStart: Date, gapMinutes: number): SkippedRun[] {
  const startMinuteOfDay = localStart.getUTCHours() * 60 + localStart.getUTCMinutes();
  const skippedRange = `${formatMinuteOfDay(startMinuteOfDay)}-${formatMinuteOfDay((startMinuteOfDay + gapMinutes) % MINUTES_PER_DAY)}`;
  const runs: SkippedRun[] = [];

  for (const minuteOfDay of cron.minutesOfDay) {
    const minutesIntoGap = (minuteOfDay - startMinuteOfDay + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (minutesIntoGap >= gapMinutes) {
      continue;
    }
    // A gap that crosses midnight puts early runs on the next local date.
    const localDay = new Date(localStart.getTime() + (minuteOfDay < startMinuteOfDay ? DAY_MS : 0));
    if (cron.days.kind === 'weekdays' && !cron.days.weekdays.includes(localDay.getUTCDay())) {
      continue;
    }
    runs.push({ localDate: localDay.toISOString().slice(0, 10), localTime: formatMinuteOfDay(minuteOfDay), skippedRange });
  }
  return runs;
}

/** Narrows a change of UTC offset between two instants down to the minute. */
function findChangeInstant(offsetOf: (epochMs: number) => number, beforeMs: number, afterMs: number): number {
  const offsetBefore = offsetOf(beforeMs);
  let low = beforeMs;
  let high = afterMs;
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetOf(middle) === offsetBefore) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return high;
}

/** Returns a function that gives the UTC offset of `timeZone` in minutes at an instant. */
function utcOffsetReader(timeZone: string): (epochMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  return (epochMs) => {
    const zoneName = format.formatToParts(new Date(epochMs)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(zoneName);
    if (!match) {
      return 0;
    }
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
  };
}

function formatMinuteOfDay(minuteOfDay: number): string {
  const hours = Math.floor(minuteOfDay / 60);
  const minutes = minuteOfDay % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
