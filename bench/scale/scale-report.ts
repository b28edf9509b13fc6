/** The table of `npm run bench:scale`, as plain text for the terminal and Markdown for the docs. */
import { renderMarkdownTable, renderTable, type Alignment } from '../support/table';
import type { LambdaBundleFacts } from './bundles';
import type { DatasetSummary } from './dataset';
import type { PredictLinearCost } from './predict-linear';
import type { WorkerResult } from './check-worker';
import type { PinnedMeasurement } from './pinned';
import type { RecordedRequest } from './recording-client';
import type { StateWriteMeasurement } from './state-writes';

/** Targets of the benchmark. */
export const TARGETS = {
  checkToFloorRatio: 1.3,
  peakMemoryBytes: 256 * 2 ** 20,
  bundleBytes: 1.5e6,
};

/** A check run several times, with the requests of its first run. */
export interface CheckMeasurement {
  readonly runs: WorkerResult[];
  readonly elapsedMs: number;
  readonly cpuMs: number;
  /** CPU time Prometheus spent while the check ran, from its process_cpu_seconds_total. */
  readonly prometheusCpuMs: number;
  readonly maxRssBytes: number;
  readonly requests: RecordedRequest[];
}

/** The floor: Prometheus serving the recorded requests of a check, with bodies read and dropped. */
export interface FloorMeasurement {
  /** Requests the check had in flight at most, and so the replay's concurrency. */
  readonly concurrency: number;
  /** Median replay with the check's concurrency: the floor the check is measured against. */
  readonly asIssuedMs: number;
  readonly sequentialMs: number;
  readonly allAtOnceMs: number;
  readonly responseBytes: number;
  readonly queryableSamples: number;
  /** Samples per metric and query type, such as `container_memory_working_set_bytes (range)`. */
  readonly queryableSamplesByQuery: Record<string, number>;
}

/** Agreement of the check and the rule with the generator's truth: which live containers leak. */
export interface AlertAgreement {
  readonly leakingContainers: number;
  readonly checkAtRisk: number;
  readonly checkLeaksFound: number;
  readonly ruleFiring: number;
  readonly ruleLeaksFound: number;
}

/** Compares the containers the check and the rule flag with the containers that leak. */
export function alertAgreement(leakKeys: ReadonlySet<string>, checkAtRiskKeys: readonly string[], ruleFiringKeys: readonly string[]): AlertAgreement {
  const found = (keys: readonly string[]): number => new Set(keys.filter((key) => leakKeys.has(key))).size;
  return {
    leakingContainers: leakKeys.size,
    checkAtRisk: new Set(checkAtRiskKeys).size,
    checkLeaksFound: found(checkAtRiskKeys),
    ruleFiring: new Set(ruleFiringKeys).size,
    ruleLeaksFound: found(ruleFiringKeys),
  };
}

export interface ScaleResults {
  readonly measuredAt: string;
  readonly label: string;
  readonly sourceRoot: string;
  readonly machine: Record<string, string>;
  /** Cores of the machine, which the checker and Prometheus share. */
  readonly cores: number;
  /** 1, 5 and 15 minute load averages before and after the run: other work on the machine skews timings. */
  readonly loadAverage: { readonly before: number[]; readonly after: number[] };
  readonly dataset: DatasetSummary;
  readonly checkAtSeconds: number;
  readonly check: CheckMeasurement;
  readonly floor: FloorMeasurement;
  /** The check and its floor with Prometheus and the checker on one core each; undefined without `taskset`. */
  readonly pinned: PinnedMeasurement | undefined;
  /** V8 flags of the deployed function, with which the check, its shard and the pinned check ran. */
  readonly checkerFlags: readonly string[];
  /** One check with node's own heap sizing and no flags. */
  readonly defaultHeap: WorkerResult;
  /** One check with the heap limits of a 256 MB function, or why it failed. */
  readonly lambdaSized: { readonly nodeFlags: readonly string[]; readonly run: WorkerResult | { readonly failure: string } };
  readonly shard: { readonly count: number; readonly selector: string; readonly check: CheckMeasurement; readonly floor: FloorMeasurement };
  readonly predictLinear: PredictLinearCost;
  readonly agreement: AlertAgreement;
  readonly stateWrites: StateWriteMeasurement;
  readonly bundle: LambdaBundleFacts;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const millions = (count: number): string => `${(count / 1e6).toFixed(2)} M`;
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');

function rows(results: ScaleResults): string[][] {
  const { check, floor, lambdaSized, shard, predictLinear, stateWrites, bundle } = results;
  const checkRatio = check.elapsedMs / floor.asIssuedMs;
  const shardRatio = shard.check.elapsedMs / shard.floor.asIssuedMs;
  const samplesReturned = check.requests.reduce((sum, request) => sum + request.samplesReturned, 0);
  const writesOf = (counts: { puts: number; deletes: number }): string => `${counts.puts + counts.deletes}`;
  const everySecond = stateWrites.everyState.secondCheck;
  const selectedSecond = stateWrites.selected.secondCheck;
  return [
    ['check time, 10,000 containers', seconds(check.elapsedMs), `floor ${seconds(floor.asIssuedMs)}`, ratio(checkRatio), `≤ ${TARGETS.checkToFloorRatio}× floor: ${verdict(checkRatio <= TARGETS.checkToFloorRatio)}`],
    ['  floor one request at a time / all at once', `${seconds(floor.sequentialMs)} / ${seconds(floor.allAtOnceMs)}`, `${check.requests.length} requests`, ratio(check.elapsedMs / floor.allAtOnceMs), 'check ÷ all at once'],
    ['  CPU time of the check / of Prometheus meanwhile', `${seconds(check.cpuMs)} / ${seconds(check.prometheusCpuMs)}`, `both ÷ ${results.cores} cores`, ratio(check.elapsedMs / ((check.cpuMs + check.prometheusCpuMs) / results.cores)), `check ÷ ${seconds((check.cpuMs + check.prometheusCpuMs) / results.cores)} of CPU per core`],
    ...(results.pinned === undefined
      ? []
      : [
          [
            '  on separate cores: check / floor',
            `${seconds(results.pinned.elapsedMs)} / ${seconds(results.pinned.floorMs)}`,
            `CPU ${seconds(results.pinned.cpuMs)}`,
            ratio(results.pinned.elapsedMs / results.pinned.floorMs),
            `checker on core ${results.pinned.checkerCore}, Prometheus on core ${results.pinned.prometheusCore}`,
          ],
        ]),
    ['peak memory (max RSS), as deployed', mebibytes(check.maxRssBytes), '', '', `< 256 MiB: ${verdict(check.maxRssBytes < TARGETS.peakMemoryBytes)}; ${results.checkerFlags.join(' ')}`],
    ["  node's default heap, no flags", mebibytes(results.defaultHeap.maxRssBytes), seconds(results.defaultHeap.elapsedMs), '', `CPU ${seconds(results.defaultHeap.cpuMs)}`],
    'failure' in lambdaSized.run
      ? ['peak memory, heap of a 256 MB Lambda', 'failed', '', '', `${lambdaSized.run.failure} with ${lambdaSized.nodeFlags.join(' ')}`]
      : ['peak memory, heap of a 256 MB Lambda', mebibytes(lambdaSized.run.maxRssBytes), seconds(lambdaSized.run.elapsedMs), '', lambdaSized.nodeFlags.join(' ')],
    ['samples processed per check (Prometheus)', millions(floor.queryableSamples), `${millions(samplesReturned)} returned`, '', ''],
    ['response bytes per check (compressed)', mebibytes(floor.responseBytes), '', '', ''],
    ['predict_linear rule, instant query', seconds(predictLinear.instantQueryMs), `${millions(predictLinear.samplesPerEvaluation)} samples`, ratio(check.elapsedMs / predictLinear.instantQueryMs), `check ÷ rule; fires for ${predictLinear.firingSeries} containers`],
    [
      'containers flagged: check / rule',
      `${results.agreement.checkAtRisk} / ${results.agreement.ruleFiring}`,
      `${results.agreement.leakingContainers} leak`,
      '',
      `leaks among them: ${results.agreement.checkLeaksFound} / ${results.agreement.ruleLeaksFound}`,
    ],
    ['predict_linear rule, 24 hourly evaluations', seconds(predictLinear.ruleBackfillMs), `${seconds(predictLinear.ruleBackfillMs / predictLinear.ruleEvaluations)} each`, '', 'promtool rule backfill'],
    ['DynamoDB writes, first check', writesOf(stateWrites.everyState.firstCheck), `${stateWrites.everyState.firstCheck.writeUnits} WCU`, '', `selectStateWrites: ${writesOf(stateWrites.selected.firstCheck)}`],
    ['DynamoDB writes, next hour, every state', writesOf(everySecond), `${everySecond.writeUnits} WCU`, '', `${stateWrites.ids} ids, ${stateWrites.everyState.materiallyChanged} changed`],
    ['DynamoDB writes, next hour, selectStateWrites', writesOf(selectedSecond), `${selectedSecond.writeUnits} WCU`, '', `changed or at risk only: ${verdict(selectedSecond.puts + selectedSecond.deletes <= stateWrites.selected.materiallyChanged + stateWrites.selected.stillAtRisk)}`],
    ['Lambda bundle (minified, SDK bundled)', `${(bundle.bundleBytes / 1e6).toFixed(2)} MB`, `map ${(bundle.sourceMapBytes / 1e6).toFixed(1)} MB`, '', `< 1.5 MB: ${verdict(bundle.bundleBytes < TARGETS.bundleBytes)}`],
    ['cold start: node -e "require(bundle)"', `${bundle.coldStartMs.toFixed(0)} ms`, `bare node ${bundle.bareNodeMs.toFixed(0)} ms`, '', `median of ${bundle.runs}`],
    [`one shard of ${shard.count} (a quarter of the namespaces)`, seconds(shard.check.elapsedMs), `floor ${seconds(shard.floor.asIssuedMs)}`, ratio(shardRatio), `${shard.check.runs[0].containers} containers`],
    ['  shard peak memory / CPU time', `${mebibytes(shard.check.maxRssBytes)} / ${seconds(shard.check.cpuMs)}`, '', '', ''],
  ];
}

const HEADERS = ['measure', 'value', 'reference', 'ratio', 'target or note'];
const ALIGNMENTS: Alignment[] = ['left', 'right', 'right', 'right', 'left'];

/** Renders the results as a terminal table and as a Markdown table. */
export function scaleReport(results: ScaleResults): { text: string; markdown: string } {
  const table = rows(results);
  const { dataset, loadAverage } = results;
  const load = `load average ${loadAverage.before.map((value) => value.toFixed(1)).join(' ')} before, ${loadAverage.after.map((value) => value.toFixed(1)).join(' ')} after`;
  const header =
    `${dataset.liveContainerCount} live containers (${Object.entries(dataset.liveContainersByShape).map(([shape, count]) => `${count} ${shape}`).join(', ')}), ` +
    `${dataset.podCount} pods, ${dataset.seriesCount} series, ${millions(dataset.sampleCount)} samples over ${(dataset.options.historySeconds / 86400).toFixed(2)} days; ${load}`;
  return {
    text: `${header}\n\n${renderTable(HEADERS, table, ALIGNMENTS)}`,
    markdown: `${header}\n\n${renderMarkdownTable(HEADERS, table, ALIGNMENTS)}`,
  };
}
