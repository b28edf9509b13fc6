/**
 * Runs one `evaluateCheck` in its own process and prints what it measured as one JSON line, so
 * that the peak memory (max RSS) belongs to the check alone. The benchmark bundles this file
 * with esbuild and runs it with plain node, as Lambda runs the bundled handler.
 *
 * Usage: node check-worker.js '<WorkerRequest as JSON>'
 */
import { writeFileSync } from 'node:fs';
import { evaluateCheck } from '../../lambda/check';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_LOOKBACK_SECONDS, DEFAULT_WARN_DAYS, type CheckOptions } from '../../lambda/config/check-options';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { recordingClient } from './recording-client';

/** The check the parent process requests. */
export interface WorkerRequest {
  readonly prometheusUrl: string;
  readonly atSeconds: number;
  readonly selector?: string;
  /** File for the recorded HTTP requests. @default - not written */
  readonly recordPath?: string;
  /** File for the verdicts, for the state-write measurement. @default - not written */
  readonly verdictsPath?: string;
}

/** The measurements the worker prints. */
export interface WorkerResult {
  readonly elapsedMs: number;
  /** User and system CPU time of the check, which is what Lambda's fraction of a vCPU stretches. */
  readonly cpuMs: number;
  /** Peak resident set of the whole process, the figure Lambda's memory size must hold. */
  readonly maxRssBytes: number;
  /** Resident set before the check started: node and the loaded code. */
  readonly rssBeforeBytes: number;
  /** V8 heap in use and off-heap memory (response buffers) when the check ended. */
  readonly heapUsedAfterBytes: number;
  readonly externalAfterBytes: number;
  readonly requests: number;
  readonly samplesParsed: number;
  readonly containers: number;
  readonly severities: Record<string, number>;
  readonly patterns: Record<string, number>;
  /** `namespace/pod/container` of every container with a severity, for comparing with other rules. */
  readonly atRiskKeys: string[];
  readonly warnings: string[];
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
  const options: CheckOptions = {
    prometheusUrl: request.prometheusUrl,
    selector: request.selector,
    lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
    warnDays: DEFAULT_WARN_DAYS,
    criticalDays: DEFAULT_CRITICAL_DAYS,
  };
  const rssBeforeBytes = process.memoryUsage.rss();
  const client = recordingClient(createPrometheusClient({ url: request.prometheusUrl }));

  const startedMs = performance.now();
  const cpuBefore = process.cpuUsage();
  const evaluation = await evaluateCheck(options, request.atSeconds, client, new Map());
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - startedMs;

  if (request.recordPath !== undefined) {
    writeFileSync(request.recordPath, JSON.stringify(client.recorded));
  }
  if (request.verdictsPath !== undefined) {
    writeFileSync(request.verdictsPath, JSON.stringify(evaluation.verdicts));
  }
  const atRisk = evaluation.verdicts.filter((verdict) => verdict.severity !== 'none');
  const result: WorkerResult = {
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    // resourceUsage reports kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBeforeBytes,
    heapUsedAfterBytes: process.memoryUsage().heapUsed,
    externalAfterBytes: process.memoryUsage().external,
    requests: client.stats.requests,
    samplesParsed: client.stats.samplesRead,
    containers: evaluation.verdicts.length,
    severities: countBy(evaluation.verdicts, (verdict) => verdict.severity),
    patterns: countBy(evaluation.verdicts, (verdict) => verdict.pattern),
    atRiskKeys: atRisk.map((verdict) => `${verdict.labels.namespace}/${verdict.labels.pod}/${verdict.labels.container}`),
    warnings: evaluation.warnings,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`check worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
