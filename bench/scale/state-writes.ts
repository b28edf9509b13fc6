/**
 * DynamoDB writes of two consecutive hourly checks, counted on the real `DynamoDbHistoryStore`
 * against DynamoDB Local: as the Lambda saves today (every state the policy returns), and with
 * `selectStateWrites` (only states that carry information).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decideAlerts } from '../../lambda/policy/alert-policy';
import { isIdleState, selectStateWrites } from '../../lambda/policy/state-writes';
import { estimateItemBytes } from '../../lambda/store/dynamodb/item-size';
import { DynamoDbHistoryStore } from '../../lambda/store/dynamodb-store';
import type { AlertState, Verdict } from '../../lambda/types';
import { createHistoryTable, startDynamoDbLocal } from '../../test/support/dynamodb-local';

/** Writes one save sent. */
export interface SaveCounts {
  readonly puts: number;
  readonly deletes: number;
  /** Write capacity units: one per started kilobyte of each item put, one per delete (an estimate from above). */
  readonly writeUnits: number;
}

/** Writes of the two checks under one saving strategy. */
export interface StrategyWrites {
  readonly firstCheck: SaveCounts;
  readonly secondCheck: SaveCounts;
  /** Ids whose decision-relevant state (severity, counters, last forecast) differs between the checks. */
  readonly materiallyChanged: number;
  /** Ids with an open alert or a count under way whose state did not change: `selectStateWrites` still writes them. */
  readonly stillAtRisk: number;
}

export interface StateWriteMeasurement {
  /** Distinct container ids (workloads) the checks saw: replicas share one. */
  readonly ids: number;
  /** Every state the policy returns is saved, as `runScheduledCheck` does. */
  readonly everyState: StrategyWrites;
  /** Only the states `selectStateWrites` returns are saved. */
  readonly selected: StrategyWrites;
}

/** Wraps a document client to count the writes passing through it. */
function countingClient(inner: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; take: () => SaveCounts } {
  let counts = { puts: 0, deletes: 0, writeUnits: 0 };
  const client = {
    send: (command: { constructor: { name: string }; input: { Item?: Record<string, unknown> } }) => {
      const name = command.constructor.name;
      if (name === 'PutCommand') {
        counts.puts += 1;
        counts.writeUnits += Math.max(1, Math.ceil(estimateItemBytes(command.input.Item ?? {}) / 1024));
      } else if (name === 'DeleteCommand') {
        counts.deletes += 1;
        counts.writeUnits += 1;
      } else if (name !== 'QueryCommand' && name !== 'GetCommand') {
        throw new Error(`the write counter does not know ${name}; count it before trusting the figures`);
      }
      return inner.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return {
    client,
    take: () => {
      const taken = counts;
      counts = { puts: 0, deletes: 0, writeUnits: 0 };
      return taken;
    },
  };
}

function materialKey(state: AlertState): string {
  return JSON.stringify([state.notifiedSeverity, state.lastNotifiedAt, state.pendingChecks, state.clearChecks, state.lastHoursToLimit]);
}

/**
 * Runs the policy and the store for two checks, one hour apart, from the verdicts of each.
 * The verdicts come from `evaluateCheck` runs of the caller, so the slow part runs once for
 * both strategies.
 */
export async function measureStateWrites(checks: readonly { atSeconds: number; verdicts: Verdict[] }[], warnHours: number): Promise<StateWriteMeasurement> {
  const dynamo = await startDynamoDbLocal();
  try {
    const strategies: Record<'everyState' | 'selected', StrategyWrites> = {} as never;
    for (const strategy of ['everyState', 'selected'] as const) {
      const tableName = `scale-${strategy}`;
      await createHistoryTable(dynamo.client, tableName);
      const counter = countingClient(dynamo.documentClient);
      const saves: SaveCounts[] = [];
      const decided: Map<string, AlertState>[] = [];

      for (const check of checks) {
        const store = new DynamoDbHistoryStore(counter.client, { tableName, maxConcurrentWrites: 32 });
        const previous = await store.load();
        const decision = decideAlerts(previous, check.verdicts, check.atSeconds, { warnHours });
        const toWrite = strategy === 'selected' ? selectStateWrites(previous, decision.changedStates) : decision.changedStates;
        counter.take();
        await store.save(toWrite, decision.forgottenIds);
        saves.push(counter.take());
        decided.push(new Map(decision.changedStates.map((state) => [state.id, state])));
      }

      const [first, second] = decided;
      const changed = (state: AlertState): boolean => first.get(state.id) === undefined || materialKey(first.get(state.id)!) !== materialKey(state);
      const materiallyChanged = [...second.values()].filter(changed).length;
      const stillAtRisk = [...second.values()].filter((state) => !changed(state) && !isIdleState(state)).length;
      strategies[strategy] = { firstCheck: saves[0], secondCheck: saves[1], materiallyChanged, stillAtRisk };
    }
    const ids = new Set(checks.flatMap((check) => check.verdicts.map((verdict) => verdict.id))).size;
    return { ids, everyState: strategies.everyState, selected: strategies.selected };
  } finally {
    await dynamo.stop();
  }
}
