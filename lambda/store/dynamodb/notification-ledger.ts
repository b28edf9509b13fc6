import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Notification } from '../../types';
import { isConditionalCheckFailure } from './errors';
import { ledgerKey, utcDate } from './table-layout';

export interface NotificationLedgerOptions {
  readonly tableName: string;
  /** How long a ledger entry is kept after its claim. @default 2592000 (30 days) */
  readonly entryTtlSeconds?: number;
  /**
   * Age after which a claim still marked `sending` is taken to be from a crashed invocation and
   * may be claimed again. A Lambda function runs at most 15 minutes, so an older claim cannot
   * belong to a publish still in progress. Resending then may duplicate a message whose publish
   * succeeded just before the crash: at least once beats silence for an OOM warning.
   * @default 900
   */
  readonly staleClaimSeconds?: number;
  /** Clock of the claims' ages, in Unix seconds. @default - the system clock */
  readonly nowSeconds?: () => number;
  /**
   * Wall clock for the entries' expiry, in Unix seconds. DynamoDB compares `expiresAt` with its
   * own clock, so the expiry counts from the later of this and `nowSeconds`.
   * @default - the system clock
   */
  readonly wallClockSeconds?: () => number;
}

/** A claim this invocation holds on one notification. */
export interface LedgerClaim {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly token: string;
  readonly notification: Notification;
}

export type ClaimOutcome =
  | { readonly status: 'claimed'; readonly claim: LedgerClaim }
  /** The message went out before (an earlier try of the same check): do not send it again. */
  | { readonly status: 'already-sent'; readonly messageId: string | null }
  /** Another invocation is publishing it right now. */
  | { readonly status: 'in-flight'; readonly claimedAt: number };

const DEFAULT_ENTRY_TTL_SECONDS = 30 * 86400;
const DEFAULT_STALE_CLAIM_SECONDS = 15 * 60;

/**
 * Makes publishing idempotent: at most one message per container, severity, kind and UTC day of
 * the check, however often an invocation is retried or an event delivered.
 *
 * A caller claims each notification before publishing, with a conditional put that only one
 * invocation wins. Once SNS accepted the message, the caller marks the claim `sent` with the SNS
 * message id. If the publish failed, it releases the claim so that the next check retries.
 */
export class NotificationLedger {
  private readonly entryTtlSeconds: number;
  private readonly staleClaimSeconds: number;
  private readonly nowSeconds: () => number;
  private readonly wallClockSeconds: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: NotificationLedgerOptions,
  ) {
    this.entryTtlSeconds = options.entryTtlSeconds ?? DEFAULT_ENTRY_TTL_SECONDS;
    this.staleClaimSeconds = options.staleClaimSeconds ?? DEFAULT_STALE_CLAIM_SECONDS;
    this.nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
    this.wallClockSeconds = options.wallClockSeconds ?? (() => Date.now() / 1000);
  }

  /**
   * Returns the ledger key of a notification. The UTC date comes from the check instant, not
   * the clock, so a retry after midnight still finds the entry of its check.
   *
   * NOTE: an alert that resolves and opens again with the same severity on the same UTC day
   * finds its earlier entry, so its second "new" message is not sent (the state still records it).
   */
  static keyOf(notification: Notification): { pk: string; sk: string } {
    return ledgerKey(notification.id, notification.severity, notification.kind, utcDate(notification.at));
  }

  /**
   * Claims a notification for this invocation.
   *
   * @param eventId - the scheduler event's id, stored for tracing duplicates
   */
  async claim(notification: Notification, eventId: string | null): Promise<ClaimOutcome> {
    const key = NotificationLedger.keyOf(notification);
    const token = randomUUID();

    // Two rounds: a claim released between our failed put and our read is claimed on the second.
    for (let round = 0; round < 2; round += 1) {
      const nowSeconds = this.nowSeconds();
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: {
              ...key,
              status: 'sending',
              claimToken: token,
              claimedAt: nowSeconds,
              containerId: notification.id,
              checkAt: notification.at,
              eventId,
              expiresAt: Math.ceil(Math.max(nowSeconds, this.wallClockSeconds()) + this.entryTtlSeconds),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND claimedAt < :staleBefore)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':staleBefore': nowSeconds - this.staleClaimSeconds },
          }),
        );
        return { status: 'claimed', claim: { key, token, notification } };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) {
          throw error;
        }
      }

      const existing = await this.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
      );
      if (existing.Item?.status === 'sent') {
        return { status: 'already-sent', messageId: (existing.Item.messageId as string | undefined) ?? null };
      }
      if (existing.Item?.status === 'sending') {
        return { status: 'in-flight', claimedAt: existing.Item.claimedAt as number };
      }
    }
    return { status: 'in-flight', claimedAt: this.nowSeconds() };
  }

  /**
   * Records that SNS accepted the message of `claim`.
   *
   * @returns false when the claim was no longer ours (taken over as stale), which can duplicate a message
   */
  async markSent(claim: LedgerClaim, messageId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: claim.key,
          UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :sentAt',
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':messageId': messageId,
            ':sentAt': this.nowSeconds(),
            ':token': claim.token,
          },
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

  /** Deletes a claim whose message was not published, so that the next check may send it. */
  async release(claim: LedgerClaim): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: claim.key,
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: { ':token': claim.token },
        }),
      );
    } catch (error) {
      // Another invocation took the claim over, so settling it is up to that invocation.
      if (!isConditionalCheckFailure(error)) {
        throw error;
      }
    }
  }
}
