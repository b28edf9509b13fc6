/**
 * Reads everything one check needs from Prometheus and assembles a {@link ContainerHistory}
 * per live container: memory per container id, earlier pods of the same workload, restarts and
 * the current limit.
 */
import { CheckOptions } from '../config/check-options';
import { formatInstant } from '../config/units';
import { PrometheusClient } from '../prometheus/client';
import { RangePlannerOptions } from '../prometheus/range-planner';
import { PromSeries } from '../prometheus/response';
import { ContainerHistory, Sample } from '../types';
import { containerKey, ContainerSeries, flattenContainerIds, groupByContainer, joinContainerIds, reportLabels } from './container-series';
import { LimitIndex } from './limits';
import { DEFAULT_BATCH_CONTAINERS, namespacesMatcher, planNamespaceBatches } from './namespace-batches';
import { QueryRange, RawData, readBatch, readLiveSeries, readRestartCounterNamespaces, readRestartingContainers } from './read-batch';
import { recentlyRestartedContainers, restartEventsFromCounter, RestartingContainer } from './restarts';
import { LabelMatcher, parseSelector } from './selector';
import { namespaceInShard } from './shard';
import { defaultStepSeconds, resolveStepSeconds } from './step';
import { workloadOf } from './workloads';

/** Options beyond {@link CheckOptions}. */
export interface FetchHistoriesOptions {
  /** Step between samples, in seconds; raised to at least 60 s and to the 11,000-point cap. @default - {@link defaultStepSeconds} of the lookback */
  readonly stepSeconds?: number;
  readonly planner?: RangePlannerOptions;
  /**
   * Most live containers read and returned in one batch; a namespace larger than this is a batch
   * of its own. @default {@link DEFAULT_BATCH_CONTAINERS}
   */
  readonly batchContainers?: number;
}

/** The histories of one check, or of one batch of its namespaces, and what was noticed while reading them. */
export interface FetchedHistories {
  /** One per live namespace/pod/container, sorted by namespace, pod and container (within a batch). */
  readonly histories: ContainerHistory[];
  readonly stepSeconds: number;
  /** Recoverable problems with the data, one sentence each, for the report or the log. */
  readonly warnings: string[];
}

/** Returns an empty series group for a container known only from its restart counter. */
function groupWithoutUsage(container: RestartingContainer | undefined): ContainerSeries | undefined {
  if (container === undefined) {
    return undefined;
  }
  return { ...container, key: `${container.namespace}/${container.pod}/${container.container}`, byId: [] };
}

function byContainerKey(series: readonly PromSeries[]): Map<string, Sample[]> {
  const map = new Map<string, Sample[]>();
  for (const one of series) {
    const key = containerKey(one.labels);
    if (key !== undefined) {
      map.set(key, one.samples);
    }
  }
  return map;
}

/**
 * Returns the keys of the live containers. With the default queries these are the containers
 * that the instant query finds, with a sample within Prometheus' 5-minute lookback. With a custom
 * usage query they are those whose result has a sample at the evaluation instant.
 */
function liveKeys(data: RawData, containers: ReadonlyMap<string, ContainerSeries>, atSeconds: number): Set<string> {
  if (data.live !== undefined) {
    return new Set(data.live.map((series) => containerKey(series.labels)).filter((key): key is string => key !== undefined));
  }
  const keys = new Set<string>();
  for (const [key, group] of containers) {
    if (group.byId.some((entry) => entry.samples.at(-1)?.t === atSeconds)) {
      keys.add(key);
    }
  }
  return keys;
}

/** Collects the earlier (not live) pods per `namespace/workload/container`, each pod's samples joined, oldest pod first. */
function earlierPodsByWorkload(
  containers: ReadonlyMap<string, ContainerSeries>,
  live: ReadonlySet<string>,
  workloadKeyOf: (group: ContainerSeries) => string,
): Map<string, { pod: string; samples: Sample[] }[]> {
  const earlier = new Map<string, { pod: string; samples: Sample[] }[]>();
  for (const [key, group] of containers) {
    if (live.has(key)) {
      continue;
    }
    const samples = flattenContainerIds(joinContainerIds(group.byId));
    if (samples.length === 0) {
      continue;
    }
    const workloadKey = workloadKeyOf(group);
    const pods = earlier.get(workloadKey) ?? [];
    pods.push({ pod: group.pod, samples });
    earlier.set(workloadKey, pods);
  }
  for (const pods of earlier.values()) {
    pods.sort((a, b) => a.samples[0].t - b.samples[0].t);
  }
  return earlier;
}

function dataWarnings(unlabelled: readonly PromSeries[], usageSeriesCount: number, customUsage: boolean, range: { startSeconds: number; endSeconds: number }): string[] {
  const warnings: string[] = [];
  if (unlabelled.length > 0) {
    const example = JSON.stringify(unlabelled[0].labels);
    warnings.push(
      `Skipped ${unlabelled.length} usage series without namespace, pod and container labels (for example ${example}); ` +
        'a custom usage query must return one series per namespace/pod/container, for example with max by (namespace, pod, container).',
    );
  }
  if (usageSeriesCount === 0) {
    const source = customUsage ? 'The custom usage query' : 'container_memory_working_set_bytes with the selector';
    warnings.push(
      `${source} returned no series between ${formatInstant(range.startSeconds)} and ${formatInstant(range.endSeconds)}; ` +
        'check the selector and that cAdvisor metrics are scraped.',
    );
  }
  return warnings;
}

/** Returns the histories of one batch's data, keyed as `liveKeys` finds them. */
function assembleHistories(data: RawData, options: CheckOptions, range: QueryRange): { histories: ContainerHistory[]; unlabelled: PromSeries[] } {
  const { stepSeconds, endSeconds: atSeconds } = range;
  const { containers, unlabelled } = groupByContainer(data.usage);
  const live = liveKeys(data, containers, atSeconds);
  // Crash-looping containers are judged even when they have no working set at this instant. A
  // custom usage query chooses the containers itself, so none are added to it.
  const restarting = options.usageQuery === undefined ? recentlyRestartedContainers(data.restartCounters, atSeconds) : new Map<string, RestartingContainer>();
  for (const key of restarting.keys()) {
    live.add(key);
  }
  const workloadKeyOf = (group: ContainerSeries): string =>
    `${group.namespace}/${workloadOf(group.namespace, group.pod, data.owners).name}/${group.container}`;
  const earlier = earlierPodsByWorkload(containers, live, workloadKeyOf);
  const counters = byContainerKey(data.restartCounters);
  const oomKilled = byContainerKey(data.oomKilled);
  const limits = new LimitIndex(data.limits);

  const histories: ContainerHistory[] = [];
  for (const key of [...live].sort()) {
    const group = containers.get(key) ?? groupWithoutUsage(restarting.get(key));
    if (group === undefined) {
      continue;
    }
    const workloadKey = workloadKeyOf(group);
    histories.push({
      id: workloadKey,
      labels: group.byId.length > 0 ? reportLabels(group) : { namespace: group.namespace, pod: group.pod, container: group.container },
      usageByContainerId: joinContainerIds(group.byId),
      earlierPods: earlier.get(workloadKey) ?? [],
      restarts: restartEventsFromCounter(counters.get(key) ?? [], oomKilled.get(key) ?? [], range.startSeconds, stepSeconds),
      limitBytes: limits.limitFor(group) ?? options.fallbackLimitBytes ?? null,
      stepSeconds,
      evaluatedAt: atSeconds,
      lookbackSeconds: options.lookbackSeconds,
    });
  }
  return { histories, unlabelled };
}

/** One batch to read: the selector's matchers, plus a namespace matcher when the batch is not every namespace. */
interface PlannedBatch {
  readonly matchers: LabelMatcher[];
  /** Live series of the batch's namespaces; undefined for a custom usage query, which has none. */
  readonly live: PromSeries[] | undefined;
  /** Keeps only the histories of the shard's namespaces, for a custom usage query that cannot be narrowed. */
  readonly keepHistory: (history: ContainerHistory) => boolean;
  /** Pods with a restart counter above zero, or undefined when unknown; only their counters are read. */
  readonly restartingPods?: Promise<string[] | undefined>;
}

/** Batches read ahead of the one the caller judges. */
const BATCHES_AHEAD = 2;

/**
 * Maximum window of the instant query that finds the restarting containers. Amazon Managed
 * Service for Prometheus rejects instant queries whose range selectors reach back 32 days or
 * more, so longer lookbacks read every restart counter instead.
 */
const MAX_RESTARTING_WINDOW_SECONDS = 31 * 86400;

/** Returns the pods of the restarting containers in these namespaces, or undefined when unknown. */
function restartingPodsIn(restarting: readonly string[] | undefined, namespaces: ReadonlySet<string> | undefined): string[] | undefined {
  if (restarting === undefined) {
    return undefined;
  }
  const pods: string[] = [];
  for (const key of restarting) {
    const [namespace, pod] = key.split('/');
    if (namespaces === undefined || namespaces.has(namespace)) {
      pods.push(pod);
    }
  }
  return pods;
}

/**
 * Plans the batches. With the default queries, the live series come first: they tell which
 * namespaces hold live containers and how many, so that each batch's queries can be narrowed
 * to its namespaces. A custom usage query is read as one batch.
 */
async function planBatches(client: PrometheusClient, options: CheckOptions, matchers: LabelMatcher[], range: QueryRange, fetchOptions: FetchHistoriesOptions): Promise<PlannedBatch[]> {
  const { shard } = options;
  if (options.usageQuery !== undefined) {
    const keepHistory = (history: ContainerHistory): boolean => shard === undefined || namespaceInShard(history.labels.namespace ?? '', shard);
    return [{ matchers, live: undefined, keepHistory }];
  }

  const knowsRestarting = range.endSeconds - range.startSeconds + range.stepSeconds <= MAX_RESTARTING_WINDOW_SECONDS;
  const live = await readLiveSeries(client, matchers, range.endSeconds, fetchOptions.planner);
  const batchContainers = fetchOptions.batchContainers ?? DEFAULT_BATCH_CONTAINERS;
  let plan = planNamespaceBatches(live, batchContainers, shard);
  if (plan.restrictsNamespaces) {
    plan = planNamespaceBatches(live, batchContainers, shard, await readRestartCounterNamespaces(client, matchers, range, fetchOptions.planner));
  }

  // The restarting containers are read while the first batch's other queries run, because only
  // its restart query needs them. A shard reads them from its own namespaces: reading every
  // namespace's counters in every shard would multiply that query's cost by the shards.
  const shardNamespaces = plan.batches.flatMap((batch) => batch.namespaces);
  const restartingMatchers = shard === undefined ? matchers : [...matchers, namespacesMatcher(shardNamespaces)];
  const restarting =
    knowsRestarting && shardNamespaces.length > 0 ? readRestartingContainers(client, restartingMatchers, range, fetchOptions.planner) : Promise.resolve(undefined);
  // A failure surfaces in the first batch that awaits it, not as an unhandled rejection.
  restarting.catch(() => undefined);

  if (!plan.restrictsNamespaces) {
    return [{ matchers, live, keepHistory: () => true, restartingPods: restarting.then((keys) => restartingPodsIn(keys, undefined)) }];
  }
  return plan.batches.map((batch) => {
    const namespaces = new Set(batch.namespaces);
    return {
      matchers: [...matchers, namespacesMatcher(batch.namespaces)],
      live: live.filter((series) => namespaces.has(series.labels.namespace)),
      keepHistory: () => true,
      restartingPods: restarting.then((keys) => restartingPodsIn(keys, namespaces)),
    };
  });
}

/**
 * Fetches the memory history of every live container for one check at `atSeconds`, in batches
 * of namespaces. Each batch's queries are narrowed to its namespaces, and the next batch is read
 * while the caller works on the current one, so a large cluster's samples are never all in
 * memory at once. Every batch is yielded, even an empty one, and the warnings of the
 * whole check come with the last.
 *
 * The usage range ends exactly at `atSeconds` and covers the lookback in steps of
 * `stepSeconds`. Each sample is the peak working set of the step that ends at its time. A custom
 * `usageQuery` or `limitQuery` replaces the default expression as given and should return one
 * series per namespace/pod/container. Series without those labels are skipped with a warning.
 * With `options.shard`, only the namespaces of that shard are read.
 *
 * @throws UsageError when the selector is not a list of label matchers
 * @throws PrometheusError when a query fails, also after splitting; never an empty result instead
 */
export async function* fetchContainerHistoryBatches(
  client: PrometheusClient,
  options: CheckOptions,
  atSeconds: number,
  fetchOptions: FetchHistoriesOptions = {},
): AsyncGenerator<FetchedHistories> {
  const matchers = parseSelector(options.selector);
  const stepSeconds =
    fetchOptions.stepSeconds === undefined
      ? defaultStepSeconds(options.lookbackSeconds)
      : resolveStepSeconds(options.lookbackSeconds, fetchOptions.stepSeconds);
  const range: QueryRange = {
    startSeconds: atSeconds - Math.floor(options.lookbackSeconds / stepSeconds) * stepSeconds,
    endSeconds: atSeconds,
    stepSeconds,
  };
  const droppedBefore = client.stats.nonFiniteSamplesDropped;
  const backendWarningsBefore = client.stats.warnings.length;

  const batches = await planBatches(client, options, matchers, range, fetchOptions);
  const read = (batch: PlannedBatch) =>
    readBatch(client, options, batch.matchers, range, fetchOptions.planner, batch.live, batch.restartingPods).then((data) => {
      const { histories, unlabelled } = assembleHistories(data, options, range);
      return { histories: histories.filter(batch.keepHistory), unlabelled, usageSeries: data.usage.length };
    });

  const unlabelled: PromSeries[] = [];
  let usageSeries = 0;
  const pending: ReturnType<typeof read>[] = [];
  const readAhead = (upTo: number): void => {
    while (pending.length + readCount <= upTo && pending.length + readCount < batches.length) {
      const reading = read(batches[pending.length + readCount]);
      // A failure of a later batch surfaces when it is awaited, not as an unhandled rejection.
      reading.catch(() => undefined);
      pending.push(reading);
    }
  };
  let readCount = 0;
  readAhead(0);
  for (let index = 0; index < batches.length; index += 1) {
    const current = await pending.shift()!;
    readCount += 1;
    // Read the next batches while the caller judges this one, so that Prometheus always has a
    // batch to work on: with one batch ahead it finished that batch during the judging and then
    // waited for the caller.
    readAhead(index + BATCHES_AHEAD);
    // One turn of the event loop puts the next batch's requests on the wire before the caller's
    // synchronous work on this batch would hold them back.
    await new Promise((resolve) => setImmediate(resolve));
    unlabelled.push(...current.unlabelled);
    usageSeries += current.usageSeries;

    const last = index === batches.length - 1;
    const warnings = last ? checkWarnings(client, options, range, unlabelled, usageSeries, droppedBefore, backendWarningsBefore) : [];
    yield { histories: current.histories, stepSeconds, warnings };
  }
  if (batches.length === 0) {
    // Only a shard can leave no batch: the other namespaces hold every live container.
    const shard = options.shard!;
    yield { histories: [], stepSeconds, warnings: [`No namespace with live containers falls in shard ${shard.index}/${shard.count}; the other shards check them all.`] };
  }
}

/** Collects the warnings of a whole check: skipped series, no data, non-finite samples, and the backend's own. */
function checkWarnings(
  client: PrometheusClient,
  options: CheckOptions,
  range: QueryRange,
  unlabelled: readonly PromSeries[],
  usageSeries: number,
  droppedBefore: number,
  backendWarningsBefore: number,
): string[] {
  const warnings = dataWarnings(unlabelled, usageSeries, options.usageQuery !== undefined, range);
  const dropped = client.stats.nonFiniteSamplesDropped - droppedBefore;
  if (dropped > 0) {
    warnings.push(`Skipped ${dropped} samples that were NaN, +Inf or -Inf.`);
  }
  for (const warning of client.stats.warnings.slice(backendWarningsBefore)) {
    warnings.push(`Prometheus warned: ${warning}`);
  }
  return warnings;
}

/**
 * Fetches the memory history of every live container for one check at `atSeconds`, as
 * {@link fetchContainerHistoryBatches} does, and returns all of it at once, sorted by namespace,
 * pod and container.
 *
 * @throws UsageError when the selector is not a list of label matchers
 * @throws PrometheusError when a query fails, also after splitting; never an empty result instead
 */
export async function fetchContainerHistories(
  client: PrometheusClient,
  options: CheckOptions,
  atSeconds: number,
  fetchOptions: FetchHistoriesOptions = {},
): Promise<FetchedHistories> {
  const histories: ContainerHistory[] = [];
  const warnings: string[] = [];
  let stepSeconds = 0;
  let batches = 0;
  for await (const batch of fetchContainerHistoryBatches(client, options, atSeconds, fetchOptions)) {
    histories.push(...batch.histories);
    warnings.push(...batch.warnings);
    stepSeconds = batch.stepSeconds;
    batches += 1;
  }
  if (batches > 1) {
    // Batches follow namespace order, which is not always the order of the joined keys ("a-b/" sorts before "a/").
    const keyOf = (history: ContainerHistory): string => `${history.labels.namespace}/${history.labels.pod}/${history.labels.container}`;
    histories.sort((a, b) => {
      const left = keyOf(a);
      const right = keyOf(b);
      if (left === right) {
        return 0;
      }
      return left < right ? -1 : 1;
    });
  }
  return { histories, stepSeconds, warnings };
}
