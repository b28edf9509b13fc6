/**
 * `npm run bench:live`: the motivating incident reproduced with real software on 127.0.0.1. A
 * WSGI app that keeps memory per request runs under uwsgi with a steady load.
 * prometheus-process-exporter reports the resident memory of the uwsgi processes, and a real
 * Prometheus scrapes it every second. oom-forecast checks the live server on a minute scale, and
 * a replay of the same samples on a stretched clock shows its forecasts. Then uwsgi restarts with
 * worker recycling, and the checks should stop warning.
 *
 * Writes bench/results/live.json. Exits 0 whatever the figures; 1 only when the bench fails.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CheckOptions } from '../../lambda/config/check-options';
import { startPrometheus, type LocalPrometheus } from '../../lambda/local-prometheus/server';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { defaultStepSeconds } from '../../lambda/queries/step';
import { writeResultsJson } from '../support/results';
import { renderTable } from '../support/table';
import { runPhase, type CheckRecord, type PhaseOutcome } from './phase';
import { readResidentBytes, startProcessExporter, type ProcessExporter } from './process-exporter';
import { replayStretched } from './replay';
import { startUwsgi, type UwsgiServer } from './uwsgi';
import { POD_BY_GROUP, uwsgiUsageQuery } from './usage-query';

const execFileAsync = promisify(execFile);
const MIB = 2 ** 20;

/** uwsgi workers under the master. */
const WORKERS = 4;
/** Bytes each request leaves behind. */
const LEAK_BYTES = 100 * 1024;
/** Requests per second: with 100 KiB each, about 1 MB/s. */
const REQUESTS_PER_SECOND = 10;
/** The stand-in memory limit sits this far above the resident memory before the load. */
const HEADROOM_BYTES = 150 * MIB;
/** The leaking phase ends when it crosses the limit or after this long. */
const LEAK_PHASE_MAX_SECONDS = 240;
/** The recycling phase runs this long. */
const RECYCLING_PHASE_SECONDS = 120;
const CHECK_EVERY_SECONDS = 15;
/** Minute-scale check settings: 3 minutes of history, warning within ~14 min, critical within ~3 min. */
const LIVE_LOOKBACK_SECONDS = 180;
const LIVE_WARN_DAYS = 0.01;
const LIVE_CRITICAL_DAYS = 0.002;
/** Each real second becomes 5 minutes on the replay's clock, so 2.5 minutes of leak read as 12.5 hours. */
const TIME_SCALE = 300;
const REPLAY_LOOKBACK_SECONDS = 2 * 86400;
const REPLAY_WARN_DAYS = 1;
const REPLAY_CRITICAL_DAYS = 0.25;
/** Replay checks every stretched hour, as the scheduled check runs. */
const REPLAY_CHECK_EVERY_SECONDS = 3600;
const RECYCLING = { maxRequests: 100, reloadOnRssMb: 40 };

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

function mib(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / MIB).toFixed(0)}`;
}

function seconds(value: number | null): string {
  return value === null ? '-' : value.toFixed(0);
}

/** Error of a forecast crossing against the real one, relative to the time left at the check. */
function forecastError(record: CheckRecord, crossingSeconds: number | null): number | null {
  if (record.forecastCrossingElapsedSeconds === null || crossingSeconds === null || crossingSeconds <= record.elapsedSeconds) {
    return null;
  }
  return Math.abs(record.forecastCrossingElapsedSeconds - crossingSeconds) / (crossingSeconds - record.elapsedSeconds);
}

function checkTable(records: readonly CheckRecord[], crossingSeconds: number | null, timeScale = 1): string {
  const rows = records.map((record) => {
    const error = forecastError(record, crossingSeconds);
    return [
      seconds(record.elapsedSeconds),
      ...(timeScale === 1 ? [] : [(record.elapsedSeconds * timeScale / 3600).toFixed(1)]),
      mib(record.rssBytes),
      record.severity,
      record.pattern,
      // Bytes per stretched hour, back to megabytes per real second.
      record.slopeBytesPerHour === null ? '-' : ((record.slopeBytesPerHour * timeScale) / 3600 / 1e6).toFixed(2),
      seconds(record.forecastCrossingElapsedSeconds),
      seconds(crossingSeconds),
      error === null ? '-' : `${Math.round(error * 100)} %`,
    ];
  });
  const headers = ['T+ s', ...(timeScale === 1 ? [] : ['STRETCHED h']), 'RSS MiB', 'SEVERITY', 'PATTERN', 'GROWTH MB/s', 'FORECAST T+ s', 'REAL T+ s', 'ERROR'];
  return renderTable(headers, rows, headers.map((_, index) => (index >= 3 && index <= 4 ? 'left' : 'right')));
}

/** Runs `oom-forecast check` through the CLI once, as a user would, and returns its output. */
async function runCliCheck(prometheusUrl: string, limitBytes: number): Promise<string> {
  const root = resolve(__dirname, '..', '..');
  const args = [
    join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    join(root, 'bin', 'cli.ts'),
    'check',
    '--prometheus',
    prometheusUrl,
    '--usage-query',
    uwsgiUsageQuery(defaultStepSeconds(LIVE_LOOKBACK_SECONDS)),
    '--limit',
    String(limitBytes),
    '--lookback',
    `${LIVE_LOOKBACK_SECONDS / 60}m`,
    '--warn-days',
    String(LIVE_WARN_DAYS),
    '--critical-days',
    String(LIVE_CRITICAL_DAYS),
  ];
  try {
    const { stdout } = await execFileAsync(process.execPath, args, { cwd: root, timeout: 60000 });
    return stdout.trimEnd();
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return `oom-forecast check failed: ${failed.stderr || failed.stdout || failed.message}`;
  }
}

async function main(): Promise<void> {
  const startedMs = Date.now();
  const workDirectory = await mkdtemp(join(tmpdir(), 'oom-forecast-bench-live-'));
  const leakingDirectory = join(workDirectory, 'leaking');
  const recyclingDirectory = join(workDirectory, 'recycling');
  let exporter: ProcessExporter | undefined;
  let prometheus: LocalPrometheus | undefined;
  let uwsgi: UwsgiServer | undefined;

  try {
    exporter = await startProcessExporter(workDirectory, [
      { groupname: 'uwsgi', directory: leakingDirectory },
      { groupname: 'uwsgi-recycling', directory: recyclingDirectory },
    ]);
    prometheus = await startPrometheus({
      dataDir: join(workDirectory, 'tsdb'),
      scrapeConfigs: [{ job_name: 'process-exporter', scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: [exporter.target] }] }],
    });
    const client = createPrometheusClient({ url: prometheus.url });
    log(`process-exporter on ${exporter.target}, Prometheus on ${prometheus.url} scraping it every second`);

    uwsgi = await startUwsgi(leakingDirectory, { processes: WORKERS, leakBytes: LEAK_BYTES });
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    const idleBytes = await readResidentBytes(exporter.metricsUrl, 'uwsgi');
    if (idleBytes === null) {
      throw new Error(`the exporter at ${exporter.metricsUrl} reports no uwsgi group: check that its config matches ${leakingDirectory}`);
    }
    const limitBytes = idleBytes + HEADROOM_BYTES;
    log(`uwsgi with ${WORKERS} workers on ${uwsgi.url}: ${mib(idleBytes)} MiB resident at rest; limit set to ${mib(limitBytes)} MiB`);

    const liveOptions: CheckOptions = {
      prometheusUrl: prometheus.url,
      usageQuery: uwsgiUsageQuery(defaultStepSeconds(LIVE_LOOKBACK_SECONDS)),
      fallbackLimitBytes: limitBytes,
      lookbackSeconds: LIVE_LOOKBACK_SECONDS,
      warnDays: LIVE_WARN_DAYS,
      criticalDays: LIVE_CRITICAL_DAYS,
    };
    log(`Leaking phase: ${REQUESTS_PER_SECOND} requests/s, ${LEAK_BYTES / 1024} KiB kept per request, checks every ${CHECK_EVERY_SECONDS} s`);
    const leaking: PhaseOutcome = await runPhase({
      name: 'leaking',
      url: uwsgi.url,
      requestsPerSecond: REQUESTS_PER_SECOND,
      metricsUrl: exporter.metricsUrl,
      groupname: 'uwsgi',
      pod: POD_BY_GROUP.uwsgi,
      stopAtBytes: limitBytes,
      maxSeconds: LEAK_PHASE_MAX_SECONDS,
      checkEverySeconds: CHECK_EVERY_SECONDS,
      client,
      options: liveOptions,
      log,
    });
    log(leaking.crossingElapsedSeconds === null ? `RSS stayed below the limit for ${LEAK_PHASE_MAX_SECONDS} s` : `RSS crossed the limit at +${leaking.crossingElapsedSeconds} s`);
    const cliOutput = await runCliCheck(prometheus.url, limitBytes);
    await uwsgi.stop();

    uwsgi = await startUwsgi(recyclingDirectory, { processes: WORKERS, leakBytes: LEAK_BYTES, recycling: RECYCLING });
    log(`Recycling phase: uwsgi restarted with --max-requests ${RECYCLING.maxRequests} --reload-on-rss ${RECYCLING.reloadOnRssMb}, same load, ${RECYCLING_PHASE_SECONDS} s`);
    const recycling: PhaseOutcome = await runPhase({
      name: 'recycling',
      url: uwsgi.url,
      requestsPerSecond: REQUESTS_PER_SECOND,
      metricsUrl: exporter.metricsUrl,
      groupname: 'uwsgi-recycling',
      pod: POD_BY_GROUP['uwsgi-recycling'],
      stopAtBytes: null,
      maxSeconds: RECYCLING_PHASE_SECONDS,
      checkEverySeconds: CHECK_EVERY_SECONDS,
      client,
      options: liveOptions,
      log,
    });
    await uwsgi.stop();
    uwsgi = undefined;
    // Wait for one more scrape, so that the copy contains the last samples.
    await new Promise((resolveWait) => setTimeout(resolveWait, 2000));

    log(`Replaying the run with each second stretched to ${TIME_SCALE} s...`);
    const leakingEnd = leaking.startedSeconds + leaking.durationSeconds;
    const recyclingEnd = recycling.startedSeconds + recycling.durationSeconds;
    const replay = await replayStretched({
      liveClient: client,
      fromSeconds: leaking.startedSeconds - 5,
      toSeconds: recyclingEnd,
      timeScale: TIME_SCALE,
      phases: [
        { name: 'leaking', groupname: 'uwsgi', startedSeconds: leaking.startedSeconds, endedSeconds: leakingEnd },
        { name: 'recycling', groupname: 'uwsgi-recycling', startedSeconds: recycling.startedSeconds, endedSeconds: recyclingEnd },
      ],
      checkEverySeconds: REPLAY_CHECK_EVERY_SECONDS,
      options: {
        usageQuery: uwsgiUsageQuery(defaultStepSeconds(REPLAY_LOOKBACK_SECONDS)),
        fallbackLimitBytes: limitBytes,
        lookbackSeconds: REPLAY_LOOKBACK_SECONDS,
        warnDays: REPLAY_WARN_DAYS,
        criticalDays: REPLAY_CRITICAL_DAYS,
      },
      log,
    });

    const totalSeconds = (Date.now() - startedMs) / 1000;
    const recyclingRss = recycling.rss.map((sample) => sample.v);
    const out = (text: string): boolean => process.stdout.write(`${text}\n`);
    out(`\nLeaking uwsgi, minute-scale checks on the live Prometheus (lookback ${LIVE_LOOKBACK_SECONDS / 60} min, step ${defaultStepSeconds(LIVE_LOOKBACK_SECONDS)} s, warn ${LIVE_WARN_DAYS} d, critical ${LIVE_CRITICAL_DAYS} d)\n`);
    out(checkTable(leaking.checks, leaking.crossingElapsedSeconds));
    out(`\nThe same leak replayed with 1 s = ${TIME_SCALE} s (lookback ${REPLAY_LOOKBACK_SECONDS / 86400} d, warn ${REPLAY_WARN_DAYS} d, critical ${REPLAY_CRITICAL_DAYS} d; times below in real seconds)\n`);
    out(checkTable(replay.checksByPhase.leaking ?? [], leaking.crossingElapsedSeconds, TIME_SCALE));
    out(`\nAfter restarting uwsgi with --max-requests ${RECYCLING.maxRequests} --reload-on-rss ${RECYCLING.reloadOnRssMb} (RSS ${mib(Math.min(...recyclingRss))}..${mib(Math.max(...recyclingRss))} MiB over ${RECYCLING_PHASE_SECONDS} s)\n`);
    out('Live checks:');
    out(checkTable(recycling.checks, null));
    out('\nReplayed checks:');
    out(checkTable(replay.checksByPhase.recycling ?? [], null, TIME_SCALE));
    out(`\noom-forecast check (CLI) right after the crossing:\n${cliOutput}`);
    out(
      `\nRun: limit ${mib(limitBytes)} MiB (${mib(idleBytes)} at rest + ${HEADROOM_BYTES / MIB}); crossing at +${seconds(leaking.crossingElapsedSeconds)} s; ` +
        `requests ok ${leaking.requests.ok + recycling.requests.ok}, failed ${leaking.requests.failed + recycling.requests.failed}; ${replay.samples} samples replayed; total ${totalSeconds.toFixed(0)} s`,
    );

    const path = await writeResultsJson('live', {
      generatedAt: new Date().toISOString(),
      settings: {
        workers: WORKERS,
        leakBytesPerRequest: LEAK_BYTES,
        requestsPerSecond: REQUESTS_PER_SECOND,
        idleBytes,
        limitBytes,
        liveLookbackSeconds: LIVE_LOOKBACK_SECONDS,
        liveStepSeconds: defaultStepSeconds(LIVE_LOOKBACK_SECONDS),
        liveWarnDays: LIVE_WARN_DAYS,
        liveCriticalDays: LIVE_CRITICAL_DAYS,
        timeScale: TIME_SCALE,
        replayLookbackSeconds: REPLAY_LOOKBACK_SECONDS,
        replayWarnDays: REPLAY_WARN_DAYS,
        replayCriticalDays: REPLAY_CRITICAL_DAYS,
        recycling: RECYCLING,
      },
      leaking,
      recycling,
      replay,
      cliOutput,
      totalSeconds,
    });
    log(`Wrote ${path}`);
  } finally {
    await uwsgi?.stop();
    await prometheus?.stop();
    await exporter?.group.stop();
    await rm(workDirectory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:live failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
