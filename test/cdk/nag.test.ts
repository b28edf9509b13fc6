import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { STACK_NAME, createOomForecastApp } from '../../lib/oom-forecast-app';
import { BASE_CONTEXT, SECRET_ARN, testContext } from './synth-support';

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['the defaults', {}],
    ['basic auth, recipients and VPC subnets', {
      prometheusAuth: 'basic',
      prometheusSecretArn: SECRET_ARN,
      notifyEmails: 'ops@example.com',
      notifySms: '+447700900123',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: 'subnet-0123456789abcdef0',
    }],
    ['SigV4 to a workspace with a London cron', {
      prometheusUrl: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd',
      schedule: 'cron(0 9 * * ? *)',
      scheduleTimeZone: 'Europe/London',
    }],
    ['SigV4 through a proxy', { prometheusUrl: 'https://amp-proxy.internal', prometheusAuth: 'sigv4' }],
  ])('finds no unacknowledged error with %s', (_case, context) => {
    // GIVEN the app with the nag plugin
    const app = createOomForecastApp({ context: testContext({ ...BASE_CONTEXT, ...context }), autoSynth: false });

    // WHEN it is synthesised
    // THEN no error finding stops the synth
    expect(() => app.synth()).not.toThrow();
  });

  test('stops the synth on a finding', () => {
    // GIVEN the app plus a queue that breaks AwsSolutions-SQS3 and SQS4
    const app = createOomForecastApp({ context: testContext(BASE_CONTEXT), autoSynth: false });
    new sqs.Queue(app.node.findChild(STACK_NAME) as Stack, 'UncheckedQueue');

    // WHEN it is synthesised
    // THEN the plugin reports it, which shows the plugin is active
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
