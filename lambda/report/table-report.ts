import { formatBytes, formatInstant } from '../config/units';
import { chartKey, type CheckEvaluation } from '../check';
import type { BacktestResult } from '../backtest';
import type { Notification, Verdict } from '../types';
import { formatHours } from '../analysis/describe';
import { renderChart } from './chart';

/** Rows of healthy containers shown before the rest are summarised in one line. */
const MAX_HEALTHY_ROWS = 20;

/**
 * Formats a growth rate for people: `+28.6 MiB/h`. Binary units, as Kubernetes memory limits
 * (`Mi`, `Gi`) and the evidence sentences use them.
 */
export function formatGrowth(slopeBytesPerHour: number | null): string {
  if (slopeBytesPerHour === null) {
    return '-';
  }
  const mebibytesPerHour = slopeBytesPerHour / 1024 ** 2;
  const digits = Math.abs(mebibytesPerHour) >= 100 ? 0 : 1;
  // Rounding first keeps a tiny decline from printing as "-0.0".
  const rounded = Number(mebibytesPerHour.toFixed(digits)) || 0;
  const sign = rounded >= 0 ? '+' : '';
  return `${sign}${rounded.toFixed(digits)} MiB/h`;
}

/** Formats a forecast as a UTC date and in days: `2026-12-03 07:00 UTC (2.3 d)`, or `(45 s)` under an hour. */
export function formatEta(verdict: Pick<Verdict, 'eta' | 'hoursToLimit'>): string {
  if (verdict.eta === null || verdict.hoursToLimit === null) {
    return '-';
  }
  const when = verdict.eta.slice(0, 16).replace('T', ' ');
  const ahead = verdict.hoursToLimit < 1 ? formatHours(verdict.hoursToLimit) : `${(verdict.hoursToLimit / 24).toFixed(1)} d`;
  return `${when} UTC (${ahead})`;
}

/** Renders a check for people: most urgent first, with a chart of each at-risk container. */
export function checkReportTable(
  evaluation: CheckEvaluation,
  options: { charts?: boolean; notifications?: boolean } = {},
): string {
  const count = evaluation.verdicts.length;
  const lines: string[] = [`Check at ${formatInstant(evaluation.evaluatedAt)}: ${count} ${count === 1 ? 'container' : 'containers'}`];

  const atRisk = evaluation.verdicts.filter((verdict) => verdict.severity !== 'none');
  const healthy = evaluation.verdicts.filter((verdict) => verdict.severity === 'none');
  const shownHealthy = healthy.slice(0, MAX_HEALTHY_ROWS);

  const header = ['SEVERITY', 'CONTAINER', 'POD', 'USAGE', 'LIMIT', 'GROWTH', 'LIMIT REACHED', 'PATTERN'];
  const rows = [...atRisk, ...shownHealthy].map((verdict) => [
    verdict.severity === 'none' ? 'ok' : verdict.severity.toUpperCase(),
    verdict.id,
    verdict.labels.pod ?? '-',
    verdict.usageBytes === null ? '-' : formatBytes(verdict.usageBytes),
    verdict.limitBytes === null ? 'none' : formatBytes(verdict.limitBytes),
    formatGrowth(verdict.slopeBytesPerHour),
    formatEta(verdict),
    verdict.pattern,
  ]);
  lines.push('', ...alignColumns([header, ...rows]));
  if (healthy.length > shownHealthy.length) {
    lines.push(`... and ${healthy.length - shownHealthy.length} more containers with no risk (use --format json for all)`);
  }

  for (const verdict of atRisk) {
    lines.push('', `${verdict.severity.toUpperCase()} ${verdict.id} (${verdict.labels.pod ?? 'no pod label'})`);
    for (const sentence of verdict.evidence) {
      lines.push(`  - ${sentence}`);
    }
    const samples = evaluation.atRiskSamples.get(chartKey(verdict));
    if (options.charts !== false && samples && samples.length > 1) {
      lines.push(...chartForVerdict(verdict, samples).map((line) => `  ${line}`));
    }
  }

  if (options.notifications) {
    lines.push('', ...notificationsDue(evaluation.decision.notifications));
  }

  for (const warning of evaluation.warnings) {
    lines.push('', `warning: ${warning}`);
  }
  return lines.join('\n');
}

/** Lists what the alert policy sends in this check, so a cron job can mail only these lines. */
function notificationsDue(notifications: readonly Notification[]): string[] {
  if (notifications.length === 0) {
    return ['Notifications due: none (open alerts are repeated at most daily)'];
  }
  const header = ['NOTIFY', 'SEVERITY', 'CONTAINER', 'LIMIT REACHED', 'PATTERN'];
  const rows = notifications.map((notification) => notificationRow(notification).slice(1));
  return ['Notifications due:', ...alignColumns([header, ...rows.map((row) => [row[1], row[0], ...row.slice(2)])])];
}

/** Renders a backtest's notifications in time order. */
export function backtestReportTable(result: BacktestResult): string {
  const lines = [`Backtest: ${result.checks} hourly checks, ${result.notifications.length} notifications`];
  if (result.notifications.length === 0) {
    return lines.join('\n');
  }
  const header = ['AT', 'SEVERITY', 'KIND', 'CONTAINER', 'LIMIT REACHED', 'PATTERN'];
  const rows = result.notifications.map((notification) => notificationRow(notification));
  lines.push('', ...alignColumns([header, ...rows]));
  return lines.join('\n');
}

function notificationRow(notification: Notification): string[] {
  const eta =
    notification.verdict && notification.severity !== 'resolved'
      ? formatEta(notification.verdict)
      : '-';
  return [
    formatInstant(notification.at).slice(0, 16).replace('T', ' '),
    notification.severity.toUpperCase(),
    notification.kind,
    notification.id,
    eta,
    notification.verdict?.pattern ?? '-',
  ];
}

function chartForVerdict(verdict: Verdict, samples: { t: number; v: number }[]): string[] {
  const lastSample = samples[samples.length - 1];
  const hasForecast = verdict.hoursToLimit !== null && verdict.slopeBytesPerHour !== null && verdict.slopeBytesPerHour > 0;
  const forecastUntil = hasForecast ? lastSample.t + (verdict.hoursToLimit as number) * 3600 * 1.05 : null;
  return renderChart(samples, {
    limitBytes: verdict.limitBytes,
    forecastUntil,
    forecast: hasForecast
      ? { fromT: lastSample.t, fromBytes: lastSample.v, slopeBytesPerHour: verdict.slopeBytesPerHour as number }
      : null,
  });
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}
