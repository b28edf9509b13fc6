/**
 * `npm run bench:scale`: one check over 10,000 containers and 7 days against a real Prometheus,
 * measured against what Prometheus alone needs for the same requests.
 *
 * Environment:
 * - SCALE_RUNS (default 3): each timed part runs this often; medians are reported, and the
 *   maximum of the peak memory.
 * - SCALE_SOURCE_ROOT (default: this project): a copy of the project whose checker and Lambda
 *   bundle to measure, such as an older version exported with `git archive` (with this
 *   bench/scale copied in and node_modules linked), to compare before and after a change.
 * - SCALE_LABEL (default `scale`): the name of the result files in bench/results.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHECKER_V8_FLAGS } from '../../lib/parts/checker-v8-flags';
import { findBinary, startPrometheus } from '../../lambda/local-prometheus/server';
import type { Verdict } from '../../lambda/types';
import { RESULTS_DIRECTORY, writeResultsJson } from '../support/results';
import { maximum, median } from '../support/stats';
import { bundleCheckWorker, bundleLambdaHandler, measureLambdaBundle, PROJECT_ROOT } from './bundles';
import type { WorkerRequest, WorkerResult } from './check-worker';
import type { ClusterPlan } from './cluster-plan';
import { ensureDataset } from './dataset';
import { measurePinned } from './pinned';
import { measurePredictLinear } from './predict-linear';
import type { RecordedRequest } from './recording-client';
import { maxInFlight, prometheusCpuSeconds, queryableSamples, replayRequests } from './replay';
import { CHECK_AT_SECONDS, LAMBDA_256_MB_NODE_FLAGS, SCALE_CLUSTER, SHARD_COUNT } from './scale-config';
import { alertAgreement, scaleReport, type CheckMeasurement, type FloorMeasurement, type ScaleResults } from './scale-report';
import { measureStateWrites } from './state-writes';

const execFileAsync = promisify(execFile);

function log(message: string): void {
  process.stderr.write(`[bench:scale] ${message}\n`);
}

/** Runs one check in a child process, by default with the V8 flags of the deployed function. */
async function runWorker(workerPath: string, request: WorkerRequest, nodeFlags: readonly string[] = CHECKER_V8_FLAGS): Promise<WorkerResult> {
  const { stdout } = await execFileAsync(process.execPath, [...nodeFlags, workerPath, JSON.stringify(request)], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResult;
}

/**
 * Runs the check and the replays of its requests in turn, `runs` times, so that both see the
 * same load on the machine. The requests are those of the first run.
 */
async function measureCheckAndFloor(baseUrl: string, workerPath: string, request: WorkerRequest, runs: number, recordPath: string): Promise<{ check: CheckMeasurement; floor: FloorMeasurement }> {
  const results: WorkerResult[] = [];
  const prometheusCpuMs: number[] = [];
  const sequential: number[] = [];
  const asIssued: number[] = [];
  const allAtOnce: number[] = [];
  let requests: RecordedRequest[] = [];
  let responseBytes = 0;
  let concurrency = 1;

  for (let run = 0; run < runs; run += 1) {
    const cpuBefore = await prometheusCpuSeconds(baseUrl);
    results.push(await runWorker(workerPath, run === 0 ? { ...request, recordPath } : request));
    prometheusCpuMs.push(((await prometheusCpuSeconds(baseUrl)) - cpuBefore) * 1000);
    if (run === 0) {
      requests = JSON.parse(await readFile(recordPath, 'utf8')) as RecordedRequest[];
      concurrency = maxInFlight(requests);
    }
    const one = await replayRequests(baseUrl, requests, 1);
    sequential.push(one.wallMs);
    asIssued.push((await replayRequests(baseUrl, requests, concurrency)).wallMs);
    allAtOnce.push((await replayRequests(baseUrl, requests, Infinity)).wallMs);
    responseBytes = one.responseBytes;
    log(`  run ${run + 1}: check ${(results[run].elapsedMs / 1000).toFixed(1)} s, ${(results[run].maxRssBytes / 2 ** 20).toFixed(0)} MiB; floor ${(asIssued[run] / 1000).toFixed(1)} s`);
  }

  const check: CheckMeasurement = {
    runs: results,
    elapsedMs: median(results.map((result) => result.elapsedMs))!,
    cpuMs: median(results.map((result) => result.cpuMs))!,
    prometheusCpuMs: median(prometheusCpuMs)!,
    maxRssBytes: maximum(results.map((result) => result.maxRssBytes))!,
    requests,
  };
  const floor: FloorMeasurement = {
    concurrency,
    asIssuedMs: median(asIssued)!,
    sequentialMs: median(sequential)!,
    allAtOnceMs: median(allAtOnce)!,
    responseBytes,
    ...(await queryableSamples(baseUrl, requests).then(({ total, byQuery }) => ({ queryableSamples: total, queryableSamplesByQuery: byQuery }))),
  };
  return { check, floor };
}

async function machineFacts(): Promise<Record<string, string>> {
  const prometheusVersion = await execFileAsync(findBinary('prometheus'), ['--version']).then(
    ({ stdout, stderr }) => (stdout || stderr).split('\n')[0],
    () => 'unknown',
  );
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    prometheus: prometheusVersion,
  };
}

/** Namespaces of one shard of the selector-based split: every SHARD_COUNT-th one. */
function shardSelector(namespaces: readonly string[]): string {
  const chosen = namespaces.filter((_, index) => index % SHARD_COUNT === 0);
  return `namespace=~"${chosen.join('|')}"`;
}

/** Returns `namespace/pod/container` of every live container whose memory leaks. */
function leakingContainerKeys(plan: ClusterPlan): Set<string> {
  const keys = new Set<string>();
  for (const pod of plan.pods) {
    for (const container of pod.containers) {
      if (pod.endSeconds === plan.window.endSeconds && container.shape.kind === 'leak') {
        keys.add(`${pod.namespace}/${pod.name}/${container.name}`);
      }
    }
  }
  return keys;
}

/** Keeps the JSON readable: the query text shortened, the figures whole. */
function summarizeRequests(requests: readonly RecordedRequest[]): Record<string, unknown>[] {
  return requests.map((request) => ({
    path: request.path,
    query: (request.params.find(([name]) => name === 'query')?.[1] ?? '').slice(0, 160),
    startedAtMs: Math.round(request.startedAtMs),
    durationMs: Math.round(request.durationMs),
    seriesReturned: request.seriesReturned,
    samplesReturned: request.samplesReturned,
  }));
}

async function main(): Promise<void> {
  // The SDK's Node 20 end-of-support warning would only clutter the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const runs = Number(process.env.SCALE_RUNS ?? 3);
  const sourceRoot = process.env.SCALE_SOURCE_ROOT ?? PROJECT_ROOT;
  const label = process.env.SCALE_LABEL ?? 'scale';
  const loadBefore = loadavg();

  const dataset = await ensureDataset(SCALE_CLUSTER, log);
  log(`${dataset.fromCache ? 'reusing' : 'built'} ${dataset.summary.sampleCount} samples of ${dataset.summary.liveContainerCount} containers in ${dataset.tsdbDirectory}`);

  const buildDirectory = join(dataset.directory, `build-${label}`);
  const workerPath = await bundleCheckWorker(buildDirectory, sourceRoot);
  const prometheus = await startPrometheus({ dataDir: dataset.tsdbDirectory });
  const recordPath = join(buildDirectory, 'requests.json');

  try {
    const whole: WorkerRequest = { prometheusUrl: prometheus.url, atSeconds: CHECK_AT_SECONDS };
    log('warming up the page cache with one check');
    await runWorker(workerPath, whole);

    log(`checking ${dataset.summary.liveContainerCount} containers ${runs} times, each followed by replays of its requests`);
    const { check, floor } = await measureCheckAndFloor(prometheus.url, workerPath, whole, runs, recordPath);
    log('checking with Prometheus and the checker on separate cores');
    const pinned = await measurePinned(prometheus.url, prometheus.port, workerPath, whole, runs, recordPath);
    log(`checking once with the heap limits of a 256 MB Lambda function (${LAMBDA_256_MB_NODE_FLAGS.join(' ')})`);
    log("checking once with node's default heap, no flags");
    const defaultHeap = await runWorker(workerPath, whole, []);
    const lambdaSized = await runWorker(workerPath, whole, LAMBDA_256_MB_NODE_FLAGS).catch((error: unknown) => {
      const text = String((error as { stderr?: string }).stderr ?? error);
      return { failure: /heap out of memory/.test(text) ? 'JavaScript heap out of memory' : text.slice(-500) };
    });

    const shardRequest: WorkerRequest = { ...whole, selector: shardSelector(dataset.plan.namespaces) };
    log(`checking one shard of ${SHARD_COUNT} (${shardRequest.selector})`);
    const shard = await measureCheckAndFloor(prometheus.url, workerPath, shardRequest, runs, recordPath);

    log('timing the predict_linear rule');
    const predictLinear = await measurePredictLinear(prometheus.url, CHECK_AT_SECONDS, runs, 24);

    log('counting DynamoDB writes of two hourly checks');
    const verdictsPaths = [join(buildDirectory, 'verdicts-previous-hour.json'), join(buildDirectory, 'verdicts.json')];
    const checks: { atSeconds: number; verdicts: Verdict[] }[] = [];
    for (const [index, atSeconds] of [CHECK_AT_SECONDS - 3600, CHECK_AT_SECONDS].entries()) {
      await runWorker(workerPath, { ...whole, atSeconds, verdictsPath: verdictsPaths[index] });
      checks.push({ atSeconds, verdicts: JSON.parse(await readFile(verdictsPaths[index], 'utf8')) as Verdict[] });
    }
    const stateWrites = await measureStateWrites(checks, 7 * 24);
    await Promise.all(verdictsPaths.map((path) => rm(path, { force: true })));

    log('bundling the Lambda handler');
    const bundle = measureLambdaBundle(await bundleLambdaHandler(buildDirectory, sourceRoot), 7);

    const results: ScaleResults = {
      measuredAt: new Date().toISOString(),
      label,
      sourceRoot,
      machine: await machineFacts(),
      cores: cpus().length,
      loadAverage: { before: loadBefore, after: loadavg() },
      dataset: dataset.summary,
      checkAtSeconds: CHECK_AT_SECONDS,
      check,
      floor,
      pinned,
      checkerFlags: CHECKER_V8_FLAGS,
      defaultHeap,
      lambdaSized: { nodeFlags: LAMBDA_256_MB_NODE_FLAGS, run: lambdaSized },
      shard: { count: SHARD_COUNT, selector: shardRequest.selector ?? '', check: shard.check, floor: shard.floor },
      predictLinear,
      agreement: alertAgreement(leakingContainerKeys(dataset.plan), check.runs[0].atRiskKeys, predictLinear.firingKeys),
      stateWrites,
      bundle,
    };
    const report = scaleReport(results);
    process.stdout.write(`${report.text}\n`);
    await writeResultsJson(label, {
      ...results,
      check: { ...check, requests: summarizeRequests(check.requests) },
      shard: { ...results.shard, check: { ...shard.check, requests: summarizeRequests(shard.check.requests) } },
    });
    await writeFile(join(RESULTS_DIRECTORY, `${label}.md`), `${report.markdown}\n`);
    log(`wrote ${join(RESULTS_DIRECTORY, `${label}.json`)} and ${label}.md`);
  } finally {
    await prometheus.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
