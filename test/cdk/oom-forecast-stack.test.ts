import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { SECRET_ARN, buildStack, functionEnvironment, policyStatements, synthTemplate } from './synth-support';

const WORKSPACE_URL = 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd';

describe('checker function', () => {
  const template = synthTemplate({ selector: 'namespace="dojo"', limit: '2GiB', lookback: '3d', warnDays: 10, criticalDays: 3 });

  test('runs on arm64 one invocation at a time', () => {
    // GIVEN a stack from the base context
    // THEN the function is arm64, sized for large responses and never runs twice at once
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 600,
      ReservedConcurrentExecutions: 1,
    });
  });

  test('keeps two async retries and sends final failures to an encrypted queue', () => {
    // THEN the event invoke config has no retry override and a failure destination
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('logs to its own log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('FunctionLogs') } },
    });
  });

  test('environment carries the check settings and resource names', () => {
    // WHEN the environment of the function is read
    const environment = functionEnvironment(template);

    // THEN it contains exactly the variables the handler reads
    expect(environment).toEqual({
      PROMETHEUS_URL: 'http://prometheus.monitoring.internal:9090',
      SELECTOR: 'namespace="dojo"',
      LOOKBACK: '3d',
      WARN_DAYS: '10',
      CRITICAL_DAYS: '3',
      LIMIT: '2GiB',
      TABLE_NAME: { Ref: expect.stringMatching(/^OomForecastHistoryTable/) },
      TOPIC_ARN: { Ref: expect.stringMatching(/^OomForecastAlertTopic/) },
      PROMETHEUS_AUTH: 'none',
      POWERTOOLS_SERVICE_NAME: 'oom-forecast',
      POWERTOOLS_METRICS_NAMESPACE: 'OomForecast',
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=4',
    });
  });

  test('a proxy for Prometheus goes into the variables that the Prometheus client reads', () => {
    const environment = functionEnvironment(synthTemplate({ prometheusProxyUrl: 'http://proxy.internal:3128' }));

    expect(environment.HTTPS_PROXY).toBe('http://proxy.internal:3128');
    expect(environment.HTTP_PROXY).toBe('http://proxy.internal:3128');
  });

  test('environment has an empty selector and no optional queries by default', () => {
    const environment = functionEnvironment(synthTemplate());

    expect(environment.SELECTOR).toBe('');
    expect(environment).not.toHaveProperty('USAGE_QUERY');
    expect(environment).not.toHaveProperty('LIMIT_QUERY');
    expect(environment).not.toHaveProperty('LIMIT');
    expect(environment).not.toHaveProperty('PROMETHEUS_SECRET_ARN');
    expect(environment).not.toHaveProperty('PROMETHEUS_REGION');
    expect(environment).not.toHaveProperty('NOTIFY_TIME_ZONE');
    expect(environment).not.toHaveProperty('HTTPS_PROXY');
  });

  test('messages show the local time of a cron schedule\'s zone', () => {
    // GIVEN a daily cron in London time and no notifyTimeZone
    const environment = functionEnvironment(synthTemplate({ schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London' }));

    // THEN messages add London time to UTC
    expect(environment.NOTIFY_TIME_ZONE).toBe('Europe/London');
  });

  test('an explicit notifyTimeZone wins over the schedule\'s zone', () => {
    const environment = functionEnvironment(
      synthTemplate({ schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London', notifyTimeZone: 'Europe/Berlin' }),
    );

    expect(environment.NOTIFY_TIME_ZONE).toBe('Europe/Berlin');
  });

  test('custom queries reach the environment', () => {
    const environment = functionEnvironment(
      synthTemplate({ usageQuery: 'max by (pod) (process_resident_memory_bytes)', limitQuery: 'max by (pod) (memory_limit_bytes)' }),
    );

    expect(environment.USAGE_QUERY).toBe('max by (pod) (process_resident_memory_bytes)');
    expect(environment.LIMIT_QUERY).toBe('max by (pod) (memory_limit_bytes)');
  });
});

describe('schedule', () => {
  test('runs hourly in UTC by default and passes a scheduled event', () => {
    // GIVEN no schedule in the context
    const template = synthTemplate();

    // THEN EventBridge Scheduler invokes the function every hour, with a dead-letter queue
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OomForecastFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
        Input: Match.serializedJson({
          version: '0',
          id: '<aws.scheduler.execution-id>',
          'detail-type': 'Scheduled Event',
          source: 'aws.scheduler',
          time: '<aws.scheduler.scheduled-time>',
          resources: ['<aws.scheduler.schedule-arn>'],
          detail: { attemptNumber: '<aws.scheduler.attempt-number>' },
        }),
      },
    });
  });

  test('uses a custom rate', () => {
    const template = synthTemplate({ schedule: 'rate(15 minutes)' });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
  });

  test('evaluates a cron schedule in the given time zone', () => {
    // GIVEN a daily digest at 09:00 London time
    const template = synthTemplate({ schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London' });

    // THEN Scheduler gets the zone, so the run follows British Summer Time
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
    });
  });

  test('warns when a run falls into the hour skipped in spring', () => {
    // GIVEN a daily job at 01:30 London time, which does not exist on the last Sunday of March
    const stack = buildStack({ schedule: 'cron(30 1 * * ? *)', scheduleTimeZone: 'Europe/London' });

    // THEN the synth warns with the date and the skipped hour
    Annotations.fromStack(stack).hasWarning(
      '/Test/OomForecast',
      Match.stringLikeRegexp('01:30 on \\d{4}-03-\\d{2} \\(01:00-02:00 does not exist\\)'),
    );
  });

  test('does not warn about a 09:00 London run', () => {
    const stack = buildStack({ schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London' });

    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('EventBridge Scheduler skips runs'));
  });

  test('invokes only through its own role', () => {
    const template = synthTemplate();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });
});

describe('history table', () => {
  test('is on demand with point-in-time recovery, TTL and retention', () => {
    const template = synthTemplate();

    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });
});

describe('alert topic', () => {
  const template = synthTemplate({ notifyEmails: 'ops@example.com,sre@example.com', notifySms: '+447700900123' });

  test('is encrypted with a rotating customer-managed key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('rejects publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('subscribes every e-mail address and phone number', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 3);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'sre@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+447700900123' });
  });

  test('lets only this checker\'s alarms publish and use the key', () => {
    const alarmSource = { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':alarm:Test-OomForecast-[0-9A-F]+\\*$')])] } } };

    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: Match.objectLike(alarmSource) }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike(alarmSource),
          }),
        ]),
      },
    });
  });

  test('has no subscriptions when no recipients are given', () => {
    synthTemplate().resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('alarms', () => {
  const template = synthTemplate();
  const notifiesTopic = [{ Ref: Match.stringLikeRegexp('^OomForecastAlertTopic') }];

  test('fire on any function error in an hour', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: notifiesTopic,
    });
  });

  test('fire when no check completed in 2 hours, counting missing data', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'OomForecast',
      MetricName: 'CheckCompleted',
      Dimensions: [{ Name: 'service', Value: 'oom-forecast' }],
      Statistic: 'Sum',
      Period: 7200,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: notifiesTopic,
      OKActions: notifiesTopic,
    });
  });

  test('fire when a notification failed', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'OomForecast',
      MetricName: 'NotificationFailed',
      Dimensions: [{ Name: 'service', Value: 'oom-forecast' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: notifiesTopic,
    });
  });

  test('fire when a failed run reaches the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: notifiesTopic,
    });
  });

  test('missed-run window follows a daily schedule', () => {
    // GIVEN a check once a day
    const daily = synthTemplate({ schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London' });

    // THEN the alarm waits two days, not two hours
    daily.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CheckCompleted', Period: 172800 });
  });
});

describe('IAM', () => {
  test('no statement grants every resource', () => {
    // GIVEN a stack with basic auth, so every kind of grant is present
    const statements = policyStatements(synthTemplate({ prometheusAuth: 'basic', prometheusSecretArn: SECRET_ARN }));

    // THEN every statement names its resources
    expect(statements.length).toBeGreaterThan(5);
    expect(statements.filter((statement) => [statement.Resource].flat().includes('*'))).toEqual([]);
  });

  test('metrics need no PutMetricData, because Powertools writes them to the log', () => {
    const actions = policyStatements(synthTemplate()).flatMap((statement) => [statement.Action].flat());

    expect(actions).not.toContain('cloudwatch:PutMetricData');
    expect(actions).toContain('logs:PutLogEvents');
  });

  test('grants the table, topic, key, log group and dead-letter queue by reference', () => {
    const statements = policyStatements(synthTemplate());
    const resourceOf = (action: string) => statements.find((statement) => [statement.Action].flat().includes(action))?.Resource;

    expect(resourceOf('dynamodb:PutItem')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^OomForecastHistoryTable/), 'Arn'] }]);
    expect(resourceOf('sns:Publish')).toEqual({ Ref: expect.stringMatching(/^OomForecastAlertTopic/) });
    expect(resourceOf('kms:GenerateDataKey*')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OomForecastTopicKey/), 'Arn'] });
    expect(resourceOf('logs:PutLogEvents')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OomForecastFunctionLogs/), 'Arn'] });
    expect(resourceOf('sqs:SendMessage')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OomForecastDeadLetterQueue/), 'Arn'] });
  });

  test('uses no managed policy outside a VPC', () => {
    const roles = Object.values(synthTemplate().findResources('AWS::IAM::Role'));

    expect(roles.map((role) => role.Properties.ManagedPolicyArns)).toEqual([undefined, undefined]);
  });

  test('basic auth reads only its secret and keeps it out of the environment', () => {
    // GIVEN basic auth with an existing secret
    const template = synthTemplate({ prometheusAuth: 'basic', prometheusSecretArn: SECRET_ARN });
    const environment = functionEnvironment(template);

    // THEN the role may read that secret only
    const secretStatements = policyStatements(template).filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretStatements).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: SECRET_ARN },
    ]);
    // AND the function learns the secret's ARN, never its value
    expect(environment.PROMETHEUS_AUTH).toBe('basic');
    expect(environment.PROMETHEUS_SECRET_ARN).toBe(SECRET_ARN);
    expect(Object.keys(environment).filter((name) => /PASSWORD|TOKEN|USERNAME|CREDENTIAL/i.test(name))).toEqual([]);
  });

  test('a partial secret ARN is granted with the Secrets Manager suffix', () => {
    const partialArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prometheus/token';
    const template = synthTemplate({ prometheusAuth: 'bearer', prometheusSecretArn: partialArn });

    const secretStatement = policyStatements(template).find((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretStatement?.Resource).toBe(`${partialArn}-??????`);
  });

  test('SigV4 may query only the workspace in the URL', () => {
    // GIVEN an Amazon Managed Service for Prometheus workspace URL
    const template = synthTemplate({ prometheusUrl: WORKSPACE_URL });

    // THEN the read-only query actions are granted on that workspace
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':aps:eu-west-1:', { Ref: 'AWS::AccountId' }, ':workspace/ws-1234abcd']] },
          },
        ],
      },
    });
    // AND the handler signs for the workspace's Region
    const environment = functionEnvironment(template);
    expect(environment.PROMETHEUS_AUTH).toBe('sigv4');
    expect(environment.PROMETHEUS_REGION).toBe('eu-west-1');
  });

  test('SigV4 signs for an explicit Region', () => {
    const environment = functionEnvironment(synthTemplate({ prometheusUrl: WORKSPACE_URL, prometheusRegion: 'eu-central-1' }));

    expect(environment.PROMETHEUS_REGION).toBe('eu-central-1');
  });

  test('SigV4 behind a proxy falls back to the stack Region', () => {
    // GIVEN SigV4 towards a URL that names no workspace
    const template = synthTemplate({ prometheusUrl: 'https://amp-proxy.internal', prometheusAuth: 'sigv4' });

    // THEN the handler signs for the stack's Region
    expect(functionEnvironment(template).PROMETHEUS_REGION).toEqual({ Ref: 'AWS::Region' });
    // AND query access covers the workspaces of that Region, because none is named
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: Match.arrayWith(['aps:QueryMetrics']),
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':aps:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':workspace/*']] },
          }),
        ],
      },
    });
  });
});

describe('VPC placement', () => {
  test('runs in the given subnets and security groups without a lookup', () => {
    // GIVEN VPC, subnet and security group ids
    const template = synthTemplate({
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
      securityGroupIds: 'sg-0123456789abcdef0',
    });

    // THEN the function is attached to them
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      },
    });
    // AND the role may manage network interfaces
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] }],
    });
  });

  test('creates a security group when only subnets are given', () => {
    const template = synthTemplate({ vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] });

    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: [{ 'Fn::GetAtt': [Match.anyValue(), 'GroupId'] }] },
    });
  });

  test('stays outside a VPC by default', () => {
    synthTemplate().hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });
});

describe('outputs', () => {
  test('name the topic, the table and the function', () => {
    const template = synthTemplate();

    template.hasOutput('TopicArn', { Value: { Ref: Match.stringLikeRegexp('^OomForecastAlertTopic') } });
    template.hasOutput('TableName', { Value: { Ref: Match.stringLikeRegexp('^OomForecastHistoryTable') } });
    template.hasOutput('FunctionName', { Value: { Ref: Match.stringLikeRegexp('^OomForecastFunction') } });
  });

  test('placeholder Prometheus URL draws a warning', () => {
    const stack = buildStack({ prometheusUrl: 'https://prometheus.example.com' });

    Annotations.fromStack(stack).hasWarning('/Test', Match.stringLikeRegexp('is a documentation placeholder'));
  });
});
