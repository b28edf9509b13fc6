import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nagFindingText } from '../nag-finding';

/**
 * Creates the EventBridge Scheduler schedule that invokes the checker. Scheduler, unlike an
 * EventBridge rule, evaluates cron expressions in a time zone with daylight-saving time.
 *
 * The function receives an event shaped like an EventBridge scheduled event. Its `time` is the
 * scheduled instant, which stays the same across Scheduler's delivery retries and Lambda's
 * retries, so the handler can use it as the key of the run. Its `id` changes with every attempt.
 */
export function createCheckSchedule(
  scope: Construct,
  checker: lambda.IFunction,
  expression: scheduler.ScheduleExpression,
  deadLetterQueue: sqs.IQueue,
): scheduler.Schedule {
  const input = scheduler.ScheduleTargetInput.fromObject({
    version: '0',
    id: scheduler.ContextAttribute.executionId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    time: scheduler.ContextAttribute.scheduledTime,
    resources: [scheduler.ContextAttribute.scheduleArn],
    detail: { attemptNumber: scheduler.ContextAttribute.attemptNumber },
  });

  // An own role rather than the stack-wide one LambdaInvoke would share between schedules.
  const role = new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
    description: 'Lets EventBridge Scheduler invoke the oom-forecast checker',
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagFindingText(scope, checker.functionArn)}:*]`,
    reason: 'LambdaInvoke grants invoke on the function ARN and on ARN:*, its versions and aliases; nothing else is granted.',
  });

  return new scheduler.Schedule(scope, 'Schedule', {
    schedule: expression,
    description: 'Runs one oom-forecast check',
    target: new targets.LambdaInvoke(checker, { input, deadLetterQueue, role }),
  });
}
