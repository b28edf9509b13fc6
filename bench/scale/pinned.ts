/**
 * The check with Prometheus and the checker on separate cores, as when Prometheus runs on its
 * own machine: otherwise both share this machine's cores, and the check's time is bounded by
 * their CPU time together rather than by Prometheus alone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { median } from '../support/stats';
import { CHECKER_V8_FLAGS } from '../../lib/parts/checker-v8-flags';
import type { WorkerRequest, WorkerResult } from './check-worker';
import type { RecordedRequest } from './recording-client';
import { maxInFlight, replayRequests } from './replay';

const execFileAsync = promisify(execFile);

export interface PinnedMeasurement {
  /** Core of the checker, and core of every Prometheus thread. */
  readonly checkerCore: number;
  readonly prometheusCore: number;
  readonly elapsedMs: number;
  readonly cpuMs: number;
  /** Replay of the check's requests, as issued, with Prometheus on its one core. */
  readonly floorMs: number;
}

/** Returns the pid of the local Prometheus listening on `port`, which the benchmark started itself. */
async function prometheusPid(port: number): Promise<string> {
  const { stdout } = await execFileAsync('pgrep', ['-f', '--', `--web.listen-address=127.0.0.1:${port}`]);
  const pids = stdout.trim().split('\n').filter((line) => line !== '');
  if (pids.length !== 1) {
    throw new Error(`expected one prometheus on port ${port}, found pids ${JSON.stringify(pids)}`);
  }
  return pids[0];
}

/**
 * Runs the check `runs` times on core 0 with every Prometheus thread on core 1, each run
 * followed by a replay of its requests, then lets Prometheus use every core again.
 *
 * @returns undefined on a machine with one core or without `taskset`
 */
export async function measurePinned(baseUrl: string, port: number, workerPath: string, request: WorkerRequest, runs: number, recordPath: string): Promise<PinnedMeasurement | undefined> {
  if (cpus().length < 2) {
    return undefined;
  }
  const pid = await prometheusPid(port);
  try {
    await execFileAsync('taskset', ['-a', '-cp', '1', pid]);
  } catch {
    return undefined;
  }
  try {
    const results: WorkerResult[] = [];
    const floors: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const { stdout } = await execFileAsync('taskset', ['-c', '0', process.execPath, ...CHECKER_V8_FLAGS, workerPath, JSON.stringify({ ...request, recordPath })], { maxBuffer: 256 * 1024 * 1024 });
      results.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResult);
      const requests = JSON.parse(await readFile(recordPath, 'utf8')) as RecordedRequest[];
      floors.push((await replayRequests(baseUrl, requests, maxInFlight(requests))).wallMs);
    }
    return {
      checkerCore: 0,
      prometheusCore: 1,
      elapsedMs: median(results.map((result) => result.elapsedMs))!,
      cpuMs: median(results.map((result) => result.cpuMs))!,
      floorMs: median(floors)!,
    };
  } finally {
    await execFileAsync('taskset', ['-a', '-cp', `0-${cpus().length - 1}`, pid]);
  }
}
