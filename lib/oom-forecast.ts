import { Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULT_SERVICE_NAME, METRIC_NAMESPACE } from './metrics';
import type { OomForecastProps } from './oom-forecast-props';
import { OomForecastAlarms, createAlarms } from './parts/alarms';
import { allowAlarmsToPublish, createAlertTopic } from './parts/alert-topic';
import { createCheckSchedule } from './parts/check-schedule';
import { createCheckerFunction } from './parts/checker-function';
import { createDeadLetterQueue } from './parts/dead-letter-queue';
import { createHistoryTable } from './parts/history-table';
import { grantPrometheusAccess } from './parts/prometheus-access';
import { warnAboutSkippedRuns } from './parts/schedule-warnings';
import { ResolvedProps, resolveProps } from './settings/resolve-props';

export type { OomForecastProps } from './oom-forecast-props';
export type { OomForecastAlarms } from './parts/alarms';

/**
 * The scheduled oom-forecast checker: a Lambda function that forecasts when containers reach
 * their memory limit from Prometheus data, run by EventBridge Scheduler, keeping its state in
 * DynamoDB, sending alerts to an encrypted SNS topic, and watched by CloudWatch alarms.
 *
 * @example
 * new OomForecast(this, 'OomForecast', {
 *   prometheusUrl: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd',
 *   notifyEmails: ['sre@example.com'],
 * });
 */
export class OomForecast extends Construct {
  /** Alert state and history between checks. */
  public readonly table: dynamodb.Table;
  /** Topic that receives the memory alerts and the checker's own alarms. */
  public readonly topic: sns.Topic;
  /** The checker. */
  public readonly function: nodejs.NodejsFunction;
  /** Alarms on the checker's health. */
  public readonly alarms: OomForecastAlarms;

  constructor(scope: Construct, id: string, props: OomForecastProps) {
    super(scope, id);
    const settings = resolveProps(props);
    const serviceName = props.serviceName ?? DEFAULT_SERVICE_NAME;

    this.table = createHistoryTable(this, props.tableRemovalPolicy ?? RemovalPolicy.RETAIN);
    this.topic = createAlertTopic(this, { emails: props.notifyEmails ?? [], phoneNumbers: props.notifySms ?? [] });
    const deadLetterQueue = createDeadLetterQueue(this);

    const access = this.createRole(props, settings, serviceName);
    const checker = createCheckerFunction(this, {
      entry: props.entry,
      runtime: props.runtime ?? lambda.Runtime.NODEJS_24_X,
      memorySizeMb: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(10),
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      environment: { ...this.checkEnvironment(props, settings, serviceName), ...access.environment },
      deadLetterQueue,
      role: access.role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    this.function = checker;
    this.acknowledgeRuntime(props.runtime);

    createCheckSchedule(this, checker, settings.schedule, deadLetterQueue);
    warnAboutSkippedRuns(this, settings.parsedSchedule, settings.schedule.timeZone?.timezoneName);

    const alarmNamePrefix = Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
    this.alarms = createAlarms(this, {
      checker,
      topic: this.topic,
      deadLetterQueue,
      serviceName,
      missedRunWindow: settings.missedRunWindow,
      alarmNamePrefix,
    });
    allowAlarmsToPublish(this.topic, alarmNamePrefix);
  }

  /** Settings of the check, read by the handler from its environment. */
  private checkEnvironment(props: OomForecastProps, settings: ResolvedProps, serviceName: string): Record<string, string> {
    const environment: Record<string, string> = {
      PROMETHEUS_URL: props.prometheusUrl,
      SELECTOR: props.selector ?? '',
      LOOKBACK: settings.lookback,
      WARN_DAYS: String(settings.warnDays),
      CRITICAL_DAYS: String(settings.criticalDays),
      TABLE_NAME: this.table.tableName,
      TOPIC_ARN: this.topic.topicArn,
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };
    if (props.usageQuery !== undefined) {
      environment.USAGE_QUERY = props.usageQuery;
    }
    if (props.limitQuery !== undefined) {
      environment.LIMIT_QUERY = props.limitQuery;
    }
    if (props.limit !== undefined) {
      environment.LIMIT = props.limit;
    }
    if (settings.notifyTimeZone !== undefined) {
      environment.NOTIFY_TIME_ZONE = settings.notifyTimeZone;
    }
    if (props.prometheusProxyUrl !== undefined) {
      // Read by the Prometheus client only; the AWS SDK ignores these variables.
      environment.HTTPS_PROXY = props.prometheusProxyUrl.trim();
      environment.HTTP_PROXY = props.prometheusProxyUrl.trim();
    }
    return environment;
  }

  /**
   * Creates the function's role with exactly what a check needs: the table, the topic and its
   * key, and the Prometheus credentials or workspace. The log group and the dead-letter queue
   * are granted where they are created.
   */
  private createRole(props: OomForecastProps, settings: ResolvedProps, serviceName: string): { role: iam.Role; environment: Record<string, string> } {
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the oom-forecast checker ${serviceName}`,
    });
    this.table.grantReadWriteData(role);
    this.topic.grantPublish(role);
    // No cloudwatch:PutMetricData: Powertools Metrics writes the metrics in Embedded Metric
    // Format to the log group, and CloudWatch extracts them from there.

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the encrypted topic needs kms:GenerateDataKey* (topic.grantPublish adds it), and the statement names only the topic key.',
    });

    const environment = grantPrometheusAccess(this, role, {
      url: props.prometheusUrl,
      auth: settings.prometheusAuth,
      secret: props.prometheusSecret,
      region: props.prometheusRegion,
    });
    return { role, environment };
  }

  private acknowledgeRuntime(runtime: lambda.Runtime | undefined): void {
    if (runtime !== undefined) {
      return;
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs24.x is the newest Node.js runtime that aws-cdk-lib lists as available in every Region (Runtime.NODEJS_LATEST); pass the runtime prop to use a newer one.',
    });
  }
}
