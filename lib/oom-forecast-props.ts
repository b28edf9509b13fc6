import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { PrometheusAuth } from './settings/validators';

/** Settings of an {@link OomForecast} checker. Text values use the syntax of the CLI options. */
export interface OomForecastProps {
  /** Base URL of the Prometheus-compatible HTTP API that the checker queries. */
  readonly prometheusUrl: string;

  /**
   * An http(s) proxy through which the function reaches Prometheus, such as
   * `http://proxy.internal:3128`; https is tunnelled with CONNECT. Only the Prometheus queries
   * use it: the AWS SDK clients (SNS, DynamoDB, Secrets Manager) connect directly.
   *
   * @default - a direct connection
   */
  readonly prometheusProxyUrl?: string;

  /**
   * Extra label matchers applied to every default query, such as `namespace="dojo"`.
   * @default - none
   */
  readonly selector?: string;

  /**
   * PromQL that replaces the default usage query.
   * @default - working set of every real container
   */
  readonly usageQuery?: string;

  /**
   * PromQL that replaces the default limit query.
   * @default - kube-state-metrics limit, else cAdvisor spec limit
   */
  readonly limitQuery?: string;

  /**
   * Limit for containers that have none, as a byte size such as `512MiB`, `2GiB` or `2147483648`.
   * @default - none: such containers get no severity
   */
  readonly limit?: string;

  /**
   * History that one check reads, as a duration such as `7d`, `36h` or `90m`.
   * @default '7d'
   */
  readonly lookback?: string;

  /**
   * Warning when the limit is forecast within this many days.
   * @default 7
   */
  readonly warnDays?: number;

  /**
   * Critical when the limit is forecast within this many days; below `warnDays`.
   * @default 2
   */
  readonly criticalDays?: number;

  /**
   * Schedule of the check. A cron expression may carry a time zone, which EventBridge Scheduler
   * applies with daylight-saving time. Scheduler skips a run whose local time does not exist
   * when the clocks go forward, and the synth warns about such runs. Runs must be at most
   * 3.5 days apart so the missed-run alarm can watch them.
   * @default - ScheduleExpression.rate(Duration.hours(1)), in UTC
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * IANA time zone whose local time alert messages show next to UTC, such as
   * `09:00 BST (08:00 UTC)`.
   * @default - the schedule's time zone when it is not UTC, otherwise UTC only
   */
  readonly notifyTimeZone?: string;

  /**
   * How long without a completed check before the missed-run alarm fires.
   * @default - twice the longest gap between scheduled runs, and at least 1 hour (2 hours for the hourly default)
   */
  readonly missedRunAlarmWindow?: Duration;

  /**
   * E-mail addresses subscribed to the alert topic. Each must confirm the subscription.
   * @default - none
   */
  readonly notifyEmails?: readonly string[];

  /**
   * E.164 phone numbers, such as `+447700900123`, subscribed to the alert topic by SMS.
   * @default - none
   */
  readonly notifySms?: readonly string[];

  /**
   * Authentication of the checker to Prometheus.
   * @default - 'sigv4' for an Amazon Managed Service for Prometheus URL, otherwise 'none'
   */
  readonly prometheusAuth?: PrometheusAuth;

  /**
   * Existing secret with the Prometheus credentials, read by the handler at run time:
   * JSON `{"username": "...", "password": "..."}` for basic auth, `{"token": "..."}` for bearer.
   * Required for `basic` and `bearer`, rejected otherwise. Pass a secret imported with its
   * `encryptionKey` when a customer-managed key encrypts it, so the key is granted as well.
   * @default - none
   */
  readonly prometheusSecret?: secretsmanager.ISecret;

  /**
   * Region used to sign SigV4 requests; only for `sigv4`.
   * @default - the Region in the workspace URL, else the stack's Region
   */
  readonly prometheusRegion?: string;

  /**
   * VPC to run the function in, for a Prometheus endpoint that is reachable only privately.
   * The subnets need a route to the AWS APIs (a NAT gateway or VPC endpoints for DynamoDB, SNS,
   * CloudWatch, Secrets Manager and STS).
   * @default - the function runs outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the function.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function inside `vpc`.
   * @default - a new group that allows all outbound traffic
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];

  /**
   * Removal policy of the history table, applied when the stack or construct is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * How long the function's log events are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Lambda runtime of the checker.
   * @default lambda.Runtime.NODEJS_24_X, the newest Node.js runtime that aws-cdk-lib lists as available in every Region
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Memory of the function in MB. A 7-day range query over hundreds of containers returns
   * tens of megabytes of JSON, which takes several times that much heap to parse.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Time limit of one check.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Powertools service name, also the `service` dimension of the metrics the alarms watch.
   * Give each checker in one account and Region its own name, or their missed-run alarms see
   * each other's runs.
   * @default 'oom-forecast'
   */
  readonly serviceName?: string;

  /**
   * Path of the handler source that esbuild bundles.
   * @default - lambda/handler.ts of this repository
   */
  readonly entry?: string;
}
