import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import { selectStateWrites } from '../policy/state-writes';
import { evaluateCheck } from '../check';
import { formatInstant } from '../config/units';
import type { PrometheusClient } from '../prometheus/client';
import { NotificationLedger } from '../store/dynamodb/notification-ledger';
import { DynamoDbHistoryStore, StateSaveError } from '../store/dynamodb-store';
import type { LambdaConfig } from './config';
import { deliverNotifications, type DeliveryResult } from './deliver-notifications';
import { evaluationInstant, type ScheduleEvent } from './event-time';

/** Everything one scheduled check talks to. */
export interface CheckRunDependencies {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly prometheus: PrometheusClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly nowSeconds: () => number;
}

/** Counts and ids of one scheduled check, as logged and returned by the handler. */
export interface CheckRunSummary {
  readonly evaluatedAt: string;
  readonly eventId: string | null;
  readonly containersChecked: number;
  readonly containersAtRisk: number;
  readonly notificationsDecided: number;
  /** Containers skipped because their stored state already includes this check instant. */
  readonly containersAlreadyApplied: number;
  readonly notificationsSent: number;
  readonly notificationsAlreadySent: number;
  readonly notificationsInFlight: number;
  readonly notificationsFailed: number;
  readonly messageId: string | null;
  readonly statesSaved: number;
  readonly stateWritesFailed: number;
}

/** Raised after a check that ran to the end but could not deliver every notification or save every state. */
export class CheckIncompleteError extends Error {
  constructor(
    message: string,
    readonly summary: CheckRunSummary,
    cause?: Error,
  ) {
    super(message, { cause });
    this.name = 'CheckIncompleteError';
  }
}

/**
 * Runs one scheduled check. It loads the alert states, evaluates every container and delivers
 * the notifications through the ledger, one message per container, severity, kind and UTC day
 * (see `deliverNotifications` for the one exception). Then it saves the states, except the new
 * state of a container whose notification was not delivered.
 *
 * Delivery comes before the state write so that a failed write (DynamoDB unavailable, or an
 * item rejected as too large) never suppresses the warnings of the run.
 *
 * @throws CheckIncompleteError after the run when a notification or a state write failed. Lambda
 *   then retries the event, and the ledger keeps the retry from sending anything twice.
 */
export async function runScheduledCheck(
  deps: CheckRunDependencies,
  config: LambdaConfig,
  event: ScheduleEvent | undefined,
): Promise<CheckRunSummary> {
  const startedAtMs = Date.now();
  const { logger, metrics } = deps;
  const eventId = event?.id ?? null;
  const { atSeconds, fromEvent } = evaluationInstant(event, deps.nowSeconds());
  logger.info('check started', { evaluated_at: formatInstant(atSeconds), instant_from_event: fromEvent, event_id: eventId });

  try {
    const store = new DynamoDbHistoryStore(deps.documentClient, { tableName: config.tableName, logger });
    const previousStates = await store.load();
    const evaluation = await evaluateCheck(config.check, atSeconds, deps.prometheus, previousStates);
    for (const warning of evaluation.warnings) {
      logger.warn('check warning', { warning });
    }
    const decision = evaluation.decision;
    const alreadyAppliedIds = decision.alreadyAppliedIds;
    if (alreadyAppliedIds.length > 0) {
      logger.info('skipped containers whose state already includes this check instant (duplicate event or retry)', {
        container_count: alreadyAppliedIds.length,
      });
    }

    const ledger = new NotificationLedger(deps.documentClient, { tableName: config.tableName, nowSeconds: deps.nowSeconds });
    const delivery = await deliverNotifications(
      { ledger, sns: deps.sns, topicArn: config.topicArn, logger },
      decision.notifications,
      {
        evaluatedAt: atSeconds,
        prometheusUrl: deps.prometheus.url,
        usageQuery: config.check.usageQuery,
        graphRange: config.lookbackText,
        timeZone: config.timeZone,
        warnDays: config.check.warnDays,
        criticalDays: config.check.criticalDays,
      },
      eventId,
    );

    const undelivered = new Set([...delivery.failedIds, ...delivery.inFlightIds]);
    // Only states that carry information are written, so an hourly check over thousands of quiet
    // containers writes a few items instead of one per container.
    const statesToSave = selectStateWrites(previousStates, decision.changedStates).filter((state) => !undelivered.has(state.id));
    const idsToForget = decision.forgottenIds.filter((id) => !undelivered.has(id));
    const save = await saveStates(store, statesToSave, idsToForget, logger);

    const summary: CheckRunSummary = {
      evaluatedAt: formatInstant(atSeconds),
      eventId,
      containersChecked: evaluation.verdicts.length,
      containersAtRisk: evaluation.verdicts.filter((verdict) => verdict.severity !== 'none').length,
      notificationsDecided: decision.notifications.length,
      containersAlreadyApplied: alreadyAppliedIds.length,
      notificationsSent: delivery.publishedIds.length,
      notificationsAlreadySent: delivery.alreadySentIds.length,
      notificationsInFlight: delivery.inFlightIds.length,
      notificationsFailed: delivery.failedIds.length,
      messageId: delivery.messageId,
      statesSaved: save.written,
      stateWritesFailed: save.failedIds.length,
    };
    addRunMetrics(metrics, summary);
    logger.info('check finished', { summary, message_bytes: delivery.message?.messageBytes ?? 0 });

    throwIfIncomplete(summary, delivery, save.error);
    metrics.addMetric('CheckCompleted', MetricUnit.Count, 1);
    return summary;
  } catch (error) {
    if (!(error instanceof CheckIncompleteError)) {
      logger.error('check failed', { error });
    }
    throw error;
  } finally {
    metrics.addMetric('CheckDurationMs', MetricUnit.Milliseconds, Date.now() - startedAtMs);
  }
}

async function saveStates(
  store: DynamoDbHistoryStore,
  states: Parameters<DynamoDbHistoryStore['saveStates']>[0],
  forgottenIds: string[],
  logger: Logger,
): Promise<{ written: number; failedIds: string[]; error?: StateSaveError }> {
  try {
    const result = await store.saveStates(states, forgottenIds);
    return { written: result.written, failedIds: [] };
  } catch (error) {
    if (!(error instanceof StateSaveError)) {
      throw error;
    }
    // The warnings of this run are already delivered; the next check works from older states.
    logger.error('failed to save alert states to DynamoDB', {
      failed_ids: error.failures.map((failure) => failure.id),
      error_names: [...new Set(error.failures.map((failure) => failure.error.name))],
      error,
    });
    return { written: error.result.written, failedIds: error.failures.map((failure) => failure.id), error };
  }
}

function addRunMetrics(metrics: Metrics, summary: CheckRunSummary): void {
  metrics.addMetric('ContainersChecked', MetricUnit.Count, summary.containersChecked);
  metrics.addMetric('ContainersAtRisk', MetricUnit.Count, summary.containersAtRisk);
  metrics.addMetric('NotificationsSent', MetricUnit.Count, summary.notificationsSent);
  metrics.addMetric('NotificationFailed', MetricUnit.Count, summary.notificationsFailed);
  metrics.addMetric('DuplicateNotificationsSkipped', MetricUnit.Count, summary.notificationsAlreadySent);
  metrics.addMetric('StateWriteFailed', MetricUnit.Count, summary.stateWritesFailed);
}

function throwIfIncomplete(summary: CheckRunSummary, delivery: DeliveryResult, saveError: StateSaveError | undefined): void {
  const problems: string[] = [];
  if (delivery.failedIds.length > 0) {
    problems.push(`${delivery.failedIds.length} notification(s) not delivered (${delivery.failedIds.join(', ')})`);
  }
  if (saveError) {
    problems.push(saveError.message);
  }
  if (problems.length > 0) {
    throw new CheckIncompleteError(`check of ${summary.evaluatedAt} incomplete: ${problems.join('; ')}`, summary, saveError);
  }
}
