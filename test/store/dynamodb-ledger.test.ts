import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotificationLedger } from '../../lambda/store/dynamodb/notification-ledger';
import type { Notification } from '../../lambda/types';
import { createHistoryTable, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const CHECK_AT = 1_796_108_400; // 2026-12-01T07:00:00Z
const TABLE_NAME = 'ledger';

let local: DynamoDbLocal;
let clockSeconds = CHECK_AT + 30;
let notificationCount = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  await createHistoryTable(local.client, TABLE_NAME);
});

afterAll(async () => {
  await local?.stop();
});

function newLedger(): NotificationLedger {
  return new NotificationLedger(local.documentClient, { tableName: TABLE_NAME, nowSeconds: () => clockSeconds });
}

/** Builds a notification for a container that no other test uses. */
function freshNotification(overrides: Partial<Notification> = {}): Notification {
  notificationCount += 1;
  return {
    at: CHECK_AT,
    id: `dojo/workload-${notificationCount}/uwsgi`,
    labels: { namespace: 'dojo', pod: `workload-${notificationCount}-abc`, container: 'uwsgi' },
    severity: 'warning',
    kind: 'new',
    hoursToLimit: 60,
    previousHoursToLimit: null,
    verdict: null,
    ...overrides,
  };
}

describe('NotificationLedger', () => {
  beforeEach(() => {
    clockSeconds = CHECK_AT + 30;
  });

  test('key names container, severity, kind and UTC day', () => {
    const key = NotificationLedger.keyOf(freshNotification({ id: 'dojo/dojo-django/uwsgi', severity: 'critical', kind: 'escalated' }));

    expect(key).toEqual({ pk: 'sent#dojo/dojo-django/uwsgi', sk: 'critical#escalated#2026-12-01' });
  });

  test('concurrent claims: exactly one wins', async () => {
    const notification = freshNotification();

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => newLedger().claim(notification, 'event-1')));

    expect(outcomes.filter((outcome) => outcome.status === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'in-flight')).toHaveLength(4);
  });

  test('sent claim reports already-sent with the message id', async () => {
    const ledger = newLedger();
    const notification = freshNotification();
    const first = await ledger.claim(notification, 'event-1');
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);

    expect(await ledger.markSent(first.claim, 'message-1')).toBe(true);
    const retry = await newLedger().claim(notification, 'event-1');

    expect(retry).toEqual({ status: 'already-sent', messageId: 'message-1' });
    const stored = await local.documentClient.send(new GetCommand({ TableName: TABLE_NAME, Key: first.claim.key }));
    expect(stored.Item).toMatchObject({ status: 'sent', messageId: 'message-1', eventId: 'event-1', claimedAt: CHECK_AT + 30 });
    // The test clock lies in the past, so the expiry counts from the wall clock, as DynamoDB's does.
    expect(stored.Item?.expiresAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 86400 - 60);
  });

  test('released claim can be claimed again', async () => {
    const ledger = newLedger();
    const notification = freshNotification();
    const first = await ledger.claim(notification, 'event-1');
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);

    await ledger.release(first.claim);
    const second = await ledger.claim(notification, 'event-2');

    expect(second.status).toBe('claimed');
  });

  test('sending claim younger than 15 minutes stays in flight', async () => {
    const notification = freshNotification();
    await newLedger().claim(notification, 'event-1');

    clockSeconds += 14 * 60;
    const retry = await newLedger().claim(notification, 'event-1');

    expect(retry).toEqual({ status: 'in-flight', claimedAt: CHECK_AT + 30 });
  });

  test('sending claim older than 15 minutes is taken over', async () => {
    const notification = freshNotification();
    const crashed = await newLedger().claim(notification, 'event-1');
    if (crashed.status !== 'claimed') throw new Error(`expected a claim, got ${crashed.status}`);

    clockSeconds += 16 * 60;
    const retry = await newLedger().claim(notification, 'event-1');

    expect(retry.status).toBe('claimed');
    // The crashed invocation no longer owns the claim, so it can neither mark nor release it.
    expect(await newLedger().markSent(crashed.claim, 'late-message')).toBe(false);
    await newLedger().release(crashed.claim);
    expect((await newLedger().claim(notification, 'event-1')).status).toBe('in-flight');
  });

  test('another kind on the same day is a separate entry', async () => {
    const ledger = newLedger();
    const warning = freshNotification();
    const escalation = { ...warning, severity: 'critical' as const, kind: 'escalated' as const };
    const first = await ledger.claim(warning, 'event-1');
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
    await ledger.markSent(first.claim, 'message-1');

    const second = await ledger.claim(escalation, 'event-2');

    expect(second.status).toBe('claimed');
  });

  test('same notification on the next UTC day is a separate entry', async () => {
    const ledger = newLedger();
    const today = freshNotification();
    const first = await ledger.claim(today, 'event-1');
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
    await ledger.markSent(first.claim, 'message-1');

    const tomorrow = await ledger.claim({ ...today, at: CHECK_AT + 86400 }, 'event-2');

    expect(tomorrow.status).toBe('claimed');
  });
});
