/**
 * The single-table layout of the Lambda's DynamoDB table. The CDK construct creates the table
 * with these key and TTL attribute names.
 *
 * Items:
 * - alert state of one container: `pk = "states#<shard>"`, `sk = <container id>`. The ids are
 *   spread over {@link STATE_SHARD_COUNT} partitions so that one Query per shard loads every
 *   state and no single partition takes all the writes of an hourly check.
 * - notification ledger entry: `pk = "sent#<container id>"`,
 *   `sk = "<severity>#<kind>#<UTC date>"`, claimed before a message is published.
 */

import { createHash } from 'node:crypto';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Attribute that DynamoDB's time to live reads: Unix seconds after which an item may be deleted. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Partitions that the state items are spread over. Changing it orphans every stored state
 * (load would look in the wrong partitions), so it is fixed.
 *
 * Eight partitions keep 10,000 containers at about 1,250 items each, so a load stays a handful
 * of 1 MB Query pages, and an hourly save stays far below DynamoDB's 1,000 write units per
 * second per partition key.
 */
export const STATE_SHARD_COUNT = 8;

/**
 * DynamoDB allows 1,024 bytes in a sort key and 2,048 in a partition key. Container ids are
 * `namespace/workload/container` (at most about 380 bytes in Kubernetes), but a custom usage
 * query may build longer ones, so longer ids are cut and made unique with a hash.
 */
const MAX_ID_KEY_BYTES = 900;

/** Returns the key text for a container id: the id itself, or a prefix plus a hash when it is too long. */
export function idKey(id: string): string {
  if (Buffer.byteLength(id, 'utf8') <= MAX_ID_KEY_BYTES) {
    return id;
  }
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 32);
  return `${truncateUtf8(id, MAX_ID_KEY_BYTES - 40)}#sha256:${digest}`;
}

/** Returns the partition key of the state item of `id`. */
export function statePartitionKey(id: string): string {
  return `states#${stateShard(id)}`;
}

/** Returns the partition keys of every state shard, for loading all states. */
export function allStatePartitionKeys(): string[] {
  return Array.from({ length: STATE_SHARD_COUNT }, (_, shard) => `states#${shard}`);
}

/** Returns the key of the ledger entry for one notification of `id` on one UTC day. */
export function ledgerKey(id: string, severity: string, kind: string, utcDate: string): { pk: string; sk: string } {
  return { pk: `sent#${idKey(id)}`, sk: `${severity}#${kind}#${utcDate}` };
}

/** Formats Unix seconds as the UTC calendar date `YYYY-MM-DD`. */
export function utcDate(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 10);
}

function stateShard(id: string): number {
  // A stable hash, not Math.random or insertion order: the same id must land in the same shard
  // on every run and in every Lambda instance.
  const digest = createHash('sha256').update(id, 'utf8').digest();
  return digest.readUInt32BE(0) % STATE_SHARD_COUNT;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return text;
  }
  let result = '';
  let bytes = 0;
  for (const character of text) {
    const characterBytes = Buffer.byteLength(character, 'utf8');
    if (bytes + characterBytes > maxBytes) {
      break;
    }
    result += character;
    bytes += characterBytes;
  }
  return result;
}
