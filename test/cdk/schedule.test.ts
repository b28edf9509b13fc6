import { parseCronFields } from '../../lib/schedule/cron-fields';
import { longestGapSeconds, missedRunWindowSeconds } from '../../lib/schedule/run-interval';
import { parseScheduleText } from '../../lib/schedule/schedule-text';
import { findRunsSkippedByClockChange } from '../../lib/schedule/skipped-runs';

const HOUR = 3600;
const DAY = 86400;
// Early December, so the coming year contains one spring clock change in each northern zone.
const DECEMBER_2026_MS = Date.parse('2026-12-01T00:00:00Z');

function cronOf(body: string) {
  return parseCronFields(body, 'schedule');
}

describe('cron fields', () => {
  test('expand ranges, steps and lists into minutes of the day', () => {
    expect(cronOf('0,30 8-9 * * ? *').minutesOfDay).toEqual([480, 510, 540, 570]);
    expect(cronOf('*/20 0 * * ? *').minutesOfDay).toEqual([0, 20, 40]);
    expect(cronOf('5/30 0 * * ? *').minutesOfDay).toEqual([5, 35]);
  });

  test('read weekday names and numbers as 0-based days', () => {
    expect(cronOf('0 9 ? * MON-FRI *').days).toEqual({ kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] });
    expect(cronOf('0 9 ? * 1,7 *').days).toEqual({ kind: 'weekdays', weekdays: [0, 6] });
    expect(cronOf('0 9 ? * SUN-SAT *').days).toEqual({ kind: 'every-day' });
  });

  test('treat month, year and day-of-month rules as irregular', () => {
    expect(cronOf('0 9 1 * ? *').days).toEqual({ kind: 'other' });
    expect(cronOf('0 9 * 1-6 ? *').days).toEqual({ kind: 'other' });
    expect(cronOf('0 9 ? * 2#1 *').days).toEqual({ kind: 'other' });
  });
});

describe('longest gap between runs', () => {
  test.each([
    ['rate(1 hour)', HOUR],
    ['rate(15 minutes)', 15 * 60],
    ['rate(2 days)', 2 * DAY],
    ['cron(0 9 * * ? *)', DAY],
    ['cron(0 8,20 * * ? *)', 12 * HOUR],
    ['cron(0 6,9 * * ? *)', 21 * HOUR],
    ['cron(0 * * * ? *)', HOUR],
    ['cron(0 9 ? * MON-FRI *)', 3 * DAY],
    ['cron(0 9 1 * ? *)', null],
  ])('of %s is %p seconds', (text, expectedSeconds) => {
    expect(longestGapSeconds(parseScheduleText(text, 'schedule'))).toBe(expectedSeconds);
  });
});

describe('missed-run window', () => {
  test.each([
    ['rate(1 hour)', 2 * HOUR],
    ['rate(5 minutes)', HOUR],
    ['cron(0 9 * * ? *)', 2 * DAY],
    ['cron(0 9 ? * MON-FRI *)', 6 * DAY],
    ['rate(3 days)', 6 * DAY],
  ])('of %s is %p seconds', (text, expectedSeconds) => {
    expect(missedRunWindowSeconds(parseScheduleText(text, 'schedule'), 'schedule')).toBe(expectedSeconds);
  });

  test('rejects a schedule that CloudWatch cannot watch', () => {
    expect(() => missedRunWindowSeconds(parseScheduleText('rate(4 days)', 'schedule'), 'schedule')).toThrow(
      'schedule "rate(4 days)": runs as rarely as every 4.0 days',
    );
  });
});

describe('runs skipped by a clock change', () => {
  test('01:30 London is skipped once, on the last Sunday of March', () => {
    // GIVEN a daily 01:30 job in London
    // WHEN the coming year is searched
    const skipped = findRunsSkippedByClockChange(cronOf('30 1 * * ? *'), 'Europe/London', DECEMBER_2026_MS);

    // THEN only 28 March 2027 loses its run, to the 01:00-02:00 gap
    expect(skipped).toEqual([{ localDate: '2027-03-28', localTime: '01:30', skippedRange: '01:00-02:00' }]);
  });

  test('09:00 London and every hour in UTC lose nothing', () => {
    expect(findRunsSkippedByClockChange(cronOf('0 9 * * ? *'), 'Europe/London', DECEMBER_2026_MS)).toEqual([]);
    expect(findRunsSkippedByClockChange(cronOf('0 * * * ? *'), 'Etc/UTC', DECEMBER_2026_MS)).toEqual([]);
  });

  test('hourly London runs lose the 01:00 run', () => {
    const skipped = findRunsSkippedByClockChange(cronOf('0 * * * ? *'), 'Europe/London', DECEMBER_2026_MS);

    expect(skipped).toEqual([{ localDate: '2027-03-28', localTime: '01:00', skippedRange: '01:00-02:00' }]);
  });

  test('a weekday job misses nothing when clocks change on Sunday', () => {
    // GIVEN 02:30 New York time on weekdays, while clocks change on a Sunday at 02:00
    const weekdays = findRunsSkippedByClockChange(cronOf('30 2 ? * MON-FRI *'), 'America/New_York', DECEMBER_2026_MS);
    const sundays = findRunsSkippedByClockChange(cronOf('30 2 ? * SUN *'), 'America/New_York', DECEMBER_2026_MS);

    // THEN only the Sunday job is hit
    expect(weekdays).toEqual([]);
    expect(sundays).toEqual([{ localDate: '2027-03-14', localTime: '02:30', skippedRange: '02:00-03:00' }]);
  });

  test('a half-hour change skips only half an hour', () => {
    // Lord Howe Island moves its clocks by 30 minutes, from 02:00 to 02:30.
    const skipped = findRunsSkippedByClockChange(cronOf('0,45 2 * * ? *'), 'Australia/Lord_Howe', DECEMBER_2026_MS);

    expect(skipped).toEqual([{ localDate: '2027-10-03', localTime: '02:00', skippedRange: '02:00-02:30' }]);
  });
});
