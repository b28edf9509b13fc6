/**
 * Reads the deployment settings from CDK context (`cdk.json` or `-c key=value`) and checks
 * them at synth time. Errors name the context key, the value and what is accepted.
 */
import { TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Node } from 'constructs';
import { UsageError, parseBytes, parseDurationSeconds, parsePositiveNumber } from '../lambda/config/units';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_WARN_DAYS } from '../lambda/config/check-options';
import { parseSelector } from '../lambda/queries/selector';
import type { OomForecastProps } from './oom-forecast-props';
import { defaultPrometheusAuth } from './parts/prometheus-access';
import { missedRunWindowSeconds } from './schedule/run-interval';
import { parseScheduleText } from './schedule/schedule-text';
import { DEFAULT_LOOKBACK, checkDayOrder } from './settings/resolve-props';
import {
  PrometheusAuth,
  checkPrometheusUrl,
  checkProxyUrl,
  checkRegion,
  checkSecretArn,
  checkTimeZone,
  parseEmailList,
  parsePhoneList,
  parsePrometheusAuth,
  parseResourceIds,
} from './settings/validators';

/** The schedule when the context sets none. */
export const DEFAULT_SCHEDULE = 'rate(1 hour)';

/** Settings from context that the stack turns into constructs before building an OomForecast. */
export interface OomForecastContext {
  /** The props that map one to one onto OomForecastProps. */
  readonly props: Omit<OomForecastProps, 'prometheusSecret' | 'vpc' | 'vpcSubnets' | 'securityGroups'>;
  /** ARN of the existing secret with the Prometheus credentials. */
  readonly prometheusSecretArn?: string;
  readonly vpcId?: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

type ContextValue = string | readonly string[];

/** Every context key that oom-forecast reads. */
export const CONTEXT_KEYS = [
  'prometheusUrl',
  'prometheusProxyUrl',
  'prometheusAuth',
  'prometheusRegion',
  'prometheusSecretArn',
  'selector',
  'usageQuery',
  'limitQuery',
  'limit',
  'lookback',
  'warnDays',
  'criticalDays',
  'schedule',
  'scheduleTimeZone',
  'notifyTimeZone',
  'notifyEmails',
  'notifySms',
  'vpcId',
  'subnetIds',
  'securityGroupIds',
] as const;

/**
 * Rejects context keys that differ from an oom-forecast key only in case, dashes or
 * underscores, such as `prometheusURL` or `warn_days`: CDK passes any key through, so a
 * misspelt one would otherwise be ignored and its default used without a word. Other keys
 * (feature flags, other apps' settings) are left alone.
 *
 * @throws UsageError naming the key and the one it resembles
 */
export function checkContextKeySpelling(allContext: Record<string, unknown>): void {
  const fold = (key: string): string => key.replace(/[-_]/g, '').toLowerCase();
  const known = new Map<string, string>(CONTEXT_KEYS.map((key) => [fold(key), key]));
  for (const key of Object.keys(allContext)) {
    const meant = known.get(fold(key));
    if (meant !== undefined && meant !== key) {
      throw new UsageError(`context "${key}" is not an oom-forecast setting: did you mean "${meant}"? Keys are case-sensitive.`);
    }
  }
}

/** Error prefix for a bad value, such as `context "warnDays" =`. */
function label(key: string): string {
  return `context "${key}" =`;
}

/**
 * Reads and checks every oom-forecast context key.
 *
 * @throws UsageError naming the key, the value and what is accepted
 */
export function readOomForecastContext(node: Node): OomForecastContext {
  checkContextKeySpelling(node.getAllContext());
  const read = (key: string): ContextValue | undefined => readContextValue(node, key);
  const readText = (key: string): string | undefined => {
    const value = read(key);
    return value === undefined ? undefined : Array.isArray(value) ? value.join(',') : (value as string);
  };

  const prometheusUrlText = readText('prometheusUrl');
  if (prometheusUrlText === undefined) {
    throw new UsageError(
      'context "prometheusUrl" is missing: set it in cdk.json or pass -c prometheusUrl=https://prometheus.example.com, the base URL of a Prometheus-compatible HTTP API',
    );
  }
  const prometheusUrl = checkPrometheusUrl(prometheusUrlText, label('prometheusUrl'));
  const prometheusProxyText = readText('prometheusProxyUrl');
  const prometheusProxyUrl = prometheusProxyText === undefined ? undefined : checkProxyUrl(prometheusProxyText, label('prometheusProxyUrl'));

  const thresholds = readThresholds(readText);
  const schedule = readSchedule(readText('schedule') ?? DEFAULT_SCHEDULE, readText('scheduleTimeZone'));
  const credentials = readCredentials(readText, prometheusUrl);
  const placement = readPlacement(read);

  const selector = readText('selector');
  parseSelector(selector, label('selector'));
  const notifyTimeZone = readText('notifyTimeZone');

  const props: OomForecastContext['props'] = {
    prometheusUrl,
    prometheusProxyUrl,
    selector,
    usageQuery: readText('usageQuery'),
    limitQuery: readText('limitQuery'),
    ...thresholds,
    schedule,
    notifyTimeZone: notifyTimeZone === undefined ? undefined : checkTimeZone(notifyTimeZone, label('notifyTimeZone')),
    notifyEmails: parseEmailList(read('notifyEmails') ?? [], label('notifyEmails')),
    notifySms: parsePhoneList(read('notifySms') ?? [], label('notifySms')),
    prometheusAuth: credentials.auth,
    prometheusRegion: credentials.region,
  };
  return { props, prometheusSecretArn: credentials.secretArn, ...placement };
}

/** Reads a context value as text or a list of texts; blank values count as absent. */
function readContextValue(node: Node, key: string): ContextValue | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  throw new UsageError(`${label(key)} ${JSON.stringify(value)}: expected a string, a number or a list of strings`);
}

function readThresholds(readText: (key: string) => string | undefined): Pick<OomForecastProps, 'warnDays' | 'criticalDays' | 'lookback' | 'limit'> {
  const warnDays = parsePositiveNumber(readText('warnDays') ?? String(DEFAULT_WARN_DAYS), label('warnDays'));
  const criticalDays = parsePositiveNumber(readText('criticalDays') ?? String(DEFAULT_CRITICAL_DAYS), label('criticalDays'));
  checkDayOrder(warnDays, criticalDays, label('criticalDays'));

  const lookback = readText('lookback') ?? DEFAULT_LOOKBACK;
  parseDurationSeconds(lookback, label('lookback'));
  const limit = readText('limit');
  if (limit !== undefined) {
    parseBytes(limit, label('limit'));
  }
  return { warnDays, criticalDays, lookback: lookback.trim(), limit: limit?.trim() };
}

function readSchedule(text: string, timeZoneText: string | undefined): scheduler.ScheduleExpression {
  const parsed = parseScheduleText(text, label('schedule'));
  // Checked here as well as in the construct so the error names the context key.
  missedRunWindowSeconds(parsed, label('schedule'));
  if (timeZoneText === undefined) {
    return scheduler.ScheduleExpression.expression(parsed.text);
  }

  const timeZone = checkTimeZone(timeZoneText, label('scheduleTimeZone'));
  if (parsed.kind !== 'cron') {
    throw new UsageError(
      `${label('scheduleTimeZone')} "${timeZoneText}": applies only to cron(...) schedules, but "schedule" is ${parsed.text}; remove it or give a cron expression`,
    );
  }
  return scheduler.ScheduleExpression.expression(parsed.text, TimeZone.of(timeZone));
}

interface CredentialSettings {
  readonly auth: PrometheusAuth;
  readonly secretArn?: string;
  readonly region?: string;
}

function readCredentials(readText: (key: string) => string | undefined, prometheusUrl: string): CredentialSettings {
  const authText = readText('prometheusAuth');
  const auth = authText === undefined ? defaultPrometheusAuth(prometheusUrl) : parsePrometheusAuth(authText, label('prometheusAuth'));
  const secretArnText = readText('prometheusSecretArn');
  const regionText = readText('prometheusRegion');

  const needsSecret = auth === 'basic' || auth === 'bearer';
  if (needsSecret && secretArnText === undefined) {
    throw new UsageError(
      `context "prometheusSecretArn" is missing: prometheusAuth ${auth} reads its credentials from an existing Secrets Manager secret; ` +
        `pass -c prometheusSecretArn=<secret ARN>, a secret holding ${auth === 'basic' ? '{"username": "...", "password": "..."}' : '{"token": "..."}'}`,
    );
  }
  if (!needsSecret && secretArnText !== undefined) {
    throw new UsageError(
      `${label('prometheusSecretArn')} "${secretArnText}": prometheusAuth is ${auth}, which uses no secret; set prometheusAuth to basic or bearer`,
    );
  }
  if (auth !== 'sigv4' && regionText !== undefined) {
    throw new UsageError(`${label('prometheusRegion')} "${regionText}": applies only to prometheusAuth sigv4, but prometheusAuth is ${auth}`);
  }

  return {
    auth,
    secretArn: secretArnText === undefined ? undefined : checkSecretArn(secretArnText, label('prometheusSecretArn')),
    region: regionText === undefined ? undefined : checkRegion(regionText, label('prometheusRegion')),
  };
}

function readPlacement(read: (key: string) => ContextValue | undefined): Pick<OomForecastContext, 'vpcId' | 'subnetIds' | 'securityGroupIds'> {
  const vpcIdValue = read('vpcId');
  const vpcIds = vpcIdValue === undefined ? [] : parseResourceIds(vpcIdValue, label('vpcId'), 'vpc');
  if (vpcIds.length > 1) {
    throw new UsageError(`${label('vpcId')} "${vpcIds.join(',')}": expected a single VPC id`);
  }
  const subnetIds = parseResourceIds(read('subnetIds') ?? [], label('subnetIds'), 'subnet');
  const securityGroupIds = parseResourceIds(read('securityGroupIds') ?? [], label('securityGroupIds'), 'sg');

  if (vpcIds.length === 0) {
    for (const [key, ids] of [['subnetIds', subnetIds], ['securityGroupIds', securityGroupIds]] as const) {
      if (ids.length > 0) {
        throw new UsageError(`${label(key)} "${ids.join(',')}": needs "vpcId" as well, the VPC that these belong to`);
      }
    }
  }
  return { vpcId: vpcIds[0], subnetIds, securityGroupIds };
}
