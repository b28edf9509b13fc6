/**
 * Reads everything one check needs from Prometheus and assembles a {@link ContainerHistory}
 * per live container: memory per container id, earlier pods of the same workload, restarts and
 * the current limit.
 */
import { CheckOptions } from '../config/check-options';
import { PrometheusClient } from '../prometheus/client';
import { LabelSplit, queryInstantPlanned, queryRangePlanned, RangePlannerOptions } from '../prometheus/range-planner';
import { PromSeries } from '../prometheus/response';
import { ContainerHistory, Sample } from '../types';
import { containerKey, ContainerSeries, flattenContainerIds, groupByContainer, joinContainerIds, reportLabels } from './container-series';
import * as queries from './default-queries';
import { LimitIndex } from './limits';
import { recentlyRestartedContainers, restartEventsFromCounter, RestartingContainer } from './restarts';
import { LabelMatcher, parseSelector } from './selector';
import { defaultStepSeconds, resolveStepSeconds } from './step';
import { buildOwnerIndex, OwnerIndex, workloadOf } from './workloads';

/** Options beyond {@link CheckOptions}. */
export interface FetchHistoriesOptions {
  /** Step between samples, in seconds; raised to at least 60 s and to the 11,000-point cap. @default - {@link defaultStepSeconds} of the lookback */
  readonly stepSeconds?: number;
  readonly planner?: RangePlannerOptions;
}

/** The histories of one check and what was noticed while reading them. */
export interface FetchedHistories {
  /** One per live namespace/pod/container, sorted by namespace, pod and container. */
  readonly histories: ContainerHistory[];
  readonly stepSeconds: number;
  /** Recoverable problems with the data, one sentence each, for the report or the log. */
  readonly warnings: string[];
}

/**
 * Owner metrics only need each pod's labels once, so they are read at a coarser step. Six hours
 * keeps a week to 28 points per pod, and `last_over_time` over the step still finds short-lived pods.
 */
const OWNER_STEP_SECONDS = 6 * 3600;

/** Returns the window for the latest limit sample: at least two steps and two hours, so sparse data still has one. */
function limitWindowSeconds(stepSeconds: number): number {
  return Math.max(2 * stepSeconds, 7200);
}

interface RawData {
  readonly usage: PromSeries[];
  /** Live series from the instant query; undefined for a custom usage query. */
  readonly live: PromSeries[] | undefined;
  readonly limits: PromSeries[];
  readonly restartCounters: PromSeries[];
  readonly oomKilled: PromSeries[];
  readonly owners: OwnerIndex;
}

/** Returns a split of a default query by namespace, for backends that reject it as too large. */
function byNamespace(matchers: readonly LabelMatcher[], build: (all: LabelMatcher[]) => string, seriesSelector: string): LabelSplit {
  return {
    label: 'namespace',
    seriesSelector,
    expressionFor: (extraMatcher) => build([...matchers, ...parseSelector(extraMatcher, 'namespace split')]),
  };
}

/** Sends the queries of one check in parallel. */
async function readAll(
  client: PrometheusClient,
  options: CheckOptions,
  matchers: LabelMatcher[],
  range: { startSeconds: number; endSeconds: number; stepSeconds: number },
  planner: RangePlannerOptions | undefined,
): Promise<RawData> {
  const { stepSeconds, endSeconds } = range;
  const ownerStepSeconds = Math.max(stepSeconds, OWNER_STEP_SECONDS);
  const ownerRange = {
    startSeconds: endSeconds - Math.floor((endSeconds - range.startSeconds) / ownerStepSeconds) * ownerStepSeconds,
    endSeconds,
    stepSeconds: ownerStepSeconds,
  };
  const workingSet = queries.SERIES_SELECTORS.workingSet(matchers);
  const restartsSelector = queries.SERIES_SELECTORS.restarts(matchers);
  const podOwnerSelector = queries.SERIES_SELECTORS.podOwner(matchers);

  const usageRequest =
    options.usageQuery === undefined
      ? queryRangePlanned(
          client,
          { ...range, expr: queries.usageQuery(matchers, stepSeconds), splitBy: byNamespace(matchers, (all) => queries.usageQuery(all, stepSeconds), workingSet) },
          planner,
        )
      : queryRangePlanned(client, { ...range, expr: options.usageQuery }, planner);
  const liveRequest =
    options.usageQuery === undefined
      ? queryInstantPlanned(
          client,
          { expr: queries.liveQuery(matchers), timeSeconds: endSeconds, splitBy: byNamespace(matchers, queries.liveQuery, workingSet) },
          planner,
        )
      : Promise.resolve(undefined);
  const limitRequest =
    options.limitQuery === undefined
      ? queryInstantPlanned(
          client,
          {
            expr: queries.limitQuery(matchers, limitWindowSeconds(stepSeconds)),
            timeSeconds: endSeconds,
            splitBy: byNamespace(matchers, (all) => queries.limitQuery(all, limitWindowSeconds(stepSeconds)), workingSet),
          },
          planner,
        )
      : queryInstantPlanned(client, { expr: options.limitQuery, timeSeconds: endSeconds }, planner);
  const restartRequest = queryRangePlanned(
    client,
    { ...range, expr: queries.restartsQuery(matchers, stepSeconds), splitBy: byNamespace(matchers, (all) => queries.restartsQuery(all, stepSeconds), restartsSelector) },
    planner,
  );
  const oomRequest = queryRangePlanned(
    client,
    { ...range, expr: queries.oomKilledQuery(matchers, stepSeconds), splitBy: byNamespace(matchers, (all) => queries.oomKilledQuery(all, stepSeconds), restartsSelector) },
    planner,
  );
  const ownerRequests = Promise.all(
    [queries.podOwnerQuery, queries.replicaSetOwnerQuery, queries.jobOwnerQuery].map((build) =>
      queryRangePlanned(
        client,
        { ...ownerRange, expr: build(matchers, ownerStepSeconds), splitBy: byNamespace(matchers, (all) => build(all, ownerStepSeconds), podOwnerSelector) },
        planner,
      ),
    ),
  );

  const [usage, live, limits, restartCounters, oomKilled, [podOwners, replicaSetOwners, jobOwners]] = await Promise.all([
    usageRequest,
    liveRequest,
    limitRequest,
    restartRequest,
    oomRequest,
    ownerRequests,
  ]);
  return { usage, live, limits, restartCounters, oomKilled, owners: buildOwnerIndex(podOwners, replicaSetOwners, jobOwners) };
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
      `${source} returned no series between ${new Date(range.startSeconds * 1000).toISOString()} and ${new Date(range.endSeconds * 1000).toISOString()}; ` +
        'check the selector and that cAdvisor metrics are scraped.',
    );
  }
  return warnings;
}

/**
 * Fetches the memory history of every live container for one check at `atSeconds`.
 *
 * The usage range ends exactly at `atSeconds` and covers the lookback in steps of
 * `stepSeconds`. Each sample is the peak working set of the step that ends at its time. A custom
 * `usageQuery` or `limitQuery` replaces the default expression as given and should return one
 * series per namespace/pod/container. Series without those labels are skipped with a warning.
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
  const matchers = parseSelector(options.selector);
  const stepSeconds =
    fetchOptions.stepSeconds === undefined
      ? defaultStepSeconds(options.lookbackSeconds)
      : resolveStepSeconds(options.lookbackSeconds, fetchOptions.stepSeconds);
  const range = {
    startSeconds: atSeconds - Math.floor(options.lookbackSeconds / stepSeconds) * stepSeconds,
    endSeconds: atSeconds,
    stepSeconds,
  };
  const droppedBefore = client.stats.nonFiniteSamplesDropped;
  const backendWarningsBefore = client.stats.warnings.length;

  const data = await readAll(client, options, matchers, range, fetchOptions.planner);

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
    });
  }

  const warnings = dataWarnings(unlabelled, data.usage.length, options.usageQuery !== undefined, range);
  const dropped = client.stats.nonFiniteSamplesDropped - droppedBefore;
  if (dropped > 0) {
    warnings.push(`Skipped ${dropped} samples that were NaN, +Inf or -Inf.`);
  }
  for (const warning of client.stats.warnings.slice(backendWarningsBefore)) {
    warnings.push(`Prometheus warned: ${warning}`);
  }
  return { histories, stepSeconds, warnings };
}
