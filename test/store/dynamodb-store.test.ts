import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_MAX_ITEM_BYTES, estimateItemBytes } from '../../lambda/store/dynamodb/item-size';
import { MAX_STORED_SLOPE_POINTS, encodeStateItem } from '../../lambda/store/dynamodb/state-item';
import { allStatePartitionKeys } from '../../lambda/store/dynamodb/table-layout';
import { DynamoDbHistoryStore, StateSaveError } from '../../lambda/store/dynamodb-store';
import type { AlertState } from '../../lambda/types';
import { createHistoryTable, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const HOUR = 3600;
const CHECK_AT = 1_796_083_200; // 2026-12-01T00:00:00Z

let local: DynamoDbLocal;
let tableCount = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
});

afterAll(async () => {
  await local?.stop();
});

/** Creates a fresh table per test so that tests do not see each other's items. */
async function newStore(options: { queryPageLimit?: number } = {}): Promise<{ store: DynamoDbHistoryStore; tableName: string }> {
  tableCount += 1;
  const tableName = `history-${tableCount}`;
  await createHistoryTable(local.client, tableName);
  return { store: new DynamoDbHistoryStore(local.documentClient, { tableName, ...options }), tableName };
}

function makeState(id: string, overrides: Partial<AlertState> = {}, slopePoints = 48): AlertState {
  const [namespace, workload, container] = id.split('/');
  const lastSeenAt = overrides.lastSeenAt ?? CHECK_AT;
  return {
    id,
    labels: { namespace, pod: `${workload}-7c9f8b6d4-x2k9p`, container },
    notifiedSeverity: 'warning',
    lastNotifiedAt: lastSeenAt - 5 * HOUR,
    pendingChecks: 3,
    clearChecks: 0,
    lastHoursToLimit: 61.25,
    slopeHistory: Array.from({ length: slopePoints }, (_, index) => ({
      t: lastSeenAt - (slopePoints - 1 - index) * HOUR,
      slopeBytesPerHour: index % 7 === 3 ? null : 30_000_000 + index * 1234.5,
    })),
    lastSeenAt,
    ...overrides,
  };
}

async function storedItems(tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const pk of allStatePartitionKeys()) {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await local.documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }
  return items;
}

describe('DynamoDbHistoryStore', () => {
  test('round trip keeps every field', async () => {
    const { store } = await newStore();
    const uwsgi = makeState('dojo/dojo-django/uwsgi');
    const nginx = makeState('dojo/dojo-nginx/nginx', {
      notifiedSeverity: 'none',
      lastNotifiedAt: null,
      lastHoursToLimit: null,
      pendingChecks: 0,
      slopeHistory: [],
    });

    await store.save([uwsgi, nginx], []);
    const loaded = await new DynamoDbHistoryStore(local.documentClient, { tableName: `history-${tableCount}` }).load();

    expect(loaded.size).toBe(2);
    expect(loaded.get(uwsgi.id)).toEqual(uwsgi);
    expect(loaded.get(nginx.id)).toEqual(nginx);
  });

  test('empty table loads as no states', async () => {
    const { store } = await newStore();

    const loaded = await store.load();

    expect(loaded.size).toBe(0);
  });

  test('forgotten ids are deleted', async () => {
    const { store } = await newStore();
    await store.save([makeState('a/one/app'), makeState('a/two/app')], []);
    await store.load();

    await store.save([], ['a/one/app']);

    expect([...(await store.load()).keys()]).toEqual(['a/two/app']);
  });

  test('container absent from a save keeps its state', async () => {
    const { store } = await newStore();
    const absent = makeState('a/absent/app');
    await store.save([absent, makeState('a/present/app')], []);

    await store.save([makeState('a/present/app', { lastSeenAt: CHECK_AT + HOUR })], []);

    const loaded = await store.load();
    expect(loaded.get(absent.id)).toEqual(absent);
    expect(loaded.get('a/present/app')?.lastSeenAt).toBe(CHECK_AT + HOUR);
  });

  test('older check does not overwrite a newer state', async () => {
    const { store, tableName } = await newStore();
    const newer = makeState('a/raced/app', { lastSeenAt: CHECK_AT + 2 * HOUR, notifiedSeverity: 'critical' });
    const older = makeState('a/raced/app', { lastSeenAt: CHECK_AT + HOUR, notifiedSeverity: 'warning' });
    await store.save([newer], []);

    const lateWriter = new DynamoDbHistoryStore(local.documentClient, { tableName });
    const result = await lateWriter.saveStates([older], []);

    expect(result.skippedStale).toEqual(['a/raced/app']);
    expect(result.written).toBe(0);
    expect((await store.load()).get('a/raced/app')).toEqual(newer);
  });

  test('retry of the same check overwrites its own state', async () => {
    const { store } = await newStore();
    await store.save([makeState('a/retried/app', { pendingChecks: 1 })], []);

    const result = await store.saveStates([makeState('a/retried/app', { pendingChecks: 2 })], []);

    expect(result.written).toBe(1);
    expect((await store.load()).get('a/retried/app')?.pendingChecks).toBe(2);
  });

  test('forgotten id seen again by a newer check is not deleted', async () => {
    const { store, tableName } = await newStore();
    await store.save([makeState('a/back/app')], []);
    await store.load();
    const newerCheck = new DynamoDbHistoryStore(local.documentClient, { tableName });
    await newerCheck.save([makeState('a/back/app', { lastSeenAt: CHECK_AT + 73 * HOUR })], []);

    const result = await store.saveStates([], ['a/back/app']);

    expect(result.deleted).toBe(0);
    expect(result.skippedStale).toEqual(['a/back/app']);
    expect((await store.load()).get('a/back/app')?.lastSeenAt).toBe(CHECK_AT + 73 * HOUR);
  });

  test('failed write raises StateSaveError and the other states are saved', async () => {
    const { store } = await newStore();
    // An empty id makes an empty sort key, which DynamoDB rejects with a ValidationException.
    const invalid = makeState('', { labels: {} });

    const saving = store.saveStates([makeState('a/fine/app'), invalid], []);

    await expect(saving).rejects.toThrow(StateSaveError);
    await expect(saving).rejects.toMatchObject({
      failures: [{ id: '', error: expect.objectContaining({ name: 'ValidationException' }) }],
      result: { written: 1 },
    });
    expect([...(await store.load()).keys()]).toEqual(['a/fine/app']);
  });

  test('non-finite numbers are stored as null', async () => {
    const { store } = await newStore();
    const state = makeState('a/nan/app', {
      lastHoursToLimit: Number.POSITIVE_INFINITY,
      slopeHistory: [{ t: CHECK_AT, slopeBytesPerHour: Number.NaN }],
    });

    await store.save([state], []);

    const loaded = (await store.load()).get('a/nan/app');
    expect(loaded?.lastHoursToLimit).toBeNull();
    expect(loaded?.slopeHistory).toEqual([{ t: CHECK_AT, slopeBytesPerHour: null }]);
  });

  test('state item expires 14 days after the container was last seen', () => {
    const state = makeState('a/ttl/app');

    expect(encodeStateItem(state, 14 * 86400, CHECK_AT - HOUR).expiresAt).toBe(CHECK_AT + 14 * 86400);
    // A state of a past instant counts from when it is written, or DynamoDB would delete it at once.
    expect(encodeStateItem(state, 14 * 86400, CHECK_AT + 10 * 86400).expiresAt).toBe(CHECK_AT + 24 * 86400);
  });

  test('stored state of a past check expires 14 days after the write', async () => {
    const { store, tableName } = await newStore();
    const writtenAfterSeconds = Date.now() / 1000;

    await store.save([makeState('a/ttl/app', { lastSeenAt: CHECK_AT - 30 * 86400 })], []);

    const [item] = await storedItems(tableName);
    expect(item.expiresAt).toBeGreaterThanOrEqual(Math.floor(writtenAfterSeconds) + 14 * 86400);
    expect(item.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 14 * 86400);
  });

  test('1,000 containers with 48-point histories save and load across pages', async () => {
    const { store, tableName } = await newStore({ queryPageLimit: 40 });
    const states = Array.from({ length: 1000 }, (_, index) => makeState(`ns-${index % 20}/workload-${index}/app`));

    const result = await store.saveStates(states, []);
    const send = jest.spyOn(local.documentClient, 'send');
    const loaded = await store.load();
    const queryCount = send.mock.calls.filter(([command]) => command instanceof QueryCommand).length;
    send.mockRestore();

    expect(result.written).toBe(1000);
    // 1,000 items in pages of 40 need at least 25 pages, where one page per shard would be 8.
    expect(queryCount).toBeGreaterThanOrEqual(25);
    expect(loaded.size).toBe(1000);
    for (const state of states) {
      expect(loaded.get(state.id)).toEqual(state);
    }
    const items = await storedItems(tableName);
    const largestItemBytes = Math.max(...items.map((item) => estimateItemBytes(item)));
    expect(items).toHaveLength(1000);
    expect(largestItemBytes).toBeLessThan(5 * 1024);
  });

  test('90 days of hourly slopes with 500-byte labels fit one item', async () => {
    const { store, tableName } = await newStore();
    const bulkyLabels: Record<string, string> = { namespace: 'a', pod: 'bulky-0', container: 'app' };
    for (let index = 0; index < 40; index += 1) {
      bulkyLabels[`annotation_${index}`] = 'x'.repeat(500);
    }
    const state = makeState('a/bulky/app', { labels: bulkyLabels }, 90 * 24);

    await store.save([state], []);

    const [item] = await storedItems(tableName);
    const loaded = (await store.load()).get('a/bulky/app');
    expect(estimateItemBytes(item)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES / 2);
    expect(loaded?.slopeHistory).toEqual(state.slopeHistory);
    expect(Object.keys(loaded?.labels ?? {})).toHaveLength(32);
    expect(loaded?.labels.pod).toBe('bulky-0');
  });

  test('history longer than 90 days is cut to the newest points', () => {
    const state = makeState('a/long/app', {}, 200 * 24);

    const item = encodeStateItem(state, 14 * 86400, CHECK_AT);

    expect(item.slopeOffsetsSeconds).toHaveLength(MAX_STORED_SLOPE_POINTS);
    expect(item.slopeBaseT).toBe(state.slopeHistory[state.slopeHistory.length - MAX_STORED_SLOPE_POINTS].t);
    expect(estimateItemBytes(item as unknown as Record<string, unknown>)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES / 2);
  });

  test('very long id is stored under a hashed key and loads unchanged', async () => {
    const { store } = await newStore();
    const longId = `ns/${'w'.repeat(2000)}/app`;
    const state = makeState(longId, { labels: { namespace: 'ns', pod: 'p', container: 'app' } });

    await store.save([state], []);

    expect((await store.load()).get(longId)).toEqual(state);
  });
});
