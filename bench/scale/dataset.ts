/**
 * The backfilled TSDB of the scale benchmark, built once and cached: generating and backfilling
 * tens of millions of samples takes minutes, reading them back takes none.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOpenMetricsFile } from '../../lambda/local-prometheus/openmetrics';
import { backfill } from '../../lambda/local-prometheus/server';
import { buildClusterPlan, GENERATOR_VERSION, type ClusterOptions, type ClusterPlan } from './cluster-plan';
import { clusterSeries } from './cluster-series';

/** Summary of the data set, stored beside the TSDB; its presence marks a complete cache. */
export interface DatasetSummary {
  readonly generatorVersion: number;
  readonly options: ClusterOptions;
  readonly liveContainerCount: number;
  readonly liveContainersByShape: ClusterPlan['liveContainersByShape'];
  readonly podCount: number;
  readonly seriesCount: number;
  readonly sampleCount: number;
  readonly openMetricsBytes: number;
  readonly generateSeconds: number;
  readonly backfillSeconds: number;
}

export interface Dataset {
  readonly directory: string;
  readonly tsdbDirectory: string;
  readonly plan: ClusterPlan;
  readonly summary: DatasetSummary;
  /** False when this call generated and backfilled the data. */
  readonly fromCache: boolean;
}

/** Directory of the cache for one generator version and set of options. */
function cacheDirectory(options: ClusterOptions, root: string): string {
  const key = [
    `v${GENERATOR_VERSION}`,
    `${options.liveContainers}c`,
    `${options.namespaceCount}ns`,
    `${options.historySeconds}s`,
    `${options.workingSetScrapeSeconds}-${options.stateScrapeSeconds}`,
    `at${options.endSeconds}`,
    `seed${options.seed ?? 'default'}`,
  ].join('-');
  return join(root, `oom-forecast-scale-${key}`);
}

/**
 * Returns the cached TSDB for `options`, generating and backfilling it first when it is missing
 * or incomplete.
 *
 * @param log - progress messages, because the first build takes minutes
 * @param root - where caches live. @default os.tmpdir()
 */
export async function ensureDataset(options: ClusterOptions, log: (message: string) => void, root = tmpdir()): Promise<Dataset> {
  const directory = cacheDirectory(options, root);
  const tsdbDirectory = join(directory, 'tsdb');
  const summaryPath = join(directory, 'summary.json');
  const plan = buildClusterPlan(options);

  if (existsSync(summaryPath)) {
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as DatasetSummary;
    return { directory, tsdbDirectory, plan, summary, fromCache: true };
  }

  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const openMetricsPath = join(directory, 'data.om');

  log(`generating ${plan.liveContainerCount} live containers (${plan.pods.length} pods) into ${openMetricsPath}`);
  const generateStarted = performance.now();
  const written = await writeOpenMetricsFile(openMetricsPath, clusterSeries(plan));
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  const { size: openMetricsBytes } = await stat(openMetricsPath);
  log(`wrote ${written.seriesCount} series and ${written.sampleCount} samples (${(openMetricsBytes / 1e9).toFixed(1)} GB) in ${generateSeconds.toFixed(0)} s; backfilling`);

  const backfillStarted = performance.now();
  await backfill(openMetricsPath, tsdbDirectory);
  const backfillSeconds = (performance.now() - backfillStarted) / 1000;
  await rm(openMetricsPath);
  log(`backfilled in ${backfillSeconds.toFixed(0)} s into ${tsdbDirectory}`);

  const summary: DatasetSummary = {
    generatorVersion: GENERATOR_VERSION,
    options,
    liveContainerCount: plan.liveContainerCount,
    liveContainersByShape: plan.liveContainersByShape,
    podCount: plan.pods.length,
    seriesCount: written.seriesCount,
    sampleCount: written.sampleCount,
    openMetricsBytes,
    generateSeconds,
    backfillSeconds,
  };
  await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  return { directory, tsdbDirectory, plan, summary, fromCache: false };
}
