/** Parsing of the `data` of a successful Prometheus HTTP API query response. */
import { Sample } from '../types';

/** One series of a query result: its labels (with `__name__` when the query keeps it) and samples, oldest first. */
export interface PromSeries {
  readonly labels: Record<string, string>;
  readonly samples: Sample[];
}

/** Counters that parsing updates besides returning the series. */
export interface ParseCounts {
  samplesRead: number;
  /** Samples whose value was NaN, +Inf or -Inf; they are dropped. */
  nonFiniteSamplesDropped: number;
}

type RawPoint = [number, string];

/**
 * Parses a sample given as `[unixSeconds, "value"]`. Prometheus sends values as strings so that
 * NaN and ±Inf survive JSON; those are dropped here because no later stage can use them.
 */
function parsePoint(point: unknown, counts: ParseCounts): Sample | undefined {
  if (!Array.isArray(point) || point.length < 2) {
    return undefined;
  }
  const [t, text] = point as RawPoint;
  const v = Number(text);
  if (typeof t !== 'number' || typeof text !== 'string' || !Number.isFinite(v)) {
    counts.nonFiniteSamplesDropped += 1;
    return undefined;
  }
  counts.samplesRead += 1;
  return { t, v };
}

function parsePoints(points: unknown, counts: ParseCounts): Sample[] {
  const samples: Sample[] = [];
  for (const point of Array.isArray(points) ? points : []) {
    const sample = parsePoint(point, counts);
    if (sample !== undefined) {
      samples.push(sample);
    }
  }
  return samples;
}

/**
 * Turns a query result of any type into series: a matrix as is, each element of an instant
 * vector as a series of one sample, a scalar as one series without labels. A string result
 * carries no numbers and gives no series.
 *
 * @throws Error when `data` is not a Prometheus query result
 */
export function parseQueryData(data: unknown, counts: ParseCounts): PromSeries[] {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };

  switch (resultType) {
    case 'matrix':
    case 'vector': {
      if (!Array.isArray(result)) {
        throw new Error(`the ${resultType} result is not a list`);
      }
      const series: PromSeries[] = [];
      for (const element of result as { metric?: Record<string, string>; values?: unknown; value?: unknown }[]) {
        const samples = resultType === 'matrix' ? parsePoints(element.values, counts) : parsePoints([element.value], counts);
        if (samples.length > 0) {
          series.push({ labels: { ...(element.metric ?? {}) }, samples });
        }
      }
      return series;
    }
    case 'scalar': {
      const samples = parsePoints([result], counts);
      return samples.length > 0 ? [{ labels: {}, samples }] : [];
    }
    case 'string':
      return [];
    default:
      throw new Error(`unknown result type ${JSON.stringify(resultType)}`);
  }
}
