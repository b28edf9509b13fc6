/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, which turns it into TSDB
 * blocks that a local Prometheus can serve.
 *
 * Rules for data generators:
 * - promtool needs the samples of one series in time order and the series of one metric name
 *   (one family) next to each other. `renderOpenMetrics` sorts and groups for you. The streaming
 *   writer checks and throws instead, because it never keeps the whole data set in memory.
 * - Prometheus looks back at most 5 minutes (`--query.lookback-delta`) from an instant for the
 *   latest sample of a series. A series meant to be live at an evaluation instant therefore needs
 *   a sample no more than 5 minutes before it: generate hourly points for the long history if
 *   you like, but points a minute or two apart near the instants you query.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** One series to backfill: a gauge with fixed labels and its samples. */
export interface MetricSeries {
  readonly name: string;
  /** Text of the `# HELP` line of the family; the first series of a family that has one wins. */
  readonly help?: string;
  readonly labels: Record<string, string>;
  /** Samples: `t` in Unix seconds (fractions allowed), `v` the value. */
  readonly samples: readonly { readonly t: number; readonly v: number }[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value for the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  return String(value);
}

function checkNames(series: MetricSeries): void {
  if (!METRIC_NAME.test(series.name)) {
    throw new Error(`metric name "${series.name}" is invalid: expected [a-zA-Z_:][a-zA-Z0-9_:]*`);
  }
  for (const name of Object.keys(series.labels)) {
    if (!LABEL_NAME.test(name) || name === '__name__') {
      throw new Error(`label name "${name}" of metric ${series.name} is invalid: expected [a-zA-Z_][a-zA-Z0-9_]*`);
    }
  }
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${escapeLabelValue(labels[name])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function familyHeader(name: string, help: string | undefined): string {
  const helpLine = help === undefined ? '' : `# HELP ${name} ${escapeHelp(help)}\n`;
  return `${helpLine}# TYPE ${name} gauge\n`;
}

function isInTimeOrder(samples: MetricSeries['samples']): boolean {
  for (let i = 1; i < samples.length; i += 1) {
    if (samples[i].t <= samples[i - 1].t) {
      return false;
    }
  }
  return true;
}

/**
 * Appends the sample lines of one series to `lines`. Samples out of time order are sorted on a
 * copy; two samples at the same instant are rejected because promtool would reject them too.
 */
function appendSampleLines(series: MetricSeries, lines: string[]): void {
  const samples = isInTimeOrder(series.samples) ? series.samples : [...series.samples].sort((a, b) => a.t - b.t);
  const prefix = `${series.name}${formatLabels(series.labels)} `;

  for (let i = 0; i < samples.length; i += 1) {
    const sample = samples[i];
    if (!Number.isFinite(sample.t)) {
      throw new Error(`series ${prefix.trim()} has a sample at t=${sample.t}: expected Unix seconds`);
    }
    if (i > 0 && sample.t === samples[i - 1].t) {
      throw new Error(`series ${prefix.trim()} has two samples at t=${sample.t}: expected one per instant`);
    }
    lines.push(`${prefix}${formatValue(sample.v)} ${sample.t}\n`);
  }
}

/**
 * Renders series as OpenMetrics text, grouped into one gauge family per metric name (in order of
 * first appearance), samples sorted by time, ending with `# EOF`.
 *
 * @throws Error on an invalid metric or label name, or two samples of a series at one instant
 */
export function renderOpenMetrics(series: readonly MetricSeries[]): string {
  const families = new Map<string, MetricSeries[]>();
  for (const one of series) {
    checkNames(one);
    const family = families.get(one.name) ?? [];
    family.push(one);
    families.set(one.name, family);
  }

  const lines: string[] = [];
  for (const [name, members] of families) {
    lines.push(familyHeader(name, members.find((member) => member.help !== undefined)?.help));
    for (const member of members) {
      appendSampleLines(member, lines);
    }
  }
  lines.push('# EOF\n');
  return lines.join('');
}

/** How much the streaming writer wrote. */
export interface OpenMetricsFileSummary {
  readonly seriesCount: number;
  readonly sampleCount: number;
}

/** Text is handed to the file in pieces of about this many characters, to bound memory. */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * Streams series into an OpenMetrics file without holding the whole text, for data sets of
 * millions of samples. The series must arrive grouped by metric name, because a family cannot be
 * reopened once another has started.
 *
 * @param series - series grouped by metric name; a generator keeps memory flat
 * @throws Error when a metric name reappears after another family started, or on the errors of
 *   {@link renderOpenMetrics}
 */
export async function writeOpenMetricsFile(
  path: string,
  series: Iterable<MetricSeries> | AsyncIterable<MetricSeries>,
): Promise<OpenMetricsFileSummary> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  const streamFailure = once(stream, 'error').then(([error]) => Promise.reject(error as Error));
  streamFailure.catch(() => undefined);

  const closedFamilies = new Set<string>();
  let currentFamily: string | undefined;
  let pending: string[] = [];
  let pendingChars = 0;
  let seriesCount = 0;
  let sampleCount = 0;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) {
      return;
    }
    const text = pending.join('');
    pending = [];
    pendingChars = 0;
    if (!stream.write(text)) {
      await Promise.race([once(stream, 'drain'), streamFailure]);
    }
  };

  try {
    for await (const one of series) {
      checkNames(one);
      if (one.name !== currentFamily) {
        if (closedFamilies.has(one.name)) {
          throw new Error(
            `metric ${one.name} reappears after other metrics: the streaming writer needs the series of one metric name together`,
          );
        }
        if (currentFamily !== undefined) {
          closedFamilies.add(currentFamily);
        }
        currentFamily = one.name;
        pending.push(familyHeader(one.name, one.help));
      }

      const before = pending.length;
      appendSampleLines(one, pending);
      for (let i = before; i < pending.length; i += 1) {
        pendingChars += pending[i].length;
      }
      seriesCount += 1;
      sampleCount += one.samples.length;
      if (pendingChars >= WRITE_CHUNK_CHARS) {
        await flush();
      }
    }

    pending.push('# EOF\n');
    await flush();
  } finally {
    stream.end();
    await Promise.race([once(stream, 'close'), streamFailure]);
  }
  return { seriesCount, sampleCount };
}
