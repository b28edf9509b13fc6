/**
 * Contender 2: the alert rule users write today,
 *
 *   predict_linear(container_memory_working_set_bytes{container!="",container!="POD"}[6h], H)
 *     > on(namespace,pod,container) group_left
 *       max by (namespace,pod,container)(kube_pod_container_resource_limits{resource="memory"})
 *   for: 1h
 *
 * with H the warning horizon (7 days) and the critical horizon (2 days), evaluated by the same
 * Prometheus with query_range every 5 minutes. `for: 1h` is emulated per alert series: a series
 * fires at a step when the expression returned it at every step of the hour before.
 */
import type { PrometheusClient, PromSeries } from '../../../lambda/prometheus/client';
import type { AlertLevel } from '../scenario';
import { intervalsFromInstants, type AlertTimeline, type EtaSample } from '../timeline';
import type { EvaluationSpan } from '../metrics';

/** Evaluation interval of the emulated rule. */
export const RULE_STEP_SECONDS = 300;
/** The rule's `for:` duration. */
export const RULE_FOR_SECONDS = 3600;
/** Step of the query that reads the rule's implied forecast instant, to match hourly checks. */
const ETA_STEP_SECONDS = 3600;

const WORKING_SET = 'container_memory_working_set_bytes{container!="",container!="POD"}';
const LIMIT = 'max by (namespace,pod,container)(kube_pod_container_resource_limits{resource="memory"})';

/** Builds the rule expression for a horizon in seconds (Prometheus 2.x takes `predict_linear`'s horizon in seconds). */
export function ruleExpression(horizonSeconds: number): string {
  return `predict_linear(${WORKING_SET}[6h], ${horizonSeconds}) > on(namespace,pod,container) group_left ${LIMIT}`;
}

/**
 * Seconds until the rule's fitted line reaches the limit: (limit − line now) / slope, for rising
 * lines only. Labels are those of the rule's alert series.
 */
export const SECONDS_TO_LIMIT_EXPRESSION =
  `(${LIMIT} - on(namespace,pod,container) group_right predict_linear(${WORKING_SET}[6h], 0)) / deriv(${WORKING_SET}[6h]) > 0`;

/** The emulated rule's outcome per scenario, with its cost. */
export interface PredictLinearRun {
  readonly byNamespace: Map<string, Record<AlertLevel, AlertTimeline>>;
  readonly requests: number;
  readonly seconds: number;
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/** Steps at which each alert series fires: returned at every step of the `for:` hour up to and including this one. */
function firingSteps(series: PromSeries, stepSeconds: number): number[] {
  const stepsInFor = RULE_FOR_SECONDS / stepSeconds;
  const firing: number[] = [];
  // Steps before this one, back to the last missing step.
  let precedingSteps = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const sample of series.samples) {
    precedingSteps = sample.t - previous === stepSeconds ? precedingSteps + 1 : 0;
    previous = sample.t;
    if (precedingSteps >= stepsInFor) {
      firing.push(sample.t);
    }
  }
  return firing;
}

/**
 * Evaluates the rule for both horizons over the span, plus one step of `for:` before it, and
 * records per scenario when any of its series fired and the rule's implied forecast instant at
 * hourly steps while it did.
 */
export async function runPredictLinear(client: PrometheusClient, namespaces: readonly string[], span: EvaluationSpan): Promise<PredictLinearRun> {
  const requestsBefore = client.stats.requests;
  const startedMs = Date.now();
  const horizons: Record<AlertLevel, number> = { warning: 7 * 86400, critical: 2 * 86400 };

  const evaluationStart = span.fromSeconds - RULE_FOR_SECONDS;
  const [warningSeries, criticalSeries, secondsToLimit] = await Promise.all([
    client.queryRange(ruleExpression(horizons.warning), evaluationStart, span.toSeconds, RULE_STEP_SECONDS),
    client.queryRange(ruleExpression(horizons.critical), evaluationStart, span.toSeconds, RULE_STEP_SECONDS),
    client.queryRange(SECONDS_TO_LIMIT_EXPRESSION, span.fromSeconds, span.toSeconds, ETA_STEP_SECONDS),
  ]);

  const secondsToLimitByKey = new Map(secondsToLimit.map((series) => [seriesKey(series.labels), new Map(series.samples.map((sample) => [sample.t, sample.v]))]));
  const timelineOf = (all: readonly PromSeries[], namespace: string): AlertTimeline => {
    const firingByKey = new Map<string, Set<number>>();
    for (const series of all.filter((one) => one.labels.namespace === namespace)) {
      firingByKey.set(seriesKey(series.labels), new Set(firingSteps(series, RULE_STEP_SECONDS).filter((t) => t >= span.fromSeconds)));
    }
    const activeSteps = [...firingByKey.values()].flatMap((steps) => [...steps]);

    const etas: EtaSample[] = [];
    for (let t = span.fromSeconds; t <= span.toSeconds; t += ETA_STEP_SECONDS) {
      const candidates = [...firingByKey.entries()]
        .filter(([, steps]) => steps.has(t))
        .map(([key]) => secondsToLimitByKey.get(key)?.get(t))
        .filter((seconds): seconds is number => seconds !== undefined);
      if (candidates.length > 0) {
        etas.push({ atSeconds: t, etaSeconds: t + Math.min(...candidates) });
      }
    }
    return { intervals: intervalsFromInstants(activeSteps, RULE_STEP_SECONDS), etas };
  };

  const byNamespace = new Map<string, Record<AlertLevel, AlertTimeline>>();
  for (const namespace of namespaces) {
    byNamespace.set(namespace, { warning: timelineOf(warningSeries, namespace), critical: timelineOf(criticalSeries, namespace) });
  }
  return { byNamespace, requests: client.stats.requests - requestsBefore, seconds: (Date.now() - startedMs) / 1000 };
}
