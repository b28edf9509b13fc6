import { formatBytes } from '../config/units';
import type { Sample } from '../types';

/** Size and scale of a terminal chart. */
export interface ChartOptions {
  /** Columns for the plot area. @default 60 */
  readonly width?: number;
  /** Rows for the plot area. @default 10 */
  readonly height?: number;
  /** Draws a dashed line at this value, such as the memory limit. */
  readonly limitBytes?: number | null;
  /** Extends the plot to this Unix time along the forecast line. */
  readonly forecastUntil?: number | null;
  /** Forecast line: bytes at `fromT` and the slope after it. */
  readonly forecast?: { readonly fromT: number; readonly fromBytes: number; readonly slopeBytesPerHour: number } | null;
}

/**
 * Draws recent memory (`*`), its forecast (`.`) and the limit (`-`) as lines of text, so a
 * person can read the trend and where it meets the limit without opening a dashboard.
 */
export function renderChart(samples: readonly Sample[], options: ChartOptions = {}): string[] {
  const width = options.width ?? 60;
  const height = options.height ?? 10;
  if (samples.length === 0) {
    return ['(no samples)'];
  }

  const firstT = samples[0].t;
  const lastSampleT = samples[samples.length - 1].t;
  const lastT = Math.max(lastSampleT, options.forecastUntil ?? lastSampleT);
  const spanSeconds = Math.max(lastT - firstT, 1);

  const values = samples.map((sample) => sample.v);
  const topBytes = Math.max(...values, options.limitBytes ?? 0) * 1.05;
  const bottomBytes = Math.min(...values, 0);
  const rowOf = (bytes: number): number =>
    Math.round(((topBytes - bytes) / Math.max(topBytes - bottomBytes, 1)) * (height - 1));
  const columnOf = (t: number): number => Math.round(((t - firstT) / spanSeconds) * (width - 1));

  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  const plot = (row: number, column: number, mark: string): void => {
    if (row >= 0 && row < height && column >= 0 && column < width) {
      grid[row][column] = mark;
    }
  };

  if (options.limitBytes) {
    const limitRow = rowOf(options.limitBytes);
    for (let column = 0; column < width; column += 1) {
      plot(limitRow, column, '-');
    }
  }

  const forecast = options.forecast;
  if (forecast) {
    for (let column = columnOf(forecast.fromT); column < width; column += 1) {
      const t = firstT + (column / (width - 1)) * spanSeconds;
      const bytes = forecast.fromBytes + (forecast.slopeBytesPerHour * (t - forecast.fromT)) / 3600;
      if (options.limitBytes && bytes > options.limitBytes) {
        break;
      }
      plot(rowOf(bytes), column, '.');
    }
  }

  for (const sample of samples) {
    plot(rowOf(sample.v), columnOf(sample.t), '*');
  }

  const labelWidth = 10;
  return grid.map((cells, row) => {
    let label = '';
    if (row === 0) {
      label = formatBytes(topBytes);
    } else if (row === height - 1) {
      label = formatBytes(bottomBytes);
    }
    return `${label.padStart(labelWidth)} |${cells.join('')}`;
  });
}
