/**
 * The cost to Prometheus of the usual alert: the `predict_linear` rule over the same containers,
 * as an instant query and as hourly rule evaluations.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from '../../lambda/local-prometheus/server';
import { fetchBody, queryableSamples } from './replay';

const execFileAsync = promisify(execFile);

/** The common alert: the 6-hour trend extrapolated 7 days ahead, above the container's limit. */
export const PREDICT_LINEAR_RULE =
  'predict_linear(container_memory_working_set_bytes{container!="",container!="POD"}[6h], 7*86400) ' +
  '> on(namespace,pod,container) group_left max by (namespace,pod,container)(kube_pod_container_resource_limits{resource="memory"})';

export interface PredictLinearCost {
  /** Median time of one instant query, response included. */
  readonly instantQueryMs: number;
  readonly instantQueryRuns: number;
  /** Samples Prometheus processed for one evaluation. */
  readonly samplesPerEvaluation: number;
  /** Series the rule returns: containers it would alert on. */
  readonly firingSeries: number;
  /** `namespace/pod/container` of each firing series. */
  readonly firingKeys: string[];
  /** Hourly evaluations that promtool's rule backfill ran, and how long they took together. */
  readonly ruleEvaluations: number;
  readonly ruleBackfillMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures the rule at `atSeconds`: `runs` instant queries, then `promtool tsdb
 * create-blocks-from rules` evaluating it as a recording rule every hour over the `evaluations`
 * hours up to `atSeconds`. promtool runs those evaluations as one range query with a 1-hour
 * step, as its rule backfill does, and writes the results into throwaway blocks.
 */
export async function measurePredictLinear(baseUrl: string, atSeconds: number, runs: number, evaluations: number): Promise<PredictLinearCost> {
  const instant = { method: 'POST' as const, path: '/api/v1/query', params: [['query', PREDICT_LINEAR_RULE], ['time', String(atSeconds)]] as [string, string][] };

  const durations: number[] = [];
  let body = '';
  for (let run = 0; run < runs; run += 1) {
    const startedMs = performance.now();
    body = await fetchBody(baseUrl, instant);
    durations.push(performance.now() - startedMs);
  }
  const result = (JSON.parse(body) as { data: { result: { metric: Record<string, string> }[] } }).data.result;
  const { total: samplesPerEvaluation } = await queryableSamples(baseUrl, [{ ...instant, startedAtMs: 0, durationMs: 0, seriesReturned: 0, samplesReturned: 0 }]);

  const workDirectory = await mkdtemp(join(tmpdir(), 'oom-forecast-scale-rules-'));
  try {
    const rulesPath = join(workDirectory, 'rules.yml');
    // JSON is valid YAML.
    await writeFile(rulesPath, JSON.stringify({ groups: [{ name: 'oom', interval: '1h', rules: [{ record: 'container:memory_predicted_over_limit:bytes', expr: PREDICT_LINEAR_RULE }] }] }));
    const startedMs = performance.now();
    await execFileAsync(findBinary('promtool'), [
      'tsdb',
      'create-blocks-from',
      'rules',
      `--url=${baseUrl}`,
      `--start=${atSeconds - (evaluations - 1) * 3600}`,
      `--end=${atSeconds}`,
      `--output-dir=${join(workDirectory, 'blocks')}`,
      '--quiet',
      rulesPath,
    ]);
    const ruleBackfillMs = performance.now() - startedMs;

    return {
      instantQueryMs: median(durations),
      instantQueryRuns: runs,
      samplesPerEvaluation,
      firingSeries: result.length,
      firingKeys: result.map(({ metric }) => `${metric.namespace}/${metric.pod}/${metric.container}`),
      ruleEvaluations: evaluations,
      ruleBackfillMs,
    };
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
}
