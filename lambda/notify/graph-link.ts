/** The working-set metric of the default usage query. */
const WORKING_SET_METRIC = 'container_memory_working_set_bytes';
const SERIES_LABELS = ['namespace', 'pod', 'container'];

/**
 * Builds a link to the Prometheus graph page showing one container's working set:
 * `<base>/graph?g0.expr=...&g0.tab=0&g0.range_input=7d`.
 *
 * NOTE: with a custom usage query the link graphs that whole query, because an arbitrary
 * PromQL expression cannot be narrowed to one container reliably. Amazon Managed Service for
 * Prometheus has no graph page, so there the link does not open.
 *
 * @param rangeInput - the graph's range as a Prometheus duration, usually the lookback
 */
export function prometheusGraphUrl(
  prometheusUrl: string,
  labels: Record<string, string>,
  rangeInput: string,
  usageQuery?: string,
): string {
  const expression = usageQuery ?? workingSetExpression(labels);
  const base = prometheusUrl.replace(/\/+$/, '');
  return `${base}/graph?g0.expr=${encodeURIComponent(expression)}&g0.tab=0&g0.range_input=${encodeURIComponent(rangeInput)}`;
}

/** Builds the selector of one container's working set from its namespace, pod and container labels. */
export function workingSetExpression(labels: Record<string, string>): string {
  const matchers = SERIES_LABELS.filter((name) => labels[name] !== undefined).map(
    (name) => `${name}="${escapeLabelValue(labels[name])}"`,
  );
  return `${WORKING_SET_METRIC}{${matchers.join(',')}}`;
}

/** Escapes a label value for a double-quoted PromQL string. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
