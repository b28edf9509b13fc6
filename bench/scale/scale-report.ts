/** The table of `npm run bench:scale`, as plain text for the terminal and Markdown for the docs. */
import { renderMarkdownTable, renderTable, type Alignment } from '../support/table';
import type { LambdaBundleFacts } from './bundles';
import type { DatasetSummary } from './dataset';
import type { PredictLinearCost } from './predict-linear';
import type { CheckMeasurement, FloorMeasurement } from './run-scale';
import type { StateWriteMeasurement } from './state-writes';

/** Targets of the benchmark. */
export const TARGETS = {
  checkToFloorRatio: 1.3,
  peakMemoryBytes: 256 * 2 ** 20,
  bundleBytes: 1.5e6,
};

export interface ScaleResults {
  readonly machine: Record<string, string>;
  readonly dataset: DatasetSummary;
  readonly check: CheckMeasurement;
  readonly floor: FloorMeasurement;
  readonly shard: { readonly count: number; readonly selector: string; readonly check: CheckMeasurement; readonly floor: FloorMeasurement };
  readonly predictLinear: PredictLinearCost;
  readonly stateWrites: StateWriteMeasurement;
  readonly bundle: LambdaBundleFacts;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const millions = (count: number): string => `${(count / 1e6).toFixed(2)} M`;
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');

function rows(results: ScaleResults): string[][] {
  const { check, floor, shard, predictLinear, stateWrites, bundle } = results;
  const checkRatio = check.elapsedMs / floor.floorMs;
  const shardRatio = shard.check.elapsedMs / shard.floor.floorMs;
  const samplesReturned = check.requests.reduce((sum, request) => sum + request.samplesReturned, 0);
  const everySecond = stateWrites.everyState.secondCheck;
  const selectedSecond = stateWrites.selected.secondCheck;
  return [
    ['check time, 10,000 containers', seconds(check.elapsedMs), `floor ${seconds(floor.floorMs)}`, ratio(checkRatio), `≤ ${TARGETS.checkToFloorRatio}× floor: ${verdict(checkRatio <= TARGETS.checkToFloorRatio)}`],
    ['  CPU time of the check process', seconds(check.cpuMs), '', '', ''],
    ['  floor: requests one at a time / all at once', `${seconds(floor.sequentialMs)} / ${seconds(floor.concurrentMs)}`, `${check.requests.length} requests`, '', ''],
    ['peak memory (max RSS)', mebibytes(check.maxRssBytes), '', '', `< 256 MiB: ${verdict(check.maxRssBytes < TARGETS.peakMemoryBytes)}`],
    ['samples processed per check (Prometheus)', millions(floor.queryableSamples), `${millions(samplesReturned)} returned`, '', ''],
    ['response bytes per check', mebibytes(floor.responseBytes), '', '', ''],
    ['predict_linear rule, instant query', seconds(predictLinear.instantQueryMs), `${millions(predictLinear.samplesPerEvaluation)} samples`, ratio(check.elapsedMs / predictLinear.instantQueryMs), `check ÷ rule; fires for ${predictLinear.firingSeries}`],
    ['predict_linear rule, 24 hourly evaluations', seconds(predictLinear.ruleBackfillMs), `${seconds(predictLinear.ruleBackfillMs / predictLinear.ruleEvaluations)} each`, '', 'promtool rule backfill'],
    [
      'DynamoDB writes, 2nd hourly check, every state',
      `${everySecond.puts + everySecond.deletes}`,
      `${everySecond.writeUnits} WCU`,
      '',
      `${stateWrites.ids} ids, ${stateWrites.everyState.materiallyChanged} changed`,
    ],
    ['DynamoDB writes, 2nd hourly check, selectStateWrites', `${selectedSecond.puts + selectedSecond.deletes}`, `${selectedSecond.writeUnits} WCU`, '', `changed states only: ${verdict(selectedSecond.puts + selectedSecond.deletes <= stateWrites.selected.materiallyChanged + 1)}`],
    ['Lambda bundle (minified, SDK bundled)', `${(bundle.bundleBytes / 1e6).toFixed(2)} MB`, `map ${(bundle.sourceMapBytes / 1e6).toFixed(1)} MB`, '', `< 1.5 MB: ${verdict(bundle.bundleBytes < TARGETS.bundleBytes)}`],
    ['cold start: node -e "require(bundle)"', `${bundle.coldStartMs.toFixed(0)} ms`, `bare node ${bundle.bareNodeMs.toFixed(0)} ms`, '', `median of ${bundle.runs}`],
    [`one shard of ${shard.count} (a quarter of the namespaces)`, seconds(shard.check.elapsedMs), `floor ${seconds(shard.floor.floorMs)}`, ratio(shardRatio), `${shard.check.runs[0].containers} containers`],
    ['  shard peak memory / CPU time', `${mebibytes(shard.check.maxRssBytes)} / ${seconds(shard.check.cpuMs)}`, '', '', ''],
  ];
}

const HEADERS = ['measure', 'value', 'reference', 'ratio', 'target or note'];
const ALIGNMENTS: Alignment[] = ['left', 'right', 'right', 'right', 'left'];

/** Renders the results as a terminal table and as a Markdown table. */
export function scaleReport(results: ScaleResults): { text: string; markdown: string } {
  const table = rows(results);
  const { dataset } = results;
  const header =
    `${dataset.liveContainerCount} live containers (${Object.entries(dataset.liveContainersByShape).map(([shape, count]) => `${count} ${shape}`).join(', ')}), ` +
    `${dataset.podCount} pods, ${dataset.seriesCount} series, ${millions(dataset.sampleCount)} samples over ${(dataset.options.historySeconds / 86400).toFixed(2)} days`;
  return {
    text: `${header}\n\n${renderTable(HEADERS, table, ALIGNMENTS)}`,
    markdown: `${header}\n\n${renderMarkdownTable(HEADERS, table, ALIGNMENTS)}`,
  };
}
