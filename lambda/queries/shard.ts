/**
 * Shards of a check: parallel checks (several Lambda functions or cron jobs) that each take the
 * namespaces whose name hashes to their shard. Namespaces stay whole, because a workload's
 * history and earlier pods never leave its namespace.
 */
import { UsageError } from '../config/units';

/** One shard of `count`, numbered from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Parses `--shard` text such as `2/4`: the second of four shards.
 *
 * @throws UsageError when the text is not `INDEX/COUNT` with 1 ≤ INDEX ≤ COUNT
 */
export function parseShard(text: string, optionName = '--shard'): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`${optionName} "${text}": expected INDEX/COUNT with 1 ≤ INDEX ≤ COUNT, such as 2/4 for the second of four shards`);
  }
  return { index, count };
}

/**
 * Returns the 32-bit FNV-1a hash of a string's UTF-16 code units. Stable across processes and
 * versions, unlike a hash of an object, so every shard agrees on where a namespace belongs.
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Checks that a namespace belongs to a shard. */
export function namespaceInShard(namespace: string, shard: Shard): boolean {
  return fnv1a(namespace) % shard.count === shard.index - 1;
}

/** Returns the namespace of a container id (`namespace/workload/container`). */
export function namespaceOfId(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}
