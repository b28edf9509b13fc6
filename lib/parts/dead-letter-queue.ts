import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Creates the queue that keeps failed checks: events that EventBridge Scheduler could not
 * deliver, and invocations that still failed after Lambda's two asynchronous retries.
 * Messages stay 14 days, the SQS maximum, so a failure can be examined after a holiday.
 */
export function createDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the schedule and of the function.',
  });
  return queue;
}
