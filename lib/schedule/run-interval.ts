/** How long the checker may go without a completed run before the missed-run alarm fires. */
import { UsageError } from '../../lambda/config/units';
import { CronSchedule } from './cron-fields';
import { ParsedSchedule } from './schedule-text';

const MINUTES_PER_DAY = 1440;

/** CloudWatch evaluates an alarm over at most 7 days (period times evaluation periods). */
export const MAX_ALARM_WINDOW_SECONDS = 7 * 86400;

/** The alarm waits at least this long, so one slow or retried run does not raise it. */
export const MIN_ALARM_WINDOW_SECONDS = 3600;

/**
 * Computes the longest time between two consecutive scheduled runs, in seconds, ignoring
 * daylight-saving shifts. Returns null when the cron expression names days of the month,
 * months or years, whose gaps this does not work out.
 */
export function longestGapSeconds(schedule: ParsedSchedule): number | null {
  if (schedule.kind === 'rate') {
    return schedule.intervalSeconds;
  }
  const gapMinutes = longestCronGapMinutes(schedule.cron);
  return gapMinutes === null ? null : gapMinutes * 60;
}

function longestCronGapMinutes(cron: CronSchedule): number | null {
  if (cron.days.kind === 'other') {
    return null;
  }

  const times = cron.minutesOfDay;
  let longestWithinDay = 0;
  for (let i = 1; i < times.length; i += 1) {
    longestWithinDay = Math.max(longestWithinDay, times[i] - times[i - 1]);
  }
  const firstMinute = times[0];
  const lastMinute = times[times.length - 1];
  const longestDayStep = cron.days.kind === 'every-day' ? 1 : longestWeekdayStep(cron.days.weekdays);

  // From the last run of one day to the first run of the next day that has runs.
  const overnight = longestDayStep * MINUTES_PER_DAY - lastMinute + firstMinute;
  return Math.max(longestWithinDay, overnight);
}

function longestWeekdayStep(weekdays: readonly number[]): number {
  let longest = weekdays[0] + 7 - weekdays[weekdays.length - 1];
  for (let i = 1; i < weekdays.length; i += 1) {
    longest = Math.max(longest, weekdays[i] - weekdays[i - 1]);
  }
  return longest;
}

/**
 * Sizes the missed-run alarm's window: twice the longest gap between runs, so a single late
 * run does not raise it, and at least an hour.
 *
 * @param name - the option or key that carried the schedule, quoted in the error
 * @throws UsageError when the gap cannot be worked out or the window would exceed 7 days
 */
export function missedRunWindowSeconds(schedule: ParsedSchedule, name: string): number {
  const gapSeconds = longestGapSeconds(schedule);
  if (gapSeconds === null) {
    throw new UsageError(
      `${name} "${schedule.text}": cannot tell how often this cron expression runs, because it restricts days of the month, months or years; ` +
        'the missed-run alarm needs a schedule that runs at least every 3.5 days, such as cron(0 9 * * ? *) or cron(0 9 ? * MON-FRI *)',
    );
  }

  const windowSeconds = Math.max(2 * gapSeconds, MIN_ALARM_WINDOW_SECONDS);
  if (windowSeconds > MAX_ALARM_WINDOW_SECONDS) {
    throw new UsageError(
      `${name} "${schedule.text}": runs as rarely as every ${(gapSeconds / 86400).toFixed(1)} days, but the missed-run alarm ` +
        'watches twice that gap and CloudWatch alarms look back at most 7 days; run the check at least every 3.5 days',
    );
  }
  return windowSeconds;
}
