import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage } from './alert-message';

/**
 * Publishes one alert message to an SNS topic, with distinct email, SMS and default texts and a
 * `severity` message attribute that subscription filter policies can match (for example SMS
 * only for `critical`).
 *
 * @returns the message id that SNS assigned, proof that SNS accepted the message
 * @throws Error from the SDK when SNS rejects the request or cannot be reached, or when the SNS
 *   response has no message id
 */
export async function publishAlertMessage(sns: SNSClient, topicArn: string, message: AlertMessage): Promise<string> {
  const response = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.message,
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: message.severity },
      },
    }),
  );
  if (!response.MessageId) {
    throw new Error(`SNS accepted the publish to ${topicArn} but returned no MessageId`);
  }
  return response.MessageId;
}
