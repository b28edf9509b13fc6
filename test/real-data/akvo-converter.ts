/**
 * Converts a Grafana "series to columns" CSV export of a production GKE cluster (the akvo-rsr
 * memory incident of 2025-08-27 to 2025-09-01) into the series that cAdvisor and
 * kube-state-metrics would have exported. The checker then runs on it through a real Prometheus. The data is read from the shared folder at test time and never copied.
 *
 * The export contains two panels in twenty 6-hour windows:
 * - `Memory (MB)`: one row every 15 minutes, one column per series named `<pod> - <container>`,
 *   with `.1`, `.2`, … appended when several series share a display name;
 * - `Restarts per 30 mins`: one row every 30 minutes, one column per pod, holding the
 *   fractional `increase()` of the restart counter over the 30 minutes before the row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { Sample } from '../../lambda/types';

/**
 * Bytes per "MB" of the panel. Every one of the export's 3971 values times 2^20 is a whole
 * number of 4 KiB pages, which no value times 10^6 is: the panel divided bytes by 1024², so its
 * "MB" is MiB.
 */
export const BYTES_PER_PANEL_MB = 2 ** 20;

/** Namespace given to the converted series; the export does not name one. */
export const AKVO_NAMESPACE = 'akvo';

/** One column of a memory window: a series with its display name and the values it has. */
interface MemoryColumn {
  readonly pod: string;
  readonly container: string;
  /** Position among the columns that share the display name: 0 for the first, N for a `.N` suffix. */
  readonly duplicateIndex: number;
  readonly samples: Sample[];
}

/** What the conversion found and left out, for the test's report. */
export interface AkvoConversion {
  readonly series: MetricSeries[];
  /** Unix seconds of the first and last memory row. */
  readonly firstSeconds: number;
  readonly lastSeconds: number;
  /** Working-set series written, one per non-empty column. */
  readonly workingSetSeriesCount: number;
  /** Columns without a single value, skipped. */
  readonly emptyColumnCount: number;
  /** Values dropped as export artefacts (see {@link dropImpossibleRows}). */
  readonly artefactValueCount: number;
}

/** Options of {@link convertAkvoExport}. */
export interface AkvoConversionOptions {
  /**
   * Memory limits to export as `kube_pod_container_resource_limits`, by container name. The
   * export contains no limit series, so any limit is an assumption of the caller.
   * @default - none
   */
  readonly limitBytesByContainer?: Readonly<Record<string, number>>;
  /**
   * The container of each pod that the pod's restarts belong to. The restarts panel counts per
   * pod, not per container.
   * @default - none: no restart counters are written
   */
  readonly restartingContainer?: string;
}

/** Parses a Grafana time such as `2025-08-27 02:30:00`, which the export writes in UTC. */
function parseUtc(text: string): number {
  const milliseconds = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(milliseconds)) {
    throw new Error(`time "${text}" in the akvo export is invalid: expected YYYY-MM-DD HH:MM:SS`);
  }
  return milliseconds / 1000;
}

/** Reads a CSV without quoted fields (the export has none) into a header and rows. */
function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line !== '');
  const [header, ...rows] = lines.map((line) => line.split(','));
  if (header === undefined || header[0] !== 'Time') {
    throw new Error(`${path}: expected a CSV whose first column is Time`);
  }
  return { header, rows };
}

/** Splits `rsr-7d759f6dc9-m99vb - rsr-backend.12` into pod, container and duplicate index. */
function parseColumnName(name: string): { pod: string; container: string; duplicateIndex: number } {
  const match = /^(.+) - (.+?)(?:\.(\d+))?$/.exec(name);
  if (match === null) {
    throw new Error(`column "${name}" of the akvo export is not "<pod> - <container>"`);
  }
  return { pod: match[1], container: match[2], duplicateIndex: match[3] === undefined ? 0 : Number(match[3]) };
}

/**
 * Drops the values of a row in which one display name (pod and container) has more than two
 * series with a value. A pod runs one container of a name at a time, and cAdvisor exports the
 * dead one for at most a few minutes beside its successor, so hundreds of simultaneous values
 * cannot be real. The export has one such row: 2025-08-28 13:00, where all 610 `rsr-backend`
 * columns of one pod read 7142.7 MB while they are empty in every other row.
 *
 * @returns how many values were dropped
 */
function dropImpossibleRows(columns: readonly MemoryColumn[]): number {
  const byNameAndTime = new Map<string, Sample[][]>();
  for (const column of columns) {
    for (const sample of column.samples) {
      const key = `${column.pod}\u0000${column.container}\u0000${sample.t}`;
      const holders = byNameAndTime.get(key) ?? [];
      holders.push(column.samples);
      byNameAndTime.set(key, holders);
    }
  }

  let dropped = 0;
  for (const [key, holders] of byNameAndTime) {
    if (holders.length <= 2) {
      continue;
    }
    const t = Number(key.split('\u0000')[2]);
    for (const samples of holders) {
      const index = samples.findIndex((sample) => sample.t === t);
      samples.splice(index, 1);
      dropped += 1;
    }
  }
  return dropped;
}

function filesOf(directory: string, panel: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.includes(`__${panel}-data-as-seriestocolumns.csv`))
    .sort()
    .map((name) => join(directory, name));
}

/** Reads every memory window into columns, one per series across windows (matched by column name). */
function readMemoryColumns(directory: string): { columns: MemoryColumn[]; times: number[] } {
  const columns = new Map<string, MemoryColumn>();
  const times = new Set<number>();
  for (const path of filesOf(directory, 'Memory (MB)')) {
    const { header, rows } = readCsv(path);
    for (const row of rows) {
      const t = parseUtc(row[0]);
      times.add(t);
      header.slice(1).forEach((name, offset) => {
        const text = row[offset + 1];
        let column = columns.get(name);
        if (column === undefined) {
          column = { ...parseColumnName(name), samples: [] };
          columns.set(name, column);
        }
        if (text !== undefined && text !== '') {
          column.samples.push({ t, v: Number(text) * BYTES_PER_PANEL_MB });
        }
      });
    }
  }
  return { columns: [...columns.values()], times: [...times].sort((a, b) => a - b) };
}

/**
 * Reads the restarts windows and accumulates each pod's 30-minute increases into a counter, as
 * `kube_pod_container_status_restarts_total` would read at each row. The increases are
 * `increase()` estimates with fractions, so the running sum is rounded to whole restarts.
 */
function readRestartCounters(directory: string): Map<string, Sample[]> {
  const increases = new Map<string, Sample[]>();
  for (const path of filesOf(directory, 'Restarts per 30 mins')) {
    const { header, rows } = readCsv(path);
    for (const row of rows) {
      const t = parseUtc(row[0]);
      header.slice(1).forEach((pod, offset) => {
        const text = row[offset + 1];
        // An empty cell is a row in which the pod did not exist.
        if (text !== undefined && text !== '') {
          const list = increases.get(pod) ?? [];
          list.push({ t, v: Number(text) });
          increases.set(pod, list);
        }
      });
    }
  }

  const counters = new Map<string, Sample[]>();
  for (const [pod, list] of increases) {
    let total = 0;
    counters.set(
      pod,
      list
        .sort((a, b) => a.t - b.t)
        .map((sample) => {
          total += sample.v;
          return { t: sample.t, v: Math.round(total) };
        }),
    );
  }
  return counters;
}

/** cAdvisor labels of one converted column: each column is its own container id. */
function containerLabels(column: MemoryColumn): Record<string, string> {
  return {
    namespace: AKVO_NAMESPACE,
    pod: column.pod,
    container: column.container,
    id: `/kubepods/burstable/pod-${column.pod}/${column.container}-${column.duplicateIndex}`,
    job: 'kubelet',
  };
}

/**
 * Reads the export in `directory` and returns the series to backfill: the working set of every
 * non-empty column, a restart counter per pod when `restartingContainer` is given, and the limits
 * the caller assumes.
 *
 * @throws Error when a file is not of the expected shape
 */
export function convertAkvoExport(directory: string, options: AkvoConversionOptions = {}): AkvoConversion {
  const { columns, times } = readMemoryColumns(directory);
  const artefactValueCount = dropImpossibleRows(columns);
  const filled = columns.filter((column) => column.samples.length > 0);

  const series: MetricSeries[] = filled.map((column) => ({
    name: 'container_memory_working_set_bytes',
    labels: containerLabels(column),
    samples: column.samples,
  }));

  for (const [container, limitBytes] of Object.entries(options.limitBytesByContainer ?? {})) {
    const pods = new Set(filled.filter((column) => column.container === container).map((column) => column.pod));
    for (const pod of pods) {
      series.push({
        name: 'kube_pod_container_resource_limits',
        labels: { namespace: AKVO_NAMESPACE, pod, container, resource: 'memory', unit: 'byte', job: 'kube-state-metrics' },
        samples: times.map((t) => ({ t, v: limitBytes })),
      });
    }
  }

  if (options.restartingContainer !== undefined) {
    for (const [pod, counter] of readRestartCounters(directory)) {
      series.push({
        name: 'kube_pod_container_status_restarts_total',
        labels: { namespace: AKVO_NAMESPACE, pod, container: options.restartingContainer, job: 'kube-state-metrics' },
        samples: counter,
      });
    }
  }

  return {
    series,
    firstSeconds: times[0],
    lastSeconds: times[times.length - 1],
    workingSetSeriesCount: filled.length,
    emptyColumnCount: columns.length - filled.length,
    artefactValueCount,
  };
}
