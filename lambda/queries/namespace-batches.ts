/**
 * Batches of namespaces that one check reads and judges one after another. Its memory then
 * contains one batch's samples rather than the whole cluster's, and Prometheus evaluates the
 * next batch while the checker judges the current one.
 */
import type { PromSeries } from '../prometheus/response';
import { labelValuesMatcher, type LabelMatcher } from './selector';
import { namespaceInShard, type Shard } from './shard';

/**
 * Live containers per batch by default. With bench/scale (10,000 containers, a week of hourly
 * points, two batches read ahead, semi-spaces of 4 MB) the check's peak resident set was 220 to
 * 245 MiB with 250, 225 to 271 MiB with 500 and about the same with 150, in about the same time.
 * Each batch costs a round of requests, which a remote backend makes slow.
 */
export const DEFAULT_BATCH_CONTAINERS = 250;

/** Namespaces read together, and whether they need a matcher to leave out the others. */
export interface NamespaceBatch {
  readonly namespaces: readonly string[];
  readonly liveContainers: number;
}

/** The batches of one check. */
export interface BatchPlan {
  readonly batches: NamespaceBatch[];
  /** False when the one batch contains every live namespace, so queries need no namespace matcher. */
  readonly restrictsNamespaces: boolean;
}

/**
 * Groups the namespaces of the live series into batches of at most `batchContainers` live
 * containers each, in name order. A namespace larger than that is a batch of its own: splitting
 * it would separate a workload from its earlier pods.
 *
 * @param liveSeries - the live query's result, one series per container id
 * @param shard - keeps only the namespaces of this shard. @default - every namespace
 * @param extraNamespaces - namespaces to read even without live series, counted as empty
 */
export function planNamespaceBatches(liveSeries: readonly PromSeries[], batchContainers: number, shard?: Shard, extraNamespaces: readonly string[] = []): BatchPlan {
  const containersByNamespace = new Map<string, Set<string>>(extraNamespaces.map((namespace) => [namespace, new Set<string>()]));
  for (const { labels } of liveSeries) {
    if (!labels.namespace) {
      continue;
    }
    const containers = containersByNamespace.get(labels.namespace) ?? new Set<string>();
    containers.add(`${labels.pod}/${labels.container}`);
    containersByNamespace.set(labels.namespace, containers);
  }

  const allNamespaces = [...containersByNamespace.keys()].sort();
  const namespaces = shard === undefined ? allNamespaces : allNamespaces.filter((namespace) => namespaceInShard(namespace, shard));

  const batches: NamespaceBatch[] = [];
  let current: { namespaces: string[]; liveContainers: number } = { namespaces: [], liveContainers: 0 };
  for (const namespace of namespaces) {
    const size = containersByNamespace.get(namespace)!.size;
    if (current.namespaces.length > 0 && current.liveContainers + size > batchContainers) {
      batches.push(current);
      current = { namespaces: [], liveContainers: 0 };
    }
    current.namespaces.push(namespace);
    current.liveContainers += size;
  }
  if (current.namespaces.length > 0) {
    batches.push(current);
  }
  return { batches, restrictsNamespaces: batches.length > 1 || namespaces.length < allNamespaces.length };
}

/** Builds the matcher that selects exactly these namespaces. */
export function namespacesMatcher(namespaces: readonly string[]): LabelMatcher {
  return labelValuesMatcher('namespace', namespaces);
}
