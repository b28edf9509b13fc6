import { Duration, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { UsageError, parseBytes, parseDurationSeconds, parsePositiveNumber } from '../../lambda/config/units';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_WARN_DAYS } from '../../lambda/config/check-options';
import type { OomForecastProps } from '../oom-forecast-props';
import { defaultPrometheusAuth } from '../parts/prometheus-access';
import { missedRunWindowSeconds } from '../schedule/run-interval';
import { ParsedSchedule, parseScheduleText } from '../schedule/schedule-text';
import { parseSelector } from '../../lambda/queries/selector';
import { PrometheusAuth, checkPrometheusUrl, checkProxyUrl, checkRegion, checkTimeZone, parseEmailList, parsePhoneList } from './validators';

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/** The lookback of one check when none is given, as the CLI's `--lookback` default. */
export const DEFAULT_LOOKBACK = '7d';

/** The props of an OomForecast, checked and with their defaults filled in. */
export interface ResolvedProps {
  readonly warnDays: number;
  readonly criticalDays: number;
  readonly lookback: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly parsedSchedule: ParsedSchedule;
  readonly missedRunWindow: Duration;
  readonly prometheusAuth: PrometheusAuth;
  /** Zone of local times in messages, or undefined for UTC only. */
  readonly notifyTimeZone?: string;
}

/**
 * Checks the props of an OomForecast and fills in defaults.
 *
 * @throws UsageError naming the prop, the value and what is accepted
 */
export function resolveProps(props: OomForecastProps): ResolvedProps {
  const label = (prop: string): string => `OomForecast prop "${prop}" =`;

  if (!Token.isUnresolved(props.prometheusUrl)) {
    checkPrometheusUrl(props.prometheusUrl, label('prometheusUrl'));
  }
  if (props.prometheusProxyUrl !== undefined && !Token.isUnresolved(props.prometheusProxyUrl)) {
    checkProxyUrl(props.prometheusProxyUrl, label('prometheusProxyUrl'));
  }
  const warnDays = parsePositiveNumber(String(props.warnDays ?? DEFAULT_WARN_DAYS), label('warnDays'));
  const criticalDays = parsePositiveNumber(String(props.criticalDays ?? DEFAULT_CRITICAL_DAYS), label('criticalDays'));
  checkDayOrder(warnDays, criticalDays, label('criticalDays'));

  if (props.selector !== undefined) {
    parseSelector(props.selector, label('selector'));
  }
  const lookback = props.lookback ?? DEFAULT_LOOKBACK;
  parseDurationSeconds(lookback, label('lookback'));
  if (props.limit !== undefined) {
    parseBytes(props.limit, label('limit'));
  }
  parseEmailList(props.notifyEmails ?? [], label('notifyEmails'));
  parsePhoneList(props.notifySms ?? [], label('notifySms'));

  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
  const parsedSchedule = parseScheduleText(schedule.expressionString, label('schedule'));
  const missedRunWindow = props.missedRunAlarmWindow ?? Duration.seconds(missedRunWindowSeconds(parsedSchedule, label('schedule')));

  const scheduleZone = schedule.timeZone?.timezoneName;
  const notifyTimeZone =
    props.notifyTimeZone !== undefined
      ? checkTimeZone(props.notifyTimeZone, label('notifyTimeZone'))
      : scheduleZone !== undefined && !UTC_ZONES.has(scheduleZone)
        ? scheduleZone
        : undefined;

  const prometheusAuth = props.prometheusAuth ?? defaultPrometheusAuth(props.prometheusUrl);
  checkCredentials(prometheusAuth, props, label);
  return { warnDays, criticalDays, lookback, schedule, parsedSchedule, missedRunWindow, prometheusAuth, notifyTimeZone };
}

/**
 * Checks that the critical horizon is shorter than the warning horizon.
 *
 * @param name - the option or key of the critical horizon, quoted in the error
 */
export function checkDayOrder(warnDays: number, criticalDays: number, name: string): void {
  if (criticalDays >= warnDays) {
    throw new UsageError(
      `${name} "${criticalDays}": expected fewer days than warnDays (${warnDays}), because a critical alert means the limit is nearer than a warning`,
    );
  }
}

function checkCredentials(auth: PrometheusAuth, props: OomForecastProps, label: (prop: string) => string): void {
  const needsSecret = auth === 'basic' || auth === 'bearer';
  if (needsSecret && props.prometheusSecret === undefined) {
    throw new UsageError(`OomForecast prop "prometheusSecret" is missing: prometheusAuth ${auth} reads its credentials from a Secrets Manager secret; pass one`);
  }
  if (!needsSecret && props.prometheusSecret !== undefined) {
    throw new UsageError(`OomForecast prop "prometheusSecret" is set, but prometheusAuth ${auth} uses no secret; set prometheusAuth to basic or bearer, or remove the secret`);
  }
  if (props.prometheusRegion !== undefined) {
    if (auth !== 'sigv4') {
      throw new UsageError(`${label('prometheusRegion')} "${props.prometheusRegion}": applies only to prometheusAuth sigv4, not ${auth}`);
    }
    if (!Token.isUnresolved(props.prometheusRegion)) {
      checkRegion(props.prometheusRegion, label('prometheusRegion'));
    }
  }
}
