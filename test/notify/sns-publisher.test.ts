import { buildAlertMessage } from '../../lambda/notify/alert-message';
import { publishAlertMessage } from '../../lambda/notify/sns-publisher';
import type { Notification } from '../../lambda/types';
import { leakVerdict } from '../support/verdicts';
import { startSnsStub, type SnsStub } from './support/sns-stub';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:oom-forecast-alerts';
const CHECK_AT = 1_796_083_200; // 2026-12-01T00:00:00Z

let stub: SnsStub;

beforeAll(async () => {
  stub = await startSnsStub();
});

afterAll(async () => {
  await stub?.stop();
});

function warning(id: string, hoursToLimit: number, severity: 'warning' | 'critical'): Notification {
  const verdict = leakVerdict(id, hoursToLimit, severity);
  return { at: CHECK_AT, id, labels: verdict.labels, severity, kind: 'new', hoursToLimit, previousHoursToLimit: null, verdict };
}

describe('publishAlertMessage', () => {
  test('sends one Publish with JSON structure, subject and severity attribute', async () => {
    const message = buildAlertMessage(
      [warning('dojo/dojo-django/uwsgi', 43, 'critical'), warning('dojo/dojo-nginx/nginx', 100, 'warning')],
      { evaluatedAt: CHECK_AT, prometheusUrl: 'http://prometheus:9090' },
    );

    const messageId = await publishAlertMessage(stub.client(), TOPIC_ARN, message);

    expect(stub.publishes).toHaveLength(1);
    const [sent] = stub.publishes;
    expect(sent.messageId).toBe(messageId);
    expect(sent.topicArn).toBe(TOPIC_ARN);
    expect(sent.messageStructure).toBe('json');
    expect(sent.subject).toBe('[oom-forecast] CRITICAL dojo/dojo-django/uwsgi hits limit in 1.8 d (+1 more)');
    expect(sent.attributes).toEqual({ severity: { dataType: 'String', value: 'critical' } });
    expect(sent.rawMessage).toBe(message.message);
    expect(sent.message.sms).toBe('oom-forecast CRITICAL dojo/dojo-django/uwsgi hits limit in 1.8 d, 2026-12-02 19:00 UTC. +1 more, see email.');
  });

  test('SNS error is raised to the caller', async () => {
    stub.failNextPublishes(1);
    const message = buildAlertMessage([warning('dojo/dojo-django/uwsgi', 43, 'critical')], {
      evaluatedAt: CHECK_AT,
      prometheusUrl: 'http://prometheus:9090',
    });

    await expect(publishAlertMessage(stub.client(), TOPIC_ARN, message)).rejects.toMatchObject({ name: 'InternalErrorException', message: 'injected failure' });
  });
});
