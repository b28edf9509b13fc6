/**
 * Contender 1: oom-forecast's own backtest, hourly checks with the default thresholds and alert
 * policy, in one pass over every scenario (they share the server and the queries read all
 * namespaces).
 */
import { runBacktest } from '../../../lambda/backtest';
import type { CheckEvaluation } from '../../../lambda/check';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_LOOKBACK_SECONDS, DEFAULT_WARN_DAYS, type CheckOptions } from '../../../lambda/config/check-options';
import type { PrometheusClient } from '../../../lambda/prometheus/client';
import type { Notification, Severity, Verdict } from '../../../lambda/types';
import type { AlertLevel } from '../scenario';
import { intervalsFromInstants, type AlertTimeline, type EtaSample } from '../timeline';
import type { EvaluationSpan } from '../metrics';

const CHECK_EVERY_SECONDS = 3600;

/** The alerts, forecasts and patterns of oom-forecast on one scenario (namespace). */
export interface OomForecastOutcome {
  /** When an alert was open (any severity, and critical), as the alert policy's stored state records it. */
  readonly timelines: Record<AlertLevel, AlertTimeline>;
  /** When a verdict itself was at risk, before the policy's confirmation and hysteresis. */
  readonly verdictTimeline: AlertTimeline;
  /** How many checks returned each pattern for the scenario's containers. */
  readonly patternCounts: Record<string, number>;
  /** Notifications for the scenario, compact, in time order. */
  readonly notifications: { at: number; id: string; kind: string; severity: string; hoursToLimit: number | null; pattern: string | null }[];
}

/** The backtest's outcome per scenario, with its cost. */
export interface OomForecastRun {
  readonly byNamespace: Map<string, OomForecastOutcome>;
  readonly checks: number;
  readonly requests: number;
  readonly seconds: number;
}

/** Namespace of an id `namespace/workload/container`. */
function namespaceOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** Returns the soonest forecast instant among the at-risk verdicts of a namespace. */
function soonestEta(verdicts: readonly Verdict[]): number | null {
  const etas = verdicts.filter((verdict) => verdict.severity !== 'none' && verdict.eta !== null).map((verdict) => Date.parse(verdict.eta as string) / 1000);
  return etas.length === 0 ? null : Math.min(...etas);
}

class Recorder {
  /** Severity of each open alert, by container id, as the policy's stored states hold it. */
  private readonly openSeverityById = new Map<string, Severity>();
  private readonly active: Record<AlertLevel, Map<string, number[]>> = { warning: new Map(), critical: new Map() };
  private readonly etas: Record<AlertLevel, Map<string, EtaSample[]>> = { warning: new Map(), critical: new Map() };
  private readonly verdictAtRisk = new Map<string, number[]>();
  private readonly verdictEtas = new Map<string, EtaSample[]>();
  private readonly patterns = new Map<string, Record<string, number>>();
  private readonly notifications = new Map<string, OomForecastOutcome['notifications']>();

  constructor(
    private readonly namespaces: readonly string[],
    private readonly recordFromSeconds: number,
  ) {}

  record(evaluation: CheckEvaluation): void {
    const at = evaluation.evaluatedAt;
    for (const state of evaluation.decision.changedStates) {
      this.openSeverityById.set(state.id, state.notifiedSeverity);
    }
    for (const id of evaluation.decision.forgottenIds) {
      this.openSeverityById.delete(id);
    }
    if (at < this.recordFromSeconds) {
      return;
    }
    for (const notification of evaluation.decision.notifications) {
      this.recordNotification(notification);
    }

    for (const namespace of this.namespaces) {
      const verdicts = evaluation.verdicts.filter((verdict) => namespaceOf(verdict.id) === namespace);
      const counts = this.patterns.get(namespace) ?? {};
      for (const verdict of verdicts) {
        counts[verdict.pattern] = (counts[verdict.pattern] ?? 0) + 1;
      }
      this.patterns.set(namespace, counts);

      const severities = [...this.openSeverityById.entries()].filter(([id]) => namespaceOf(id) === namespace).map(([, severity]) => severity);
      const eta = soonestEta(verdicts);
      if (verdicts.some((verdict) => verdict.severity !== 'none')) {
        push(this.verdictAtRisk, namespace, at);
        if (eta !== null) {
          push(this.verdictEtas, namespace, { atSeconds: at, etaSeconds: eta });
        }
      }
      const levels: [AlertLevel, boolean][] = [
        ['warning', severities.some((severity) => severity !== 'none')],
        ['critical', severities.includes('critical')],
      ];
      for (const [level, isActive] of levels) {
        if (!isActive) {
          continue;
        }
        push(this.active[level], namespace, at);
        if (eta !== null) {
          push(this.etas[level], namespace, { atSeconds: at, etaSeconds: eta });
        }
      }
    }
  }

  private recordNotification(notification: Notification): void {
    const list = this.notifications.get(namespaceOf(notification.id)) ?? [];
    list.push({
      at: notification.at,
      id: notification.id,
      kind: notification.kind,
      severity: notification.severity,
      hoursToLimit: notification.hoursToLimit,
      pattern: notification.verdict?.pattern ?? null,
    });
    this.notifications.set(namespaceOf(notification.id), list);
  }

  outcomes(): Map<string, OomForecastOutcome> {
    const outcomes = new Map<string, OomForecastOutcome>();
    for (const namespace of this.namespaces) {
      const timeline = (level: AlertLevel): AlertTimeline => ({
        intervals: intervalsFromInstants(this.active[level].get(namespace) ?? [], CHECK_EVERY_SECONDS),
        etas: this.etas[level].get(namespace) ?? [],
      });
      outcomes.set(namespace, {
        timelines: { warning: timeline('warning'), critical: timeline('critical') },
        verdictTimeline: {
          intervals: intervalsFromInstants(this.verdictAtRisk.get(namespace) ?? [], CHECK_EVERY_SECONDS),
          etas: this.verdictEtas.get(namespace) ?? [],
        },
        patternCounts: this.patterns.get(namespace) ?? {},
        notifications: this.notifications.get(namespace) ?? [],
      });
    }
    return outcomes;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}

/**
 * Replays hourly checks over the span with the default lookback, thresholds and alert policy. It
 * starts one check early, so that the policy's confirmation has the same hour of history as the
 * rule's `for: 1h`. It records per scenario when an alert was open (any severity, and critical), the soonest
 * forecast while it was, the patterns seen and the notifications.
 *
 * @param onProgress - called every 24 checks with the number done
 */
export async function runOomForecast(
  client: PrometheusClient,
  namespaces: readonly string[],
  span: EvaluationSpan,
  onProgress?: (checksDone: number) => void,
): Promise<OomForecastRun> {
  const options: CheckOptions = {
    prometheusUrl: client.url,
    lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
    warnDays: DEFAULT_WARN_DAYS,
    criticalDays: DEFAULT_CRITICAL_DAYS,
  };
  const recorder = new Recorder(namespaces, span.fromSeconds);
  const requestsBefore = client.stats.requests;
  const startedMs = Date.now();
  let checksDone = 0;

  const result = await runBacktest(options, { fromSeconds: span.fromSeconds - CHECK_EVERY_SECONDS, toSeconds: span.toSeconds, everySeconds: CHECK_EVERY_SECONDS }, client, undefined, (evaluation) => {
    recorder.record(evaluation);
    checksDone += 1;
    if (checksDone % 24 === 0) {
      onProgress?.(checksDone);
    }
  });
  return {
    byNamespace: recorder.outcomes(),
    checks: result.checks,
    requests: client.stats.requests - requestsBefore,
    seconds: (Date.now() - startedMs) / 1000,
  };
}
