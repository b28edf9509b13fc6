import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { request as httpRequest, createServer, type Server } from 'node:http';
import { createHandler } from '../../lambda/handler';
import type { CheckRunSummary } from '../../lambda/handler/scheduled-check';
import { allStatePartitionKeys } from '../../lambda/store/dynamodb/table-layout';
import type { RecordedPublish } from '../notify/support/sns-stub';
import { startSnsStub, type SnsStub } from '../notify/support/sns-stub';
import { createHistoryTable, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { HOUR, startFixturePrometheus, type FixturePrometheus } from '../support/prometheus-fixture';
import { startSecretsManagerStub } from './support/secrets-manager-stub';
import { ALL_CONTAINERS, CELERY, CHECK_AT, GUNICORN, LEAKING, NGINX, UWSGI, podName, scenarioSeries, workloadId } from './support/leak-scenario';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:oom-forecast-alerts';

let dynamo: DynamoDbLocal;
let prometheus: FixturePrometheus;
let sns: SnsStub;
let tableCount = 0;

beforeAll(async () => {
  // Powertools writes to the global console in dev mode, where the test captures it; metrics stay on.
  process.env.POWERTOOLS_DEV = 'true';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  [dynamo, prometheus, sns] = await Promise.all([startDynamoDbLocal(), startFixturePrometheus(scenarioSeries()), startSnsStub()]);
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), prometheus?.server.stop(), sns?.stop()]);
  delete process.env.POWERTOOLS_DEV;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

/** Console output of the handler: EMF metric documents and log lines. */
interface Captured {
  readonly metrics: Record<string, unknown>[];
  readonly logs: string[];
}

interface HarnessOptions {
  /** Variables added to the handler's environment. With PROMETHEUS_URL the handler builds its own Prometheus client. */
  readonly env?: Record<string, string>;
  readonly secretsManager?: SecretsManagerClient;
}

/** How the harness's DynamoDB client treats state writes. */
type StateWrites = 'normal' | 'failing' | 'oversized';

/**
 * A handler wired to DynamoDB Local, the backfilled Prometheus and the SNS stub, with a clock
 * the test moves and a switch that makes state writes fail.
 */
async function newHarness(options: HarnessOptions = {}) {
  tableCount += 1;
  const tableName = `handler-${tableCount}`;
  await createHistoryTable(dynamo.client, tableName);
  sns.publishes.length = 0;

  let clockSeconds = CHECK_AT;
  let stateWrites: StateWrites = 'normal';
  const captured: Captured = { metrics: [], logs: [] };
  const handler = createHandler({
    documentClient: withStateWrites(dynamo.documentClient, () => stateWrites),
    sns: sns.client(),
    prometheus: options.env?.PROMETHEUS_URL ? undefined : prometheus.client(),
    secretsManager: options.secretsManager,
    logger: new Logger({ serviceName: 'oom-forecast', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'OomForecast', serviceName: 'oom-forecast' }),
    env: {
      PROMETHEUS_URL: prometheus.url,
      TABLE_NAME: tableName,
      TOPIC_ARN,
      LOOKBACK: '7d',
      WARN_DAYS: '7',
      CRITICAL_DAYS: '2',
      ...options.env,
    },
    nowSeconds: () => clockSeconds,
  });

  /** Invokes the handler for the scheduled event of `hour` hours after CHECK_AT, `delaySeconds` after its time. */
  const invoke = async (hour: number, options: { eventId?: string; delaySeconds?: number } = {}): Promise<CheckRunSummary> => {
    const eventSeconds = CHECK_AT + hour * HOUR;
    clockSeconds = eventSeconds + (options.delaySeconds ?? 20);
    const event = {
      version: '0',
      id: options.eventId ?? `event-${hour}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date(eventSeconds * 1000).toISOString().replace('.000Z', 'Z'),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/oom-forecast-hourly'],
      detail: {},
    };
    return captureConsole(captured, () => handler(event, lambdaContext()));
  };

  const storedState = async (id: string): Promise<Record<string, unknown> | undefined> => {
    for (const pk of allStatePartitionKeys()) {
      const page = await dynamo.documentClient.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      );
      const item = page.Items?.find((candidate) => candidate.id === id);
      if (item) {
        return item;
      }
    }
    return undefined;
  };

  const setStateWrites = (mode: StateWrites): void => {
    stateWrites = mode;
  };

  return { tableName, invoke, captured, storedState, setStateWrites };
}

/**
 * Wraps the DynamoDB client to break state writes. In `failing` mode every state write fails as
 * a lost connection would. In `oversized` mode every state item is padded past DynamoDB's 400 KB
 * limit, so DynamoDB Local itself rejects the write. Ledger requests always pass through.
 */
function withStateWrites(real: DynamoDBDocumentClient, mode: () => StateWrites): DynamoDBDocumentClient {
  return {
    send: async (command: unknown) => {
      const isStateWrite = command instanceof PutCommand && String(command.input.Item?.pk).startsWith('states#');
      if (isStateWrite && mode() === 'failing') {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
      if (isStateWrite && mode() === 'oversized') {
        return real.send(new PutCommand({ ...command.input, Item: { ...command.input.Item, padding: 'x'.repeat(410 * 1024) } }));
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

/** Runs `run` with the console captured: EMF metric documents and log lines. */
async function captureConsole<T>(captured: Captured, run: () => Promise<T>): Promise<T> {
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (method === 'log' && text.includes('"_aws"')) {
        captured.metrics.push(JSON.parse(text));
      } else {
        captured.logs.push(text);
      }
    }),
  );
  try {
    return await run();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'oom-forecast-check',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:oom-forecast-check',
    memoryLimitInMB: '512',
    awsRequestId: `request-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/oom-forecast-check',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Metric values of the EMF documents, by name, in emission order. */
function metricValues(captured: Captured, name: string): unknown[] {
  return captured.metrics.filter((document) => name in document).map((document) => document[name]);
}

function successful(publishes: RecordedPublish[]): RecordedPublish[] {
  return publishes.filter((publish) => publish.messageId !== null);
}

describe('scheduled check handler', () => {
  test('leaking containers get exactly one email over four hourly checks', async () => {
    const harness = await newHarness();

    const summaries = [];
    for (const hour of [-2, -1, 0, 1]) {
      summaries.push(await harness.invoke(hour));
    }

    const sent = successful(sns.publishes);
    expect(sent).toHaveLength(1);
    expect(summaries.map((summary) => summary.notificationsSent)).toEqual([0, 3, 0, 0]);
    const [message] = sent;
    expect(message.subject).toBe('[oom-forecast] WARNING dojo/dojo-celeryworker/celery hits limit in 3.8 d (+2 more)');
    expect(message.attributes.severity).toEqual({ dataType: 'String', value: 'warning' });
    for (const container of LEAKING) {
      expect(message.message.email).toContain(`WARNING  ${workloadId(container)}  (new alert)`);
      expect(message.message.email).toContain(`Pod ${podName(container)}, container ${container.container}, namespace ${container.namespace}`);
    }
    expect(message.message.email).not.toContain(workloadId(NGINX));
    expect(message.message.email).toContain('oom-forecast check of 2026-11-19 23:00 UTC: 3 warning.');
    expect(message.message.email).toContain('Hint: uWSGI: recycle workers');
    expect(message.message.email).toContain('Hint: Gunicorn: restart workers periodically with --max-requests');
    expect(message.message.email).toContain('Hint: Celery: set worker_max_memory_per_child');
    expect(message.message.sms.length).toBeLessThanOrEqual(160);
    expect(message.message.sms).toMatch(/^oom-forecast WARNING dojo\/dojo-celeryworker\/celery hits limit in 3\.8 d, 2026-11-23 \d\d:\d\d UTC\. \+2 more, see email\.$/);
    expect(await harness.storedState(workloadId(UWSGI))).toMatchObject({ notifiedSeverity: 'warning', lastNotifiedAt: CHECK_AT - HOUR, lastSeenAt: CHECK_AT + HOUR });
    // A healthy container with no alert under way writes nothing: its state would change no decision.
    expect(await harness.storedState(workloadId(NGINX))).toBeUndefined();
  });

  test('metrics and summary log of a run', async () => {
    const harness = await newHarness();

    await harness.invoke(-1);
    const summary = await harness.invoke(0);

    expect(summary).toMatchObject({
      evaluatedAt: '2026-11-20T00:00:00Z',
      eventId: 'event-0',
      containersChecked: 4,
      containersAtRisk: 3,
      notificationsDecided: 3,
      notificationsSent: 3,
      notificationsFailed: 0,
      statesSaved: 3,
    });
    const lastRun = harness.captured.metrics[harness.captured.metrics.length - 1];
    expect(lastRun).toMatchObject({
      service: 'oom-forecast',
      ContainersChecked: 4,
      ContainersAtRisk: 3,
      NotificationsSent: 3,
      NotificationFailed: 0,
      StateWriteFailed: 0,
      CheckCompleted: 1,
    });
    expect(typeof lastRun.CheckDurationMs).toBe('number');
    const [directive] = (lastRun._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics;
    expect(directive.Namespace).toBe('OomForecast');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(metricValues(harness.captured, 'CheckCompleted')).toEqual([1, 1]);
    expect(harness.captured.logs.some((line) => line.includes('check finished') && line.includes('"notificationsSent": 3'))).toBe(true);
  });

  test('retries and a duplicate event after a failed state write send nothing twice', async () => {
    // Hour -1 confirms the three leaks; hour 0 publishes them and then fails to save the states.
    const harness = await newHarness();
    await harness.invoke(-1);

    harness.setStateWrites('failing');
    await expect(harness.invoke(0, { eventId: 'event-0' })).rejects.toThrow('check of 2026-11-20T00:00:00Z incomplete');
    const afterFirstTry = successful(sns.publishes).length;
    // Lambda retries a failed async invocation twice, about 1 and 3 minutes later; the second retry can save.
    await expect(harness.invoke(0, { eventId: 'event-0', delaySeconds: 80 })).rejects.toThrow('incomplete');
    harness.setStateWrites('normal');
    const secondRetry = await harness.invoke(0, { eventId: 'event-0', delaySeconds: 200 });
    // EventBridge delivers the same event once more.
    const duplicate = await harness.invoke(0, { eventId: 'event-0', delaySeconds: 260 });
    const nextHour = await harness.invoke(1);

    expect(afterFirstTry).toBe(1);
    expect(successful(sns.publishes)).toHaveLength(1);
    expect(successful(sns.publishes)[0].message.email).toContain('3 warning');
    expect(secondRetry.notificationsSent).toBe(0);
    expect(secondRetry.notificationsAlreadySent).toBe(3);
    expect(duplicate.notificationsDecided).toBe(0);
    expect(nextHour.notificationsDecided).toBe(0);
    for (const container of LEAKING) {
      expect(await harness.storedState(workloadId(container))).toMatchObject({ notifiedSeverity: 'warning', lastNotifiedAt: CHECK_AT });
    }
    expect(metricValues(harness.captured, 'DuplicateNotificationsSkipped')).toEqual([0, 0, 3, 3, 0, 0]);
    expect(metricValues(harness.captured, 'CheckCompleted')).toEqual([1, 1, 1, 1]);
  });

  test('duplicate event after a successful run changes nothing', async () => {
    const harness = await newHarness();
    await harness.invoke(-1, { eventId: 'event--1' });

    const duplicate = await harness.invoke(-1, { eventId: 'event--1', delaySeconds: 300 });
    const nextHour = await harness.invoke(0);

    // The healthy container has no stored state, so it is evaluated again and again writes nothing.
    expect(duplicate).toMatchObject({ containersAlreadyApplied: 3, notificationsDecided: 0, statesSaved: 0 });
    // One check counted once: the leak is confirmed by the next hour's check, not by the duplicate.
    expect(nextHour.notificationsSent).toBe(3);
    const uwsgi = await harness.storedState(workloadId(UWSGI));
    expect(uwsgi?.slopeOffsetsSeconds).toEqual([0, HOUR]);
    expect(successful(sns.publishes)).toHaveLength(1);
  });

  test('ledger entry of a sent notification names the SNS message', async () => {
    const harness = await newHarness();
    await harness.invoke(-1);

    await harness.invoke(0, { eventId: 'event-0' });

    const ledger = await dynamo.documentClient.send(
      new GetCommand({ TableName: harness.tableName, Key: { pk: `sent#${workloadId(UWSGI)}`, sk: 'warning#new#2026-11-20' } }),
    );
    expect(ledger.Item).toMatchObject({
      status: 'sent',
      messageId: successful(sns.publishes)[0].messageId,
      eventId: 'event-0',
      containerId: workloadId(UWSGI),
      checkAt: CHECK_AT,
    });
  });

  test('failed publish keeps the previous state and the retry sends', async () => {
    const harness = await newHarness();
    await harness.invoke(-1);
    const before = await harness.storedState(workloadId(UWSGI));

    sns.failNextPublishes(1);
    await expect(harness.invoke(0)).rejects.toThrow(
      `3 notification(s) not delivered (${workloadId(CELERY)}, ${workloadId(UWSGI)}, ${workloadId(GUNICORN)})`,
    );

    expect(sns.publishes).toHaveLength(1);
    expect(successful(sns.publishes)).toHaveLength(0);
    expect(await harness.storedState(workloadId(UWSGI))).toEqual(before);
    expect(await harness.storedState(workloadId(NGINX))).toBeUndefined();
    expect(metricValues(harness.captured, 'NotificationFailed')).toEqual([0, 3]);
    expect(metricValues(harness.captured, 'CheckCompleted')).toEqual([1]);

    const retry = await harness.invoke(0, { delaySeconds: 80 });

    expect(retry.notificationsSent).toBe(3);
    expect(successful(sns.publishes)).toHaveLength(1);
    expect(await harness.storedState(workloadId(UWSGI))).toMatchObject({ notifiedSeverity: 'warning', lastNotifiedAt: CHECK_AT });
  });

  test('failed publish is sent by the next hourly check', async () => {
    const harness = await newHarness();
    await harness.invoke(-1);
    sns.failNextPublishes(1);
    await expect(harness.invoke(0)).rejects.toThrow('not delivered');

    const nextHour = await harness.invoke(1);

    expect(nextHour.notificationsSent).toBe(3);
    expect(successful(sns.publishes)).toHaveLength(1);
  });

  test('state item rejected as too large still delivers the warnings', async () => {
    const harness = await newHarness();
    await harness.invoke(-1);
    harness.setStateWrites('oversized');

    const failing = harness.invoke(0);

    await expect(failing).rejects.toThrow(
      /failed to save 3 container state\(s\) to DynamoDB, first "[^"]+": ValidationException: Item size has exceeded the maximum allowed size/,
    );
    expect(successful(sns.publishes)).toHaveLength(1);
    expect(successful(sns.publishes)[0].message.email).toContain(`WARNING  ${workloadId(UWSGI)}  (new alert)`);
    expect(metricValues(harness.captured, 'StateWriteFailed')).toEqual([0, 3]);
    expect(metricValues(harness.captured, 'NotificationsSent')).toEqual([0, 3]);
    expect(metricValues(harness.captured, 'CheckCompleted')).toEqual([1]);
    const errorLog = harness.captured.logs.find((line) => line.includes('failed to save alert states to DynamoDB'));
    expect(errorLog).toContain('"ValidationException"');
  });

  test('Prometheus credentials come from Secrets Manager, cached for 15 minutes', async () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prometheus-AbCdEf';
    const secrets = await startSecretsManagerStub('{"username":"grafana","password":"s3cret"}');
    const proxy = await startRecordingProxy(prometheus.url);
    try {
      const harness = await newHarness({
        env: { PROMETHEUS_URL: proxy.url, PROMETHEUS_AUTH: 'basic', PROMETHEUS_SECRET_ARN: secretArn },
        secretsManager: secrets.client(),
      });

      const first = await harness.invoke(-1);
      // A warm retry a few minutes later reuses the secret; the next hourly run reads it again.
      await harness.invoke(-1, { delaySeconds: 300 });
      const requestsAfterRetry = secrets.requests.length;
      const nextHour = await harness.invoke(0);

      expect(first.containersChecked).toBe(4);
      expect(nextHour.notificationsSent).toBe(3);
      expect(requestsAfterRetry).toBe(1);
      expect(secrets.requests).toEqual([
        { target: 'secretsmanager.GetSecretValue', secretId: secretArn },
        { target: 'secretsmanager.GetSecretValue', secretId: secretArn },
      ]);
      expect(proxy.authorizations.length).toBeGreaterThan(2);
      expect(new Set(proxy.authorizations)).toEqual(new Set([`Basic ${Buffer.from('grafana:s3cret').toString('base64')}`]));
      expect(successful(sns.publishes)[0].message.email).toContain(`Graph: ${proxy.url}/graph?g0.expr=`);
      expect(harness.captured.logs.join('\n')).not.toContain('s3cret');
    } finally {
      await Promise.all([secrets.stop(), proxy.stop()]);
    }
  });

  test('container ids in stored states match the checked containers', async () => {
    const harness = await newHarness();

    await harness.invoke(0);

    for (const container of ALL_CONTAINERS.filter((candidate) => candidate !== NGINX)) {
      expect(await harness.storedState(workloadId(container))).toMatchObject({ id: workloadId(container), pendingChecks: 1 });
    }
    expect(await harness.storedState(workloadId(NGINX))).toBeUndefined();
  });
});

/** Forwards every request to `targetUrl` and records the Authorization header it carried. */
async function startRecordingProxy(targetUrl: string): Promise<{ url: string; authorizations: string[]; stop(): Promise<void> }> {
  const target = new URL(targetUrl);
  const authorizations: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    authorizations.push(incoming.headers.authorization ?? '');
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
