import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertState, HistoryStore } from '../types';
import { settleWithConcurrency } from './dynamodb/concurrency';
import { isConditionalCheckFailure } from './dynamodb/errors';
import { decodeStateItem, encodeStateItem } from './dynamodb/state-item';
import { allStatePartitionKeys, idKey, statePartitionKey } from './dynamodb/table-layout';

/** Logger for recoverable problems of the store: unreadable items and skipped stale writes. */
export interface StoreLogger {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface DynamoDbHistoryStoreOptions {
  readonly tableName: string;
  /**
   * Time after a container was last seen at which its state item may expire. It is longer than
   * the 72 hours after which the policy drops an unseen container, so an outage of the check
   * itself (no saves at all) does not wipe the history.
   * @default 1209600 (14 days)
   */
  readonly stateTtlSeconds?: number;
  /** Writes in flight at once during a save. @default 16 */
  readonly maxConcurrentWrites?: number;
  /** Items per Query page when loading. @default - as many as fit DynamoDB's 1 MB page */
  readonly queryPageLimit?: number;
  /** @default - warnings are dropped */
  readonly logger?: StoreLogger;
  /** Wall clock for the items' expiry, in Unix seconds. @default - the system clock */
  readonly wallClockSeconds?: () => number;
}

/** Outcome of one save. */
export interface StateSaveResult {
  readonly written: number;
  readonly deleted: number;
  /** Ids whose stored state was newer than the one given, and so was kept. */
  readonly skippedStale: string[];
}

/** Raised when some state writes failed; the others were saved. */
export class StateSaveError extends Error {
  constructor(
    readonly failures: { readonly id: string; readonly error: Error }[],
    readonly result: StateSaveResult,
  ) {
    const first = failures[0];
    super(
      `failed to save ${failures.length} container state(s) to DynamoDB, first "${first.id}": ` +
        `${first.error.name}: ${first.error.message}`,
      { cause: first.error },
    );
    this.name = 'StateSaveError';
  }
}

const DEFAULT_STATE_TTL_SECONDS = 14 * 86400;
const DEFAULT_MAX_CONCURRENT_WRITES = 16;

/**
 * Keeps the alert states in one DynamoDB table, one item per container (see `table-layout.ts`).
 *
 * Every item is written whole with one PutItem, so a crash halfway through a save leaves each
 * container with either its old or its new state. The write is conditional on the stored
 * `lastSeenAt` being no newer than the new one, so a late or retried older check never
 * overwrites a newer check's state. BatchWriteItem would need fewer requests but cannot carry
 * conditions.
 */
export class DynamoDbHistoryStore implements HistoryStore {
  private readonly stateTtlSeconds: number;
  private readonly maxConcurrentWrites: number;
  /** `lastSeenAt` of every state this instance loaded, to delete forgotten ids only if unchanged since. */
  private readonly loadedLastSeenAt = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbHistoryStoreOptions,
  ) {
    this.stateTtlSeconds = options.stateTtlSeconds ?? DEFAULT_STATE_TTL_SECONDS;
    this.maxConcurrentWrites = options.maxConcurrentWrites ?? DEFAULT_MAX_CONCURRENT_WRITES;
  }

  /** Loads every stored state with one paginated, strongly consistent Query per shard. */
  async load(): Promise<Map<string, AlertState>> {
    const pages = await Promise.all(allStatePartitionKeys().map((pk) => this.queryPartition(pk)));

    const states = new Map<string, AlertState>();
    for (const item of pages.flat()) {
      const decoded = decodeStateItem(item);
      if (typeof decoded === 'string') {
        this.options.logger?.warn(`skipped an unreadable state item: ${decoded}`, { pk: item.pk, sk: item.sk });
        continue;
      }
      states.set(decoded.id, decoded);
      this.loadedLastSeenAt.set(decoded.id, decoded.lastSeenAt);
    }
    return states;
  }

  /**
   * Writes the changed states and deletes the forgotten ids, as {@link saveStates}.
   *
   * @throws StateSaveError when any write failed for a reason other than a newer stored state
   */
  async save(changed: AlertState[], forgottenIds: string[]): Promise<void> {
    await this.saveStates(changed, forgottenIds);
  }

  /**
   * Writes the changed states and deletes the forgotten ids. Every write is attempted even when
   * some fail.
   *
   * @returns counts of what was written and the ids kept because the stored state was newer
   * @throws StateSaveError when any write failed for a reason other than a newer stored state
   */
  async saveStates(changed: AlertState[], forgottenIds: string[]): Promise<StateSaveResult> {
    const putOutcomes = await settleWithConcurrency(changed, this.maxConcurrentWrites, (state) => this.putState(state));
    const deleteOutcomes = await settleWithConcurrency(forgottenIds, this.maxConcurrentWrites, (id) => this.deleteState(id));

    const failures: { id: string; error: Error }[] = [];
    const skippedStale: string[] = [];
    let written = 0;
    let deleted = 0;
    putOutcomes.forEach((outcome, index) => {
      const id = changed[index].id;
      if (outcome.status === 'rejected') {
        failures.push({ id, error: asError(outcome.reason) });
      } else if (outcome.value) {
        written += 1;
      } else {
        skippedStale.push(id);
      }
    });
    deleteOutcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') {
        failures.push({ id: forgottenIds[index], error: asError(outcome.reason) });
      } else if (outcome.value) {
        deleted += 1;
      } else {
        skippedStale.push(forgottenIds[index]);
      }
    });

    const result: StateSaveResult = { written, deleted, skippedStale };
    if (skippedStale.length > 0) {
      this.options.logger?.warn('kept newer stored states instead of older ones from this check', { ids: skippedStale });
    }
    if (failures.length > 0) {
      throw new StateSaveError(failures, result);
    }
    return result;
  }

  private async queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          Limit: this.options.queryPageLimit,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return items;
  }

  /** @returns false when a newer state was already stored */
  private async putState(state: AlertState): Promise<boolean> {
    const item = encodeStateItem(state, this.stateTtlSeconds, this.options.wallClockSeconds?.() ?? Date.now() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR lastSeenAt <= :lastSeenAt',
          ExpressionAttributeValues: { ':lastSeenAt': item.lastSeenAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        return false;
      }
      throw error;
    }
  }

  /** @returns false when the container was seen again after this instance loaded it */
  private async deleteState(id: string): Promise<boolean> {
    const loadedLastSeenAt = this.loadedLastSeenAt.get(id);
    const condition =
      loadedLastSeenAt === undefined
        ? {}
        : {
            ConditionExpression: 'attribute_not_exists(pk) OR lastSeenAt <= :lastSeenAt',
            ExpressionAttributeValues: { ':lastSeenAt': loadedLastSeenAt },
          };
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { pk: statePartitionKey(id), sk: idKey(id) },
          ...condition,
        }),
      );
      this.loadedLastSeenAt.delete(id);
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        return false;
      }
      throw error;
    }
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
