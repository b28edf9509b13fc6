import type { CheckOptions } from './config/check-options';
import { evaluateCheck, type CheckEvaluation } from './check';
import type { AlertPolicyOptions } from './policy/alert-policy';
import type { PrometheusClient } from './prometheus/client';
import { MemoryHistoryStore } from './store/memory-store';
import type { Notification } from './types';

/** The span a backtest replays. */
export interface BacktestWindow {
  /** Unix seconds of the first check. */
  readonly fromSeconds: number;
  /** Unix seconds; the last check runs at or before this instant. */
  readonly toSeconds: number;
  /** Seconds between checks. @default 3600 */
  readonly everySeconds: number;
}

export interface BacktestResult {
  /** Every notification that would have been sent, in time order. */
  readonly notifications: Notification[];
  /** How many checks ran. */
  readonly checks: number;
  /** The last check, for a closing report. */
  readonly lastEvaluation: CheckEvaluation | null;
}

/** Upper bound on replayed checks, so a typo in `--every` cannot start a million queries. */
export const MAX_BACKTEST_CHECKS = 10_000;

/**
 * Replays scheduled checks over past data with the same alert policy as `check` and an
 * in-memory history, and collects every notification that would have been sent.
 *
 * @param onCheck - called after each check, for progress output
 */
export async function runBacktest(
  options: CheckOptions,
  window: BacktestWindow,
  client: PrometheusClient,
  policyOptions?: AlertPolicyOptions,
  onCheck?: (evaluation: CheckEvaluation) => void,
): Promise<BacktestResult> {
  const store = new MemoryHistoryStore();
  const notifications: Notification[] = [];
  let lastEvaluation: CheckEvaluation | null = null;
  let checks = 0;

  for (let atSeconds = window.fromSeconds; atSeconds <= window.toSeconds; atSeconds += window.everySeconds) {
    const previousStates = await store.load();
    const evaluation = await evaluateCheck(options, atSeconds, client, previousStates, policyOptions);
    await store.save(evaluation.decision.changedStates, evaluation.decision.forgottenIds);

    notifications.push(...evaluation.decision.notifications);
    lastEvaluation = evaluation;
    checks += 1;
    onCheck?.(evaluation);
  }

  return { notifications, checks, lastEvaluation };
}
