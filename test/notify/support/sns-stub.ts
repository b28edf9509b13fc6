/**
 * A stand-in for the SNS API on 127.0.0.1. It records every request the SDK sends (AWS query
 * protocol, a form-encoded POST) and returns a message id for each Publish, or an error while
 * failures are requested.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SNSClient } from '@aws-sdk/client-sns';

/** One Publish request as SNS received it. */
export interface RecordedPublish {
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly messageStructure: string | undefined;
  /** The raw `Message` parameter. */
  readonly rawMessage: string;
  /** `Message` parsed as the JSON of `MessageStructure: 'json'`. */
  readonly message: { default: string; email: string; sms: string };
  /** Message attributes by name: data type and string value. */
  readonly attributes: Record<string, { dataType: string; value: string }>;
  readonly messageId: string | null;
}

export interface SnsStub {
  readonly url: string;
  readonly publishes: RecordedPublish[];
  /** Makes the next `count` Publish requests fail with HTTP 500 InternalError. */
  failNextPublishes(count: number): void;
  /** An SNS client that sends to this stub, without SDK retries so one failure stays one failure. */
  client(): SNSClient;
  stop(): Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startSnsStub(): Promise<SnsStub> {
  const publishes: RecordedPublish[] = [];
  const clients: SNSClient[] = [];
  let failuresLeft = 0;

  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      if (params.get('Action') !== 'Publish') {
        respondError(response, 400, 'InvalidAction', `the stub handles only Publish, not ${params.get('Action')}`);
        return;
      }
      const failing = failuresLeft > 0;
      failuresLeft = Math.max(0, failuresLeft - 1);
      const messageId = failing ? null : randomUUID();
      publishes.push(recordPublish(params, messageId));
      if (failing) {
        respondError(response, 500, 'InternalError', 'injected failure');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId>` +
          `</PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') {
    throw new Error('the SNS stub has no port');
  }
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    publishes,
    failNextPublishes(count: number) {
      failuresLeft = count;
    },
    client() {
      const client = new SNSClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'oomforecastlocal', secretAccessKey: 'oomforecastlocal' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      clients.forEach((client) => client.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recordPublish(params: URLSearchParams, messageId: string | null): RecordedPublish {
  const attributes: Record<string, { dataType: string; value: string }> = {};
  for (let index = 1; params.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
    const prefix = `MessageAttributes.entry.${index}`;
    attributes[params.get(`${prefix}.Name`) as string] = {
      dataType: params.get(`${prefix}.Value.DataType`) ?? '',
      value: params.get(`${prefix}.Value.StringValue`) ?? '',
    };
  }
  const rawMessage = params.get('Message') ?? '';
  return {
    topicArn: params.get('TopicArn') ?? '',
    subject: params.get('Subject') ?? undefined,
    messageStructure: params.get('MessageStructure') ?? undefined,
    rawMessage,
    message: JSON.parse(rawMessage),
    attributes,
    messageId,
  };
}

function respondError(response: import('node:http').ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}
