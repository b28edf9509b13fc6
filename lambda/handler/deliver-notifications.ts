import type { SNSClient } from '@aws-sdk/client-sns';
import { buildAlertMessage, type AlertMessage } from '../notify/alert-message';
import type { MessageContext } from '../notify/message-context';
import { publishAlertMessage } from '../notify/sns-publisher';
import { settleWithConcurrency } from '../store/dynamodb/concurrency';
import type { LedgerClaim, NotificationLedger } from '../store/dynamodb/notification-ledger';
import type { Notification } from '../types';

/** The log calls delivery makes; Powertools' Logger has them. */
export interface DeliveryLogger {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface DeliveryDependencies {
  readonly ledger: NotificationLedger;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly logger: DeliveryLogger;
}

/** Outcome of each notification of one check. */
export interface DeliveryResult {
  /** Sent in this invocation's message. */
  readonly publishedIds: string[];
  /** Sent by an earlier try of the same check, so skipped now. */
  readonly alreadySentIds: string[];
  /** Not sent because another invocation is sending them right now. */
  readonly inFlightIds: string[];
  /** Not sent because claiming or publishing failed; the next check decides them again. */
  readonly failedIds: string[];
  readonly messageId: string | null;
  readonly message: AlertMessage | null;
}

/** Ledger requests in flight at once. */
const MAX_CONCURRENT_CLAIMS = 10;

/**
 * Sends the notifications of one check as a single SNS message, each once. Every notification
 * is claimed in the ledger first and the claimed ones are published together. Their claims are
 * then marked sent, or released when SNS failed. The one exception is a crash between publish
 * and mark: the claim is taken over after 15 minutes and the notification sent again.
 *
 * The caller must not save the new alert state of a container whose notification is failed or
 * in flight: its previous state lets the next check decide, and send, again.
 */
export async function deliverNotifications(
  deps: DeliveryDependencies,
  notifications: readonly Notification[],
  context: MessageContext,
  eventId: string | null,
): Promise<DeliveryResult> {
  const result = {
    publishedIds: [] as string[],
    alreadySentIds: [] as string[],
    inFlightIds: [] as string[],
    failedIds: [] as string[],
    messageId: null as string | null,
    message: null as AlertMessage | null,
  };

  const claimed = await claimAll(deps, notifications, eventId, result);
  if (claimed.length === 0) {
    return result;
  }

  const message = buildAlertMessage(
    claimed.map((claim) => claim.notification),
    context,
  );
  result.message = message;
  try {
    result.messageId = await publishAlertMessage(deps.sns, deps.topicArn, message);
  } catch (error) {
    deps.logger.error('failed to publish the alert message to SNS; the next check sends it again', {
      topic_arn: deps.topicArn,
      container_ids: claimed.map((claim) => claim.notification.id),
      error,
    });
    await releaseAll(deps, claimed);
    result.failedIds.push(...claimed.map((claim) => claim.notification.id));
    return result;
  }

  result.publishedIds.push(...claimed.map((claim) => claim.notification.id));
  await markAllSent(deps, claimed, result.messageId);
  return result;
}

async function claimAll(
  deps: DeliveryDependencies,
  notifications: readonly Notification[],
  eventId: string | null,
  result: DeliveryResult,
): Promise<LedgerClaim[]> {
  const outcomes = await settleWithConcurrency(notifications, MAX_CONCURRENT_CLAIMS, (notification) =>
    deps.ledger.claim(notification, eventId),
  );

  const claimed: LedgerClaim[] = [];
  outcomes.forEach((outcome, index) => {
    const notification = notifications[index];
    if (outcome.status === 'rejected') {
      deps.logger.error('failed to claim a notification in the ledger; it is not sent this time', {
        container_id: notification.id,
        severity: notification.severity,
        error: outcome.reason,
      });
      result.failedIds.push(notification.id);
      return;
    }
    const claim = outcome.value;
    if (claim.status === 'claimed') {
      claimed.push(claim.claim);
    } else if (claim.status === 'already-sent') {
      deps.logger.info('skipped a notification that an earlier try of this check sent', {
        container_id: notification.id,
        severity: notification.severity,
        kind: notification.kind,
        message_id: claim.messageId,
      });
      result.alreadySentIds.push(notification.id);
    } else {
      deps.logger.warn('skipped a notification that another invocation is sending', {
        container_id: notification.id,
        claimed_at: claim.claimedAt,
      });
      result.inFlightIds.push(notification.id);
    }
  });
  return claimed;
}

async function releaseAll(deps: DeliveryDependencies, claims: readonly LedgerClaim[]): Promise<void> {
  const outcomes = await settleWithConcurrency(claims, MAX_CONCURRENT_CLAIMS, (claim) => deps.ledger.release(claim));
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'rejected') {
      // The claim stays `sending` and is taken over as stale after 15 minutes.
      deps.logger.error('failed to release a ledger claim after a failed publish', {
        container_id: claims[index].notification.id,
        error: outcome.reason,
      });
    }
  });
}

async function markAllSent(deps: DeliveryDependencies, claims: readonly LedgerClaim[], messageId: string): Promise<void> {
  const outcomes = await settleWithConcurrency(claims, MAX_CONCURRENT_CLAIMS, (claim) => deps.ledger.markSent(claim, messageId));
  outcomes.forEach((outcome, index) => {
    const containerId = claims[index].notification.id;
    if (outcome.status === 'rejected') {
      // The claim stays `sending`; a retry after 15 minutes may send this notification twice.
      deps.logger.error('failed to mark a sent notification in the ledger', { container_id: containerId, message_id: messageId, error: outcome.reason });
    } else if (!outcome.value) {
      deps.logger.warn('another invocation took over the claim of a sent notification; it may be sent twice', {
        container_id: containerId,
        message_id: messageId,
      });
    }
  });
}
