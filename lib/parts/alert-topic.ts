import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Recipients of the alerts. */
export interface AlertRecipients {
  readonly emails: readonly string[];
  readonly phoneNumbers: readonly string[];
}

/**
 * Creates the alert topic, encrypted with its own rotating KMS key, reachable only over TLS,
 * with the e-mail and SMS subscriptions.
 */
export function createAlertTopic(scope: Construct, recipients: AlertRecipients): sns.Topic {
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the oom-forecast alert topic',
    enableKeyRotation: true,
    // The key protects only messages in flight; nothing encrypted with it outlives the topic.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  const topic = new sns.Topic(scope, 'AlertTopic', {
    displayName: 'oom-forecast alerts',
    masterKey: key,
    enforceSSL: true,
    // SHA256 signatures on delivered messages instead of the default SHA1.
    signatureVersion: '2',
  });

  for (const email of recipients.emails) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  for (const phoneNumber of recipients.phoneNumbers) {
    topic.addSubscription(new subscriptions.SmsSubscription(phoneNumber));
  }
  return topic;
}

/**
 * Lets CloudWatch alarms whose names start with `alarmNamePrefix` publish to the encrypted
 * topic. CloudWatch acts as its service principal, so it needs sns:Publish in the topic policy
 * and kms:Decrypt with kms:GenerateDataKey* in the key policy. Without the key grant the
 * alarms change state but deliver no message.
 */
export function allowAlarmsToPublish(topic: sns.Topic, alarmNamePrefix: string): void {
  const alarmArnPattern = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${alarmNamePrefix}*`;
  const conditions = {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': alarmArnPattern },
  };
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowOomForecastAlarmsToPublish',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  topic.masterKey?.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowOomForecastAlarmsToUseKey',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy "*" means this key.
      resources: ['*'],
      conditions,
    }),
  );
}
