import { App, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OomForecast, OomForecastProps } from '../../lib/oom-forecast';
import { SECRET_ARN, testContext } from './synth-support';

const PROMETHEUS_URL = 'http://prometheus.monitoring.internal:9090';

/** Adds an OomForecast with `props` to a new stack of its own, as a team's CDK app would. */
function addChecker(props: Partial<OomForecastProps> | ((stack: Stack) => Partial<OomForecastProps>)): { stack: Stack; checker: OomForecast } {
  const stack = new Stack(new App({ context: testContext({}), autoSynth: false }), 'TeamStack');
  const extraProps = typeof props === 'function' ? props(stack) : props;
  const checker = new OomForecast(stack, 'Checker', { prometheusUrl: PROMETHEUS_URL, ...extraProps });
  return { stack, checker };
}

describe('OomForecast props validation', () => {
  test.each([
    ['a bad URL', { prometheusUrl: 'prometheus.internal' }, /OomForecast prop "prometheusUrl" = "prometheus.internal": expected an http or https URL/],
    ['criticalDays above warnDays', { warnDays: 2, criticalDays: 4 }, /OomForecast prop "criticalDays" = "4": expected fewer days than warnDays \(2\)/],
    ['a negative warnDays', { warnDays: -7 }, /OomForecast prop "warnDays" = "-7": expected a number above zero/],
    ['a bad lookback', { lookback: 'a week' }, /OomForecast prop "lookback" = "a week": expected a duration/],
    ['a bad limit', { limit: '6 GB of RAM' }, /OomForecast prop "limit" = "6 GB of RAM": expected a size/],
    ['a bad e-mail address', { notifyEmails: ['ops'] }, /OomForecast prop "notifyEmails" = "ops": expected e-mail addresses/],
    ['a weekly schedule', { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) }, /OomForecast prop "schedule" = "rate\(7 days\)": runs as rarely as every 7.0 days/],
    ['basic auth without a secret', { prometheusAuth: 'basic' }, /OomForecast prop "prometheusSecret" is missing: prometheusAuth basic/],
    ['a Region without SigV4', { prometheusRegion: 'eu-west-1' }, /OomForecast prop "prometheusRegion" = "eu-west-1": applies only to prometheusAuth sigv4, not none/],
  ] as [string, Partial<OomForecastProps>, RegExp][])('rejects %s', (_case, props, expectedMessage) => {
    expect(() => addChecker(props)).toThrow(expectedMessage);
  });

  test('rejects a secret that no authentication mode reads', () => {
    expect(() =>
      addChecker((stack) => ({ prometheusSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN) })),
    ).toThrow(/OomForecast prop "prometheusSecret" is set, but prometheusAuth none uses no secret/);
  });
});

describe('OomForecast in a team stack', () => {
  test('exposes its table, topic, function and alarms', () => {
    const { stack, checker } = addChecker({});
    const template = Template.fromStack(stack);
    const logicalIdOf = (element: unknown) => stack.resolve(element);

    expect(logicalIdOf(checker.table.tableName)).toEqual({ Ref: expect.stringMatching(/^CheckerHistoryTable/) });
    expect(logicalIdOf(checker.topic.topicArn)).toEqual({ Ref: expect.stringMatching(/^CheckerAlertTopic/) });
    expect(logicalIdOf(checker.function.functionName)).toEqual({ Ref: expect.stringMatching(/^CheckerFunction/) });
    expect(Object.keys(checker.alarms).sort()).toEqual(['deadLetters', 'errors', 'missedRuns', 'notificationFailures']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  test('a cron with a time zone from ScheduleExpression.cron reaches Scheduler', () => {
    // GIVEN a 09:00 New York schedule built with the CDK helper
    const { stack } = addChecker({
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '9', timeZone: TimeZone.AMERICA_NEW_YORK }),
    });

    // THEN the expression and the zone are in the template, and the alarm waits two days
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CheckCompleted', Period: 172800 });
  });

  test('an explicit missed-run window wins over the schedule', () => {
    const { stack } = addChecker({ missedRunAlarmWindow: Duration.hours(6) });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CheckCompleted', Period: 21600 });
  });

  test('a service name separates the metrics of two checkers', () => {
    // GIVEN a checker with its own service name
    const { stack } = addChecker({ serviceName: 'oom-forecast-staging' });
    const template = Template.fromStack(stack);

    // THEN the handler publishes under it and the alarms watch it
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'oom-forecast-staging' }) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CheckCompleted',
      Dimensions: [{ Name: 'service', Value: 'oom-forecast-staging' }],
    });
  });

  test('table removal policy and runtime can be overridden', () => {
    const { stack } = addChecker({ tableRemovalPolicy: RemovalPolicy.DESTROY, runtime: lambda.Runtime.NODEJS_22_X });
    const template = Template.fromStack(stack);

    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  test('bearer auth with an imported secret grants read on it', () => {
    const { stack } = addChecker((scope) => ({
      prometheusAuth: 'bearer',
      prometheusSecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'Secret', SECRET_ARN),
    }));

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: SECRET_ARN },
        ]),
      },
    });
  });
});
