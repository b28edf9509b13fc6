import { roundHours } from '../analysis/forecast';
import { formatInstant } from '../config/units';
import type { CheckEvaluation } from '../check';
import type { BacktestResult, BacktestWindow } from '../backtest';
import type { Notification, Verdict } from '../types';

/** Version of the JSON output; bumped only for incompatible changes. */
export const SCHEMA_VERSION = 1;

/** Builds the `check --format json` document of the contract. */
export function checkReportJson(evaluation: CheckEvaluation): object {
  return {
    schemaVersion: SCHEMA_VERSION,
    evaluatedAt: formatInstant(evaluation.evaluatedAt),
    series: evaluation.verdicts.map(verdictJson),
    notifications: evaluation.decision.notifications.map(notificationJson),
    warnings: evaluation.warnings,
  };
}

/** Builds the `backtest --format json` document of the contract. */
export function backtestReportJson(result: BacktestResult, window: BacktestWindow): object {
  return {
    schemaVersion: SCHEMA_VERSION,
    from: formatInstant(window.fromSeconds),
    to: formatInstant(window.toSeconds),
    checks: result.checks,
    notifications: result.notifications.map(notificationJson),
  };
}

function verdictJson(verdict: Verdict): object {
  return {
    id: verdict.id,
    labels: verdict.labels,
    usageBytes: verdict.usageBytes,
    limitBytes: verdict.limitBytes,
    slopeBytesPerHour: roundOrNull(verdict.slopeBytesPerHour, 0),
    hoursToLimit: verdict.hoursToLimit === null ? null : roundHours(verdict.hoursToLimit),
    hoursToLimitInterval: verdict.hoursToLimitInterval?.map(roundHours) ?? null,
    eta: verdict.eta,
    severity: verdict.severity,
    pattern: verdict.pattern,
    confidence: round(verdict.confidence, 2),
    restarts: { ...verdict.restarts, lastOomKillAt: verdict.restarts.lastOomKillAt == null ? null : formatInstant(verdict.restarts.lastOomKillAt) },
    peakFractionOfLimit: roundOrNull(verdict.peakFractionOfLimit, 3),
    evidence: verdict.evidence,
  };
}

function notificationJson(notification: Notification): object {
  return {
    at: formatInstant(notification.at),
    id: notification.id,
    labels: notification.labels,
    severity: notification.severity,
    kind: notification.kind,
    hoursToLimit: notification.hoursToLimit === null ? null : roundHours(notification.hoursToLimit),
    pattern: notification.verdict?.pattern ?? null,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null, digits: number): number | null {
  return value === null || !Number.isFinite(value) ? null : round(value, digits);
}
