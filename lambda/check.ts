import { analyzeContainer } from './analysis/analyze';
import type { CheckOptions } from './config/check-options';
import { compareUrgency, decideAlerts, type AlertDecision, type AlertPolicyOptions } from './policy/alert-policy';
import type { PrometheusClient } from './prometheus/client';
import { fetchContainerHistoryBatches } from './queries/fetch-histories';
import { namespaceInShard, namespaceOfId } from './queries/shard';
import type { AlertState, ContainerHistory, HistoryStore, Sample, Verdict } from './types';

/** Containers judged between two turns of the event loop: about 25 ms of analysis on one core. */
const YIELD_EVERY_CONTAINERS = 50;

/** The outcome of one check, before anything is sent or saved. */
export interface CheckEvaluation {
  /** Unix seconds. */
  readonly evaluatedAt: number;
  /** One verdict per live container, most urgent first. */
  readonly verdicts: Verdict[];
  readonly decision: AlertDecision;
  /** Recoverable problems met on the way (skipped series, unknown limits). */
  readonly warnings: string[];
  readonly stepSeconds: number;
  /** Memory of the at-risk containers, keyed by `chartKey`, for charts in reports. */
  readonly atRiskSamples: Map<string, Sample[]>;
}

/** Key of a container in `atRiskSamples`: replicas share an id, so the pod is part of it. */
export function chartKey(verdict: Pick<Verdict, 'id' | 'labels'>): string {
  return `${verdict.id}|${verdict.labels.pod ?? ''}`;
}

/**
 * Runs one check: reads the containers' memory from Prometheus, judges each one, and lets the
 * alert policy decide what to send given the previous states. Sends and saves nothing, so the
 * caller can publish first and save only what was delivered.
 */
export async function evaluateCheck(
  options: CheckOptions,
  atSeconds: number,
  client: PrometheusClient,
  previousStates: ReadonlyMap<string, AlertState>,
  policyOptions?: AlertPolicyOptions,
): Promise<CheckEvaluation> {
  const thresholds = { warnDays: options.warnDays, criticalDays: options.criticalDays };
  const atRiskSamples = new Map<string, Sample[]>();
  const verdicts: Verdict[] = [];
  const warnings: string[] = [];
  let stepSeconds = 0;
  // Batch by batch, so that only one batch's samples are held while the next one is read.
  for await (const batch of fetchContainerHistoryBatches(client, options, atSeconds)) {
    for (const [index, history] of batch.histories.entries()) {
      const verdict = analyzeContainer(history, thresholds);
      if (verdict.severity !== 'none') {
        atRiskSamples.set(chartKey(verdict), currentPodSamples(history));
      }
      verdicts.push(verdict);
      if (index % YIELD_EVERY_CONTAINERS === YIELD_EVERY_CONTAINERS - 1) {
        // Lets the next batch's responses arrive and be parsed while this one is judged.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    warnings.push(...batch.warnings);
    stepSeconds = batch.stepSeconds;
  }
  verdicts.sort(compareUrgency);

  // A shard decides only about its own namespaces; the other shards' states are theirs.
  const { shard } = options;
  const ownStates = shard === undefined ? previousStates : new Map([...previousStates].filter(([id]) => namespaceInShard(namespaceOfId(id), shard)));
  const decision = decideAlerts(ownStates, verdicts, atSeconds, {
    warnHours: options.warnDays * 24,
    criticalHours: options.criticalDays * 24,
    ...policyOptions,
  });
  return {
    evaluatedAt: atSeconds,
    verdicts,
    decision,
    warnings,
    stepSeconds,
    atRiskSamples,
  };
}

/**
 * Runs one check as the CLI does: loads the states from `store` (when given), evaluates, and
 * saves the new states. Printing the notifications is the caller's delivery.
 */
export async function runCheck(
  options: CheckOptions,
  atSeconds: number,
  client: PrometheusClient,
  store: HistoryStore | undefined,
): Promise<CheckEvaluation> {
  const previousStates = store ? await store.load() : new Map<string, AlertState>();
  const evaluation = await evaluateCheck(options, atSeconds, client, previousStates);
  if (store) {
    await store.save(evaluation.decision.changedStates, evaluation.decision.forgottenIds);
  }
  return evaluation;
}

function currentPodSamples(history: ContainerHistory): Sample[] {
  return history.usageByContainerId.flat().sort((a, b) => a.t - b.t);
}
