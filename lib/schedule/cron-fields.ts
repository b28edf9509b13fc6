/**
 * Expansion of the fields of an EventBridge cron expression
 * (`cron(minutes hours day-of-month month day-of-week year)`) into the values they match, as
 * far as the missed-run alarm and the daylight-saving check need them.
 */
import { UsageError } from '../../lambda/config/units';

const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Days on which a cron expression runs. */
export type CronDays =
  | { readonly kind: 'every-day' }
  /** Days of the week, 0 = Sunday to 6 = Saturday, ascending. */
  | { readonly kind: 'weekdays'; readonly weekdays: readonly number[] }
  /** Days of the month, months, years or `L`, `W`, `#` rules: the gaps between runs vary. */
  | { readonly kind: 'other' };

/** A cron expression reduced to the minutes of the day it runs at and the days it runs on. */
export interface CronSchedule {
  /** Minutes after local midnight at which it runs, ascending. */
  readonly minutesOfDay: readonly number[];
  readonly days: CronDays;
}

/**
 * Parses the six fields of an EventBridge cron expression.
 *
 * @param body - the text between `cron(` and `)`
 * @param describe - prefix of the error, such as `context "schedule" = "cron(...)"`
 * @throws UsageError naming the field that is wrong
 */
export function parseCronFields(body: string, describe: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new UsageError(
      `${describe}: expected 6 cron fields (minutes hours day-of-month month day-of-week year) such as cron(0 9 * * ? *), found ${fields.length}`,
    );
  }
  const [minuteField, hourField, dayOfMonthField, monthField, dayOfWeekField, yearField] = fields;

  const minutes = expandNumericField(minuteField, 0, 59, 'minutes', describe);
  const hours = expandNumericField(hourField, 0, 23, 'hours', describe);
  checkCharacters(dayOfMonthField, /^[0-9,\-*?/LW]+$/, 'day-of-month', describe);
  checkCharacters(monthField, /^[0-9A-Za-z,\-*/]+$/, 'month', describe);
  checkCharacters(dayOfWeekField, /^[0-9A-Za-z,\-*?/L#]+$/, 'day-of-week', describe);
  checkCharacters(yearField, /^[0-9,\-*/]+$/, 'year', describe);

  // EventBridge rejects an expression that restricts both day fields or neither of them.
  if ((dayOfMonthField === '?') === (dayOfWeekField === '?')) {
    throw new UsageError(
      `${describe}: exactly one of day-of-month and day-of-week must be "?", such as cron(0 9 * * ? *) or cron(0 9 ? * MON-FRI *)`,
    );
  }

  const minutesOfDay = hours.flatMap((hour) => minutes.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
  return { minutesOfDay, days: classifyDays(dayOfMonthField, monthField, dayOfWeekField, yearField) };
}

function classifyDays(dayOfMonth: string, month: string, dayOfWeek: string, year: string): CronDays {
  const isWildcard = (field: string): boolean => field === '*' || field === '?';
  if (month !== '*' || year !== '*' || !isWildcard(dayOfMonth)) {
    return { kind: 'other' };
  }
  if (isWildcard(dayOfWeek)) {
    return { kind: 'every-day' };
  }

  const weekdays = expandWeekdays(dayOfWeek);
  if (weekdays === null) {
    return { kind: 'other' };
  }
  return weekdays.length === 7 ? { kind: 'every-day' } : { kind: 'weekdays', weekdays };
}

/** Expands `MON-FRI`, `1,7` or `2-6/2` to 0-based weekdays; returns null for `L` and `#` rules. */
function expandWeekdays(field: string): number[] | null {
  if (/[L#]/.test(field)) {
    return null;
  }
  // EventBridge numbers the days 1 (Sunday) to 7 (Saturday).
  const numeric = field.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
    const index = WEEKDAY_NAMES.indexOf(name);
    return index < 0 ? name : String(index + 1);
  });
  try {
    return expandNumericField(numeric, 1, 7, 'day-of-week', '').map((day) => day - 1);
  } catch {
    return null;
  }
}

function checkCharacters(field: string, allowed: RegExp, fieldName: string, describe: string): void {
  if (!allowed.test(field)) {
    throw new UsageError(`${describe}: the ${fieldName} field "${field}" contains characters that cron does not accept there`);
  }
}

/**
 * Expands a numeric cron field made of `*`, single values, ranges `a-b`, steps `x/n` and
 * comma lists into the sorted values it matches.
 */
function expandNumericField(field: string, min: number, max: number, fieldName: string, describe: string): number[] {
  const invalid = (): UsageError =>
    new UsageError(`${describe}: the ${fieldName} field "${field}" is invalid, expected values from ${min} to ${max}, ranges (a-b), steps (*/n) or lists (a,b)`);
  const values = new Set<number>();

  for (const part of field.split(',')) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match) {
      throw invalid();
    }
    const isAll = match[1] === '*';
    if (isAll && match[2] !== undefined) {
      throw invalid();
    }

    const first = isAll ? min : Number(match[1]);
    // `5/15` means from 5 to the end in steps of 15, `5` alone means only 5.
    let last = first;
    if (isAll || (match[2] === undefined && match[3] !== undefined)) {
      last = max;
    } else if (match[2] !== undefined) {
      last = Number(match[2]);
    }
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (first < min || last > max || first > last || step < 1) {
      throw invalid();
    }
    for (let value = first; value <= last; value += step) {
      values.add(value);
    }
  }
  return [...values].sort((a, b) => a - b);
}
