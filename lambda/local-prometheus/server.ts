/**
 * A throwaway Prometheus on 127.0.0.1 for tests, the demo and benchmarks: backfill OpenMetrics
 * into TSDB blocks with promtool, then serve them with the prometheus binary.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from './binaries';
import { MetricSeries, writeOpenMetricsFile } from './openmetrics';
import { findFreePort, startGroup, waitForHttp } from './process-group';

export { findBinary, MissingBinaryError } from './binaries';

const execFileAsync = promisify(execFile);

/** Prometheus gets this long to shut down after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 5000;

/**
 * promtool re-reads the whole input once per block, so its default of 2 h blocks makes 30 days
 * of data take minutes (2.6 min against 2 s with long blocks for 2.2 M samples, measured with
 * promtool 2.42). promtool rounds this down to its largest block range below it (4374 h).
 */
const DEFAULT_MAX_BLOCK_DURATION = '8760h';

/** Options of {@link backfill}. */
export interface BackfillOptions {
  /** Maximum block length promtool may write, as a Prometheus duration. @default 8760h */
  readonly maxBlockDuration?: string;
}

/**
 * Turns an OpenMetrics file into TSDB blocks in `dataDir` with
 * `promtool tsdb create-blocks-from openmetrics`.
 *
 * @throws MissingBinaryError when promtool is not installed
 * @throws Error quoting promtool's output when it rejects the file
 */
export async function backfill(openMetricsPath: string, dataDir: string, options: BackfillOptions = {}): Promise<void> {
  const promtool = findBinary('promtool');
  await mkdir(dataDir, { recursive: true });
  const args = [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    `--max-block-duration=${options.maxBlockDuration ?? DEFAULT_MAX_BLOCK_DURATION}`,
    '--quiet',
    openMetricsPath,
    dataDir,
  ];
  try {
    await execFileAsync(promtool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const output = (error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || '';
    throw new Error(`promtool failed to backfill ${openMetricsPath} into ${dataDir}: ${output.trim() || String(error)}`);
  }
}

/** A running local Prometheus. */
export interface LocalPrometheus {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** TSDB directory, usually filled by {@link backfill}. */
  readonly dataDir: string;
  /**
   * How long Prometheus keeps data, measured back from the newest sample it holds.
   * @default 100y - so backfilled history of any age stays queryable
   */
  readonly retention?: string;
  /** `scrape_configs` entries, as YAML-ready objects. @default - none: the server only serves stored data */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /** Further command-line flags, such as `--query.max-samples=1000` to provoke limit errors. @default - none */
  readonly extraArgs?: readonly string[];
  /** How long to wait for `/-/ready`, in milliseconds. @default 60000 */
  readonly readyTimeoutMs?: number;
}

function renderConfig(scrapeConfigs: readonly Record<string, unknown>[]): string {
  // JSON is valid YAML, so no YAML library is needed for this small file.
  return JSON.stringify({ global: { scrape_interval: '15s', evaluation_interval: '15s' }, scrape_configs: scrapeConfigs }, null, 2);
}

/** Starts one server on a port that the caller has already chosen. */
async function startOnPort(options: StartPrometheusOptions, port: number, configDir: string): Promise<LocalPrometheus> {
  const binary = findBinary('prometheus');
  const configPath = join(configDir, 'prometheus.yml');
  await writeFile(configPath, renderConfig(options.scrapeConfigs ?? []));

  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${options.dataDir}`,
    `--storage.tsdb.retention.time=${options.retention ?? '100y'}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.extraArgs ?? []),
  ];
  const group = await startGroup('prometheus', binary, args);
  try {
    await waitForHttp(`${url}/-/ready`, group, options.readyTimeoutMs ?? 60000);
  } catch (error) {
    await group.stop('SIGTERM', STOP_TIMEOUT_MS);
    throw error;
  }

  return {
    url,
    port,
    dataDir: options.dataDir,
    stop: () => group.stop('SIGTERM', STOP_TIMEOUT_MS),
  };
}

/**
 * Starts `prometheus` on 127.0.0.1 on a free port with a long retention and waits until it
 * reports ready. The process is killed by `stop()` or, failing that, when this process exits.
 *
 * @throws MissingBinaryError when prometheus is not installed
 * @throws Error with the end of the server's log when it exits or is not ready in time
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<LocalPrometheus> {
  const configDir = await mkdtemp(join(tmpdir(), 'oom-forecast-prometheus-config-'));
  const attempts = 3;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const server = await startOnPort(options, await findFreePort(), configDir);
      return {
        ...server,
        stop: async () => {
          await server.stop();
          await rm(configDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may have taken the free port between the probe and the bind.
      const portTaken = /address already in use/i.test(String(error));
      if (!portTaken || attempt === attempts) {
        await rm(configDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/** A local Prometheus loaded with series, and the directory it lives in. */
export interface LocalPrometheusWithData extends LocalPrometheus {
  /** Directory holding the OpenMetrics file and the TSDB; removed by `stop()` when it was created here. */
  readonly workDir: string;
}

/**
 * Renders series to OpenMetrics, backfills them and starts a server on them.
 *
 * @param series - an array in any order, or a generator that yields the series of each metric
 *   name together
 * @param workDir - directory for the file and the TSDB. @default - a new temporary directory,
 *   removed again by `stop()`
 */
export async function startPrometheusWithData(
  series: Iterable<MetricSeries> | AsyncIterable<MetricSeries>,
  workDir?: string,
  options: Omit<StartPrometheusOptions, 'dataDir'> = {},
): Promise<LocalPrometheusWithData> {
  const ownsWorkDir = workDir === undefined;
  const directory = workDir ?? (await mkdtemp(join(tmpdir(), 'oom-forecast-prometheus-')));
  const openMetricsPath = join(directory, 'data.om');
  const dataDir = join(directory, 'tsdb');

  try {
    await writeOpenMetricsFile(openMetricsPath, sortedByFamily(series));
    await backfill(openMetricsPath, dataDir);
    const server = await startPrometheus({ ...options, dataDir });
    return {
      ...server,
      workDir: directory,
      stop: async () => {
        await server.stop();
        if (ownsWorkDir) {
          await rm(directory, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    if (ownsWorkDir) {
      await rm(directory, { recursive: true, force: true });
    }
    throw error;
  }
}

/**
 * Groups an array by metric name, because the streaming writer needs families together. Other
 * iterables pass through unchanged, so a generator of millions of samples is never held in
 * memory; it must yield each family's series together.
 */
function sortedByFamily(
  series: Iterable<MetricSeries> | AsyncIterable<MetricSeries>,
): Iterable<MetricSeries> | AsyncIterable<MetricSeries> {
  if (!Array.isArray(series)) {
    return series;
  }
  const families = new Map<string, MetricSeries[]>();
  for (const one of series) {
    const family = families.get(one.name) ?? [];
    family.push(one);
    families.set(one.name, family);
  }
  return [...families.values()].flat();
}
