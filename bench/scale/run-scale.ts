/**
 * `npm run bench:scale`: one check over 10,000 containers and 7 days against a real Prometheus,
 * measured against what Prometheus alone needs for the same requests.
 *
 * Environment: SCALE_RUNS (default 3) repeats each timed part; the median is reported, and the
 * maximum of the peak memory.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary, startPrometheus } from '../../lambda/local-prometheus/server';
import type { Verdict } from '../../lambda/types';
import { writeResultsJson, RESULTS_DIRECTORY } from '../support/results';
import { maximum, median } from '../support/stats';
import { bundleCheckWorker, bundleLambdaHandler, measureLambdaBundle } from './bundles';
import type { WorkerRequest, WorkerResult } from './check-worker';
import { ensureDataset } from './dataset';
import { measurePredictLinear } from './predict-linear';
import type { RecordedRequest } from './recording-client';
import { queryableSamples, replayRequests } from './replay';
import { CHECK_AT_SECONDS, SCALE_CLUSTER, SHARD_COUNT } from './scale-config';
import { scaleReport } from './scale-report';
import { measureStateWrites } from './state-writes';

const execFileAsync = promisify(execFile);

function log(message: string): void {
  process.stderr.write(`[bench:scale] ${message}\n`);
}

/** Timings of a check run several times, with the requests of its first run. */
export interface CheckMeasurement {
  readonly runs: WorkerResult[];
  readonly elapsedMs: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly requests: RecordedRequest[];
}

/** The floor: Prometheus serving the recorded requests, one at a time and all at once. */
export interface FloorMeasurement {
  readonly sequentialMs: number;
  readonly concurrentMs: number;
  /** The faster of the two medians. */
  readonly floorMs: number;
  readonly responseBytes: number;
  readonly queryableSamples: number;
}

async function runWorker(workerPath: string, request: WorkerRequest): Promise<WorkerResult> {
  const { stdout } = await execFileAsync(process.execPath, [workerPath, JSON.stringify(request)], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResult;
}

async function measureCheck(workerPath: string, request: WorkerRequest, runs: number, recordPath: string): Promise<CheckMeasurement> {
  const results: WorkerResult[] = [];
  for (let run = 0; run < runs; run += 1) {
    results.push(await runWorker(workerPath, run === 0 ? { ...request, recordPath } : request));
    log(`  run ${run + 1}: ${(results[run].elapsedMs / 1000).toFixed(1)} s, ${(results[run].maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
  }
  const requests = JSON.parse(await readFile(recordPath, 'utf8')) as RecordedRequest[];
  return {
    runs: results,
    elapsedMs: median(results.map((result) => result.elapsedMs))!,
    cpuMs: median(results.map((result) => result.cpuMs))!,
    maxRssBytes: maximum(results.map((result) => result.maxRssBytes))!,
    requests,
  };
}

async function measureFloor(baseUrl: string, requests: readonly RecordedRequest[], runs: number): Promise<FloorMeasurement> {
  const sequential: number[] = [];
  const concurrent: number[] = [];
  let responseBytes = 0;
  for (let run = 0; run < runs; run += 1) {
    const one = await replayRequests(baseUrl, requests, 1);
    const all = await replayRequests(baseUrl, requests, Infinity);
    sequential.push(one.wallMs);
    concurrent.push(all.wallMs);
    responseBytes = one.responseBytes;
  }
  const sequentialMs = median(sequential)!;
  const concurrentMs = median(concurrent)!;
  return { sequentialMs, concurrentMs, floorMs: Math.min(sequentialMs, concurrentMs), responseBytes, queryableSamples: await queryableSamples(baseUrl, requests) };
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

async function main(): Promise<void> {
  const runs = Number(process.env.SCALE_RUNS ?? 3);
  const dataset = await ensureDataset(SCALE_CLUSTER, log);
  log(`${dataset.fromCache ? 'reusing' : 'built'} ${dataset.summary.sampleCount} samples of ${dataset.summary.liveContainerCount} containers in ${dataset.tsdbDirectory}`);

  const buildDirectory = join(dataset.directory, 'build');
  const workerPath = await bundleCheckWorker(buildDirectory);
  const prometheus = await startPrometheus({ dataDir: dataset.tsdbDirectory });
  const recordPath = join(buildDirectory, 'requests.json');

  try {
    const whole: WorkerRequest = { prometheusUrl: prometheus.url, atSeconds: CHECK_AT_SECONDS };
    log('warming up the page cache with one check');
    await runWorker(workerPath, whole);

    log(`checking ${dataset.summary.liveContainerCount} containers ${runs} times`);
    const check = await measureCheck(workerPath, whole, runs, recordPath);
    log('replaying its requests for the floor');
    const floor = await measureFloor(prometheus.url, check.requests, runs);

    const shardRequest: WorkerRequest = { ...whole, selector: shardSelector(dataset.plan.namespaces) };
    log(`checking one shard of ${SHARD_COUNT} (${shardRequest.selector})`);
    const shard = await measureCheck(workerPath, shardRequest, runs, recordPath);
    const shardFloor = await measureFloor(prometheus.url, shard.requests, runs);

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
    const bundle = measureLambdaBundle(await bundleLambdaHandler(buildDirectory), 7);

    const results = {
      measuredAt: new Date().toISOString(),
      machine: await machineFacts(),
      dataset: dataset.summary,
      checkAtSeconds: CHECK_AT_SECONDS,
      check,
      floor,
      shard: { count: SHARD_COUNT, selector: shardRequest.selector ?? '', check: shard, floor: shardFloor },
      predictLinear,
      stateWrites,
      bundle,
    };
    const report = scaleReport(results);
    process.stdout.write(`${report.text}\n`);
    await writeResultsJson('scale', { ...results, check: { ...check, requests: check.requests.map(summarizeRequest) }, shard: { ...results.shard, check: { ...shard, requests: shard.requests.map(summarizeRequest) } } });
    await writeFile(join(RESULTS_DIRECTORY, 'scale.md'), `${report.markdown}\n`);
    log(`wrote ${join(RESULTS_DIRECTORY, 'scale.json')} and scale.md`);
  } finally {
    await prometheus.stop();
  }
}

/** Keeps the JSON readable: the query text shortened, the figures whole. */
function summarizeRequest(request: RecordedRequest): Record<string, unknown> {
  return {
    path: request.path,
    query: (request.params.find(([name]) => name === 'query')?.[1] ?? '').slice(0, 160),
    startedAtMs: Math.round(request.startedAtMs),
    durationMs: Math.round(request.durationMs),
    seriesReturned: request.seriesReturned,
    samplesReturned: request.samplesReturned,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
