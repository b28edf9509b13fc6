/**
 * Edits of simulated series for shapes the simulator does not produce by itself: renamed pods,
 * replaced limits and termination reasons, scrape gaps, extra series, duplicates removed.
 */
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';

type Sample = MetricSeries['samples'][number];

/** Returns the series with `labels` changed by `relabel`. */
export function mapLabels(series: readonly MetricSeries[], relabel: (labels: Record<string, string>, name: string) => Record<string, string>): MetricSeries[] {
  return series.map((one) => ({ ...one, labels: relabel({ ...one.labels }, one.name) }));
}

/** Returns the series with the samples of metric `name` changed by `change`. */
export function mapSamples(series: readonly MetricSeries[], name: string, change: (sample: Sample, labels: Record<string, string>) => Sample): MetricSeries[] {
  return series.map((one) => (one.name === name ? { ...one, samples: one.samples.map((sample) => change(sample, one.labels)) } : one));
}

/** Returns the series without the samples that `drop` selects; series left empty are removed. */
export function dropSamples(series: readonly MetricSeries[], drop: (name: string, sample: Sample) => boolean): MetricSeries[] {
  return series
    .map((one) => ({ ...one, samples: one.samples.filter((sample) => !drop(one.name, sample)) }))
    .filter((one) => one.samples.length > 0);
}

/**
 * Keeps the first of series with the same name and labels. Replicas simulated one by one each
 * export their ReplicaSet's owner series, and promtool rejects two samples of one series at one
 * instant.
 */
export function withoutDuplicates(series: readonly MetricSeries[]): MetricSeries[] {
  const seen = new Set<string>();
  return series.filter((one) => {
    const key = `${one.name}${JSON.stringify(Object.entries(one.labels).sort())}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** Returns a gauge series sampled by `valueAt` on every scrape instant of the given pod series. */
export function gaugeLike(template: MetricSeries, name: string, labels: Record<string, string>, valueAt: (t: number) => number): MetricSeries {
  return { name, labels, samples: template.samples.map((sample) => ({ t: sample.t, v: valueAt(sample.t) })) };
}
