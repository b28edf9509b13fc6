import type { CheckOptions } from '../config/check-options';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_LOOKBACK_SECONDS, DEFAULT_WARN_DAYS } from '../config/check-options';
import { parseBytes, parseDurationSeconds, parsePositiveNumber, UsageError } from '../config/units';
import { assertTimeZone } from '../notify/time-format';
import { parseSelector } from '../queries/selector';

/** Authentication of the Lambda to the metrics backend. */
export type PrometheusAuthSetting =
  | { readonly kind: 'none' }
  /** Credentials in a Secrets Manager secret: `{"username","password"}` for basic, `{"token"}` for bearer. */
  | { readonly kind: 'basic' | 'bearer' | 'from-secret'; readonly secretArn: string }
  | { readonly kind: 'sigv4'; readonly region: string };

/** The Lambda's settings, read from its environment. */
export interface LambdaConfig {
  readonly check: CheckOptions;
  /** The lookback as written (`7d`), reused as the range of graph links. */
  readonly lookbackText: string;
  readonly tableName: string;
  readonly topicArn: string;
  readonly prometheusAuth: PrometheusAuthSetting;
  /** IANA zone whose local time messages add after each UTC time. @default - UTC only */
  readonly timeZone?: string;
}

const AUTH_KINDS = ['none', 'basic', 'bearer', 'sigv4'];
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/;

/**
 * Reads and validates the Lambda's environment variables.
 *
 * @throws UsageError naming the variable, its value and what is accepted
 */
export function readLambdaConfig(env: NodeJS.ProcessEnv): LambdaConfig {
  const prometheusUrl = required(env, 'PROMETHEUS_URL');
  validateUrl(prometheusUrl);
  const selector = optional(env, 'SELECTOR');
  if (selector !== undefined) {
    parseSelector(selector, variable('SELECTOR'));
  }

  const lookbackText = optional(env, 'LOOKBACK') ?? '7d';
  const lookbackSeconds = env.LOOKBACK ? parseDurationSeconds(lookbackText, variable('LOOKBACK')) : DEFAULT_LOOKBACK_SECONDS;
  const warnDays = numberOr(env, 'WARN_DAYS', DEFAULT_WARN_DAYS);
  const criticalDays = numberOr(env, 'CRITICAL_DAYS', DEFAULT_CRITICAL_DAYS);
  if (criticalDays > warnDays) {
    throw new UsageError(
      `${variable('CRITICAL_DAYS')} "${criticalDays}" is above WARN_DAYS "${warnDays}": critical must be at most the warning horizon`,
    );
  }
  const limitText = optional(env, 'LIMIT');

  const topicArn = required(env, 'TOPIC_ARN');
  if (!SNS_TOPIC_ARN.test(topicArn)) {
    throw new UsageError(`${variable('TOPIC_ARN')} "${topicArn}": expected an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:oom-alerts`);
  }
  const timeZone = optional(env, 'NOTIFY_TIME_ZONE');
  if (timeZone !== undefined) {
    assertTimeZone(timeZone, variable('NOTIFY_TIME_ZONE'));
  }

  return {
    check: {
      prometheusUrl,
      selector,
      usageQuery: optional(env, 'USAGE_QUERY'),
      limitQuery: optional(env, 'LIMIT_QUERY'),
      fallbackLimitBytes: limitText === undefined ? undefined : parseBytes(limitText, variable('LIMIT')),
      lookbackSeconds,
      warnDays,
      criticalDays,
    },
    lookbackText,
    tableName: required(env, 'TABLE_NAME'),
    topicArn,
    prometheusAuth: readAuth(env),
    timeZone,
  };
}

function readAuth(env: NodeJS.ProcessEnv): PrometheusAuthSetting {
  const kind = optional(env, 'PROMETHEUS_AUTH');
  const secretArn = optional(env, 'PROMETHEUS_SECRET_ARN');
  if (kind !== undefined && !AUTH_KINDS.includes(kind)) {
    throw new UsageError(`${variable('PROMETHEUS_AUTH')} "${kind}": expected none, basic, bearer or sigv4`);
  }

  switch (kind) {
    case undefined:
      // Without an explicit kind, a secret decides by its fields.
      return secretArn === undefined ? { kind: 'none' } : { kind: 'from-secret', secretArn };
    case 'none':
      if (secretArn !== undefined) {
        throw new UsageError(
          `${variable('PROMETHEUS_SECRET_ARN')} is set but PROMETHEUS_AUTH is "none": set PROMETHEUS_AUTH to basic or bearer, or remove the secret`,
        );
      }
      return { kind: 'none' };
    case 'basic':
    case 'bearer':
      if (secretArn === undefined) {
        throw new UsageError(
          `${variable('PROMETHEUS_SECRET_ARN')}: missing; PROMETHEUS_AUTH "${kind}" needs a Secrets Manager secret with the credentials`,
        );
      }
      return { kind, secretArn };
    default: {
      const region = optional(env, 'PROMETHEUS_REGION') ?? optional(env, 'AWS_REGION');
      if (region === undefined) {
        throw new UsageError(`${variable('PROMETHEUS_REGION')}: missing; PROMETHEUS_AUTH "sigv4" needs the workspace's region, such as eu-west-1`);
      }
      return { kind: 'sigv4', region };
    }
  }
}

function variable(name: string): string {
  return `environment variable ${name}`;
}

/** Returns the variable's value, treating an empty or blank value as unset. */
function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = optional(env, name);
  if (value === undefined) {
    throw new UsageError(`${variable(name)}: missing; the oom-forecast stack sets it on the function`);
  }
  return value;
}

function numberOr(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = optional(env, name);
  return value === undefined ? fallback : parsePositiveNumber(value, variable(name));
}

function validateUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UsageError(`${variable('PROMETHEUS_URL')} "${url}": expected an http:// or https:// URL such as http://prometheus.monitoring:9090`);
  }
}
