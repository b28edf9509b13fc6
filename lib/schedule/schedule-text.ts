/** Validation of EventBridge Scheduler expressions: `rate(...)` and `cron(...)`. */
import { UsageError } from '../../lambda/config/units';
import { CronSchedule, parseCronFields } from './cron-fields';

const RATE_UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };

/** A checked schedule expression. */
export type ParsedSchedule =
  | { readonly kind: 'rate'; readonly text: string; readonly intervalSeconds: number }
  | { readonly kind: 'cron'; readonly text: string; readonly cron: CronSchedule };

/**
 * Parses a recurring EventBridge Scheduler expression: `rate(1 hour)`, `rate(15 minutes)`,
 * `cron(0 9 * * ? *)`. One-time `at(...)` schedules are rejected because the checker must
 * run repeatedly.
 *
 * @param name - the option or key that carried the text, quoted in the error
 * @throws UsageError naming the value and what is accepted
 */
export function parseScheduleText(text: string, name: string): ParsedSchedule {
  const trimmed = text.trim();
  const describe = `${name} "${text}"`;

  const rate = /^rate\((.*)\)$/.exec(trimmed);
  if (rate) {
    return { kind: 'rate', text: trimmed, intervalSeconds: parseRateBody(rate[1], describe) };
  }
  const cron = /^cron\((.*)\)$/.exec(trimmed);
  if (cron) {
    return { kind: 'cron', text: trimmed, cron: parseCronFields(cron[1], describe) };
  }
  throw new UsageError(`${describe}: expected rate(value unit) such as rate(1 hour) or rate(15 minutes), or cron(...) such as cron(0 9 * * ? *)`);
}

function parseRateBody(body: string, describe: string): number {
  const match = /^\s*(\d+)\s+([a-z]+?)(s?)\s*$/.exec(body);
  const unitSeconds = match ? RATE_UNIT_SECONDS[match[2]] : undefined;
  if (!match || unitSeconds === undefined || Number(match[1]) < 1) {
    throw new UsageError(`${describe}: expected rate(value unit) with a whole number above zero and minutes, hours or days, such as rate(1 hour) or rate(30 minutes)`);
  }

  // EventBridge wants the singular unit for 1 and the plural for every other value.
  const value = Number(match[1]);
  const isPlural = match[3] === 's';
  if (isPlural !== (value !== 1)) {
    const unit = match[2] + (value === 1 ? '' : 's');
    throw new UsageError(`${describe}: write rate(${value} ${unit}), because EventBridge accepts only the singular unit for 1 and the plural otherwise`);
  }
  return value * unitSeconds;
}
