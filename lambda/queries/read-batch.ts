/**
 * The queries of one check, or of one batch of its namespaces: usage, live series, limits,
 * restarts and owners, sent in parallel.
 */
import { CheckOptions } from '../config/check-options';
import { PrometheusClient } from '../prometheus/client';
import { PrometheusError } from '../prometheus/errors';
import { LabelSplit, queryInstantPlanned, queryRangePlanned, RangePlannerOptions } from '../prometheus/range-planner';
import { PromSeries } from '../prometheus/response';
import * as queries from './default-queries';
import { LabelMatcher, labelValuesMatcher, parseSelector } from './selector';
import { buildOwnerIndex, OwnerIndex } from './workloads';

/**
 * Owner metrics only need each pod's labels once, so they are read at a coarser step. Six hours
 * keeps a week to 28 points per pod, and `last_over_time` over the step still finds short-lived pods.
 */
const OWNER_STEP_SECONDS = 6 * 3600;

/** Returns the window for the latest limit sample: at least two steps and two hours, so sparse data still has one. */
function limitWindowSeconds(stepSeconds: number): number {
  return Math.max(2 * stepSeconds, 7200);
}

/** The results of one batch's queries. */
export interface RawData {
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

/** The time range and step of one check's range queries. */
export interface QueryRange {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly stepSeconds: number;
}

/**
 * Sends the queries of one batch in parallel.
 *
 * @param knownLive - the live series of the batch when the caller has already read them; the
 *   live query is then not sent again
 * @param restartingPods - the pods whose restart counter is above zero somewhere in the range,
 *   or undefined when unknown. Only these pods' restart counters are read, and none when there
 *   are none; the other queries do not wait for them. @default - every pod's counter is read
 */
export async function readBatch(
  client: PrometheusClient,
  options: CheckOptions,
  matchers: LabelMatcher[],
  range: QueryRange,
  planner: RangePlannerOptions | undefined,
  knownLive?: PromSeries[],
  restartingPods?: Promise<readonly string[] | undefined>,
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
  // A custom usage query has no live query: its own samples at the instant tell what is live.
  const liveRequest = knownLive !== undefined || options.usageQuery !== undefined ? Promise.resolve(knownLive) : readLiveSeries(client, matchers, endSeconds, planner);
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
  const restartRequest = readRestartCounters(client, matchers, range, planner, restartsSelector, restartingPods);
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

/** Reads the series with a working set at `timeSeconds`, one per container id. */
export function readLiveSeries(client: PrometheusClient, matchers: LabelMatcher[], timeSeconds: number, planner: RangePlannerOptions | undefined): Promise<PromSeries[]> {
  const workingSet = queries.SERIES_SELECTORS.workingSet(matchers);
  return queryInstantPlanned(client, { expr: queries.liveQuery(matchers), timeSeconds, splitBy: byNamespace(matchers, queries.liveQuery, workingSet) }, planner);
}

/**
 * Reads the namespaces with a current restart counter. A namespace whose only containers are
 * crash-looping may have no working set at the instant, and still needs its batch.
 */
export async function readRestartCounterNamespaces(client: PrometheusClient, matchers: LabelMatcher[], range: QueryRange, planner: RangePlannerOptions | undefined): Promise<string[]> {
  const series = await queryInstantPlanned(client, { expr: queries.restartCounterNamespacesQuery(matchers, range.stepSeconds), timeSeconds: range.endSeconds }, planner);
  return series.map((one) => one.labels.namespace).filter((namespace): namespace is string => namespace !== undefined && namespace !== '');
}

/**
 * Maximum restarting pods per batch that the restart query names. With more, the pod matcher
 * would be long and select most of the batch anyway.
 */
const MAX_NAMED_RESTARTING_PODS = 200;

/** Reads the restart counters of a batch, of only the restarting pods when they are known. */
async function readRestartCounters(
  client: PrometheusClient,
  matchers: LabelMatcher[],
  range: QueryRange,
  planner: RangePlannerOptions | undefined,
  restartsSelector: string,
  restartingPodsRequest: Promise<readonly string[] | undefined> | undefined,
): Promise<PromSeries[]> {
  const restartingPods = await restartingPodsRequest;
  if (restartingPods !== undefined && restartingPods.length === 0) {
    return [];
  }
  const named = restartingPods !== undefined && restartingPods.length <= MAX_NAMED_RESTARTING_PODS ? [...matchers, labelValuesMatcher('pod', restartingPods)] : matchers;
  return queryRangePlanned(
    client,
    { ...range, expr: queries.restartsQuery(named, range.stepSeconds), splitBy: byNamespace(named, (all) => queries.restartsQuery(all, range.stepSeconds), restartsSelector) },
    planner,
  );
}

/**
 * Reads which containers have a restart counter above zero anywhere in the range: the only ones
 * whose counter can hold a restart event or a recent rise. An all-zero counter gives neither, so
 * leaving it out changes no history, and most of the counters of a healthy cluster are zero.
 *
 * @returns `namespace/pod/container` of each such container, or undefined when the backend
 *   rejects the query for its size
 */
export async function readRestartingContainers(
  client: PrometheusClient,
  matchers: LabelMatcher[],
  range: QueryRange,
  planner: RangePlannerOptions | undefined,
): Promise<string[] | undefined> {
  // The window reaches one step before the range, as the first step of the restart query does.
  const windowSeconds = range.endSeconds - range.startSeconds + range.stepSeconds;
  const build = (all: LabelMatcher[]): string => queries.restartingContainersQuery(all, windowSeconds);
  let series: PromSeries[];
  try {
    series = await queryInstantPlanned(
      client,
      { expr: build(matchers), timeSeconds: range.endSeconds, splitBy: byNamespace(matchers, build, queries.SERIES_SELECTORS.restarts(matchers)) },
      planner,
    );
  } catch (error) {
    // Too large even split by namespace: every counter is read instead, by range queries that
    // can also be split in time.
    if (error instanceof PrometheusError && error.kind === 'limit') {
      return undefined;
    }
    throw error;
  }
  return series
    .filter((one) => one.samples.some((sample) => sample.v > 0))
    .map((one) => `${one.labels.namespace}/${one.labels.pod}/${one.labels.container}`);
}
