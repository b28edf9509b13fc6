import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CHECK_COMPLETED_METRIC, METRIC_NAMESPACE, NOTIFICATION_FAILED_METRIC } from '../metrics';

/** The alarms that tell people the checker itself is unwell. All of them notify the alert topic. */
export interface OomForecastAlarms {
  /** The function failed at least once in an hour. */
  readonly errors: cloudwatch.Alarm;
  /** No check completed within the missed-run window. */
  readonly missedRuns: cloudwatch.Alarm;
  /** At least one notification could not be published in an hour. */
  readonly notificationFailures: cloudwatch.Alarm;
  /** A failed run or an undelivered schedule event waits in the dead-letter queue. */
  readonly deadLetters: cloudwatch.Alarm;
}

/** Inputs of the alarms: what they watch and the topic they notify. */
export interface AlarmSettings {
  readonly checker: lambda.IFunction;
  readonly topic: sns.ITopic;
  readonly deadLetterQueue: sqs.IQueue;
  /** Value of the `service` dimension of the handler's metrics. */
  readonly serviceName: string;
  readonly missedRunWindow: Duration;
  /** Start of every alarm name; the topic lets only alarms with this prefix publish. */
  readonly alarmNamePrefix: string;
}

/** Creates the alarms on the checker's health and points them at the alert topic. */
export function createAlarms(scope: Construct, settings: AlarmSettings): OomForecastAlarms {
  const metricOf = (metricName: string, period: Duration): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { service: settings.serviceName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  const hour = Duration.hours(1);

  const errors = new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmName: `${settings.alarmNamePrefix}-errors`,
    alarmDescription: 'The oom-forecast checker failed; its log group has the error.',
    metric: settings.checker.metricErrors({ period: hour, statistic: cloudwatch.Stats.SUM }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  // No data means no check completed, which is exactly what this alarm is for.
  // NOTE: after the first deployment it fires until the first check completes, which for a
  // cron schedule can be up to a day away.
  const missedRuns = new cloudwatch.Alarm(scope, 'MissedRunsAlarm', {
    alarmName: `${settings.alarmNamePrefix}-missed-runs`,
    alarmDescription: `No oom-forecast check completed in ${settings.missedRunWindow.toHumanString()}, so memory forecasts are not being made.`,
    metric: metricOf(CHECK_COMPLETED_METRIC, settings.missedRunWindow),
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });

  const notificationFailures = new cloudwatch.Alarm(scope, 'NotificationFailuresAlarm', {
    alarmName: `${settings.alarmNamePrefix}-notification-failures`,
    alarmDescription: 'oom-forecast could not publish at least one memory alert; its log group names the container.',
    metric: metricOf(NOTIFICATION_FAILED_METRIC, hour),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  const deadLetters = new cloudwatch.Alarm(scope, 'DeadLettersAlarm', {
    alarmName: `${settings.alarmNamePrefix}-dead-letters`,
    alarmDescription: 'A failed oom-forecast run waits in the dead-letter queue.',
    metric: settings.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  const notify = new actions.SnsAction(settings.topic);
  for (const alarm of [errors, missedRuns, notificationFailures, deadLetters]) {
    alarm.addAlarmAction(notify);
  }
  // Tell people when checks resume, since nothing else would.
  missedRuns.addOkAction(notify);
  return { errors, missedRuns, notificationFailures, deadLetters };
}
