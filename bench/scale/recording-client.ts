/**
 * A {@link PrometheusClient} wrapper that records every call as the HTTP request the client sends
 * for it, so that the benchmark can replay exactly those requests without the checker.
 */
import type { LabelValuesOptions, PrometheusClient, PromSeries } from '../../lambda/prometheus/client';

/** One HTTP request of a check: method, path below the base URL, and parameters in sent order. */
export interface RecordedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly params: [string, string][];
  /** Milliseconds from the start of the check to the call, and the call's duration. */
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** Series and samples in the parsed result. */
  readonly seriesReturned: number;
  readonly samplesReturned: number;
}

export interface RecordingClient extends PrometheusClient {
  readonly recorded: RecordedRequest[];
}

function countSamples(series: readonly PromSeries[]): number {
  let samples = 0;
  for (const one of series) {
    samples += one.samples.length;
  }
  return samples;
}

/**
 * Wraps a client and records each call with the parameters that `createPrometheusClient` sends:
 * queries as POST form bodies, label values as GET query strings.
 */
export function recordingClient(inner: PrometheusClient): RecordingClient {
  const recorded: RecordedRequest[] = [];
  const originMs = performance.now();

  async function record<T>(method: 'GET' | 'POST', path: string, params: [string, string][], call: () => Promise<T>, count: (result: T) => [number, number]): Promise<T> {
    const startedMs = performance.now();
    const result = await call();
    const [seriesReturned, samplesReturned] = count(result);
    recorded.push({ method, path, params, startedAtMs: startedMs - originMs, durationMs: performance.now() - startedMs, seriesReturned, samplesReturned });
    return result;
  }

  return {
    url: inner.url,
    stats: inner.stats,
    recorded,
    query(expr, timeSeconds) {
      const params: [string, string][] = [
        ['query', expr],
        ['time', String(timeSeconds)],
      ];
      return record('POST', '/api/v1/query', params, () => inner.query(expr, timeSeconds), (series) => [series.length, countSamples(series)]);
    },
    queryRange(expr, startSeconds, endSeconds, stepSeconds) {
      const params: [string, string][] = [
        ['query', expr],
        ['start', String(startSeconds)],
        ['end', String(endSeconds)],
        ['step', String(stepSeconds)],
      ];
      return record('POST', '/api/v1/query_range', params, () => inner.queryRange(expr, startSeconds, endSeconds, stepSeconds), (series) => [series.length, countSamples(series)]);
    },
    labelValues(label: string, options: LabelValuesOptions = {}) {
      const params: [string, string][] = [];
      if (options.startSeconds !== undefined) {
        params.push(['start', String(options.startSeconds)]);
      }
      if (options.endSeconds !== undefined) {
        params.push(['end', String(options.endSeconds)]);
      }
      for (const selector of options.match ?? []) {
        params.push(['match[]', selector]);
      }
      return record('GET', `/api/v1/label/${encodeURIComponent(label)}/values`, params, () => inner.labelValues(label, options), (values) => [values.length, 0]);
    },
  };
}
