import { formatHoursInterval, formatRate } from '../analysis/describe';
import { formatBytes, formatInstant } from '../config/units';
import { wasKilledRecently } from '../policy/alert-policy';
import type { Notification, Verdict } from '../types';
import { prometheusGraphUrl } from './graph-link';
import { etaSeconds, type MessageContext } from './message-context';
import { remediationHint } from './remediation';
import { formatDuration, formatInstantForPeople } from './time-format';

const DEFAULT_GRAPH_RANGE = '7d';

/** Renders one notification as a block of the email: every fact a person needs to act on it. */
export function detailedEntry(notification: Notification, context: MessageContext): string {
  const verdict = notification.verdict;
  const lines = [`${notification.severity.toUpperCase()}  ${notification.id}  (${kindLabel(notification)})`];

  if (notification.kind === 'resolved') {
    lines.push(`  ${resolvedSentence(notification, context)}`);
  } else {
    lines.push(`  ${limitSentence(notification, context)}`);
  }
  if (verdict) {
    lines.push(`  ${usageSentence(verdict)}`);
    lines.push(`  Pattern ${verdict.pattern}, confidence ${verdict.confidence.toFixed(2)}${restartsClause(verdict)}`);
  }
  lines.push(`  Changed: ${changeSentence(notification)}`);
  lines.push(`  ${podSentence(notification.labels)}`);
  if (verdict && verdict.evidence.length > 0) {
    lines.push(`  Evidence: ${verdict.evidence.join('; ')}`);
  }
  lines.push(`  Graph: ${graphUrl(notification, context)}`);
  // A leak restarted by an OOM kill still leaks: its resolved notice keeps the hint.
  if (notification.kind !== 'resolved' || killedRecently(notification)) {
    const hint = remediationHint(notification.labels, verdict?.evidence ?? [], verdict?.limitBytes ?? null);
    lines.push(`  Hint: ${hint.text}`);
  }
  return lines.join('\n');
}

/** Renders one notification as a single line, for the part of a long email that lists the rest briefly. */
export function briefEntry(notification: Notification, context: MessageContext): string {
  const eta = etaSeconds(notification);
  const when =
    eta === null || notification.hoursToLimit === null
      ? notification.kind === 'resolved'
        ? 'resolved'
        : `no forecast date (${notification.verdict?.pattern ?? 'unknown'})`
      : `limit ${formatInstantForPeople(eta, context.timeZone)}, in ${formatDuration(notification.hoursToLimit)}`;
  return `${notification.severity.toUpperCase()} ${notification.id}: ${when} (${kindLabel(notification)})`;
}

/** Builds the machine-readable form of one notification, for the message's `default` text. */
export function jsonEntry(notification: Notification, context: MessageContext): Record<string, unknown> {
  const verdict = notification.verdict;
  const eta = etaSeconds(notification);
  return {
    at: formatInstant(notification.at),
    id: notification.id,
    labels: notification.labels,
    severity: notification.severity,
    kind: notification.kind,
    hoursToLimit: roundOrNull(notification.hoursToLimit, 1),
    hoursToLimitInterval: verdict?.hoursToLimitInterval?.map((hours) => Math.round(hours * 10) / 10) ?? null,
    eta: eta === null ? null : formatInstant(eta),
    previousHoursToLimit: roundOrNull(notification.previousHoursToLimit, 1),
    usageBytes: verdict?.usageBytes ?? null,
    limitBytes: verdict?.limitBytes ?? null,
    slopeBytesPerHour: roundOrNull(verdict?.slopeBytesPerHour ?? null, 0),
    pattern: verdict?.pattern ?? null,
    confidence: verdict ? Math.round(verdict.confidence * 100) / 100 : null,
    graph: graphUrl(notification, context),
  };
}

function kindLabel(notification: Notification): string {
  switch (notification.kind) {
    case 'new':
      return 'new alert';
    case 'escalated':
      return 'escalated';
    case 'reminder':
      return 'reminder';
    case 'resolved':
      return 'resolved';
  }
}

function limitSentence(notification: Notification, context: MessageContext): string {
  const eta = etaSeconds(notification);
  if (eta === null || notification.hoursToLimit === null) {
    const pattern = notification.verdict?.pattern ?? 'unknown';
    return `No forecast date: the memory shows ${pattern}, which puts it at risk without a steady trend.`;
  }
  const interval = notification.verdict?.hoursToLimitInterval;
  const intervalText = interval
    ? ` (90 % interval ${formatHoursInterval(interval[0], interval[1])})`
    : '';
  return `Limit reached ${formatInstantForPeople(eta, context.timeZone)}, in ${formatDuration(notification.hoursToLimit)}${intervalText}`;
}

function resolvedSentence(notification: Notification, context: MessageContext): string {
  const verdict = notification.verdict;
  if (!verdict) {
    return 'No longer seen by recent checks: the container was probably removed or renamed.';
  }
  const eta = etaSeconds(notification);
  if (eta === null || notification.hoursToLimit === null) {
    return `No longer forecast to reach its limit (pattern now ${verdict.pattern}).`;
  }
  const horizon = context.warnDays === undefined ? 'the warning horizon' : `the ${context.warnDays}-day warning horizon`;
  const next = `${formatInstantForPeople(eta, context.timeZone)}, in ${formatDuration(notification.hoursToLimit)}`;
  const killedAt = verdict.restarts.lastOomKillAt;
  if (killedRecently(notification) && killedAt != null) {
    return (
      `OOM-killed ${formatInstantForPeople(killedAt, context.timeZone)} and restarted. Growing as the lifetime that ended did, ` +
      `it reaches the limit again ${next}, beyond ${horizon}: a new warning comes when that is within it.`
    );
  }
  return `Now forecast to reach its limit ${next}, beyond ${horizon} (pattern ${verdict.pattern}).`;
}

/** Returns whether the notification's container was OOM-killed within the day before it. */
function killedRecently(notification: Notification): boolean {
  return notification.verdict !== null && wasKilledRecently(notification.verdict, notification.at);
}

function usageSentence(verdict: Verdict): string {
  const usage = verdict.usageBytes === null ? 'unknown' : formatBytes(verdict.usageBytes);
  const limit =
    verdict.limitBytes === null
      ? 'no limit'
      : `${formatBytes(verdict.limitBytes)} limit${verdict.usageBytes === null ? '' : ` (${Math.round((100 * verdict.usageBytes) / verdict.limitBytes)} %)`}`;
  const growth =
    verdict.slopeBytesPerHour === null
      ? 'growth unknown'
      : `growing ${formatRate(verdict.slopeBytesPerHour)}`;
  return `Usage ${usage} of ${limit}, ${growth}`;
}

function restartsClause(verdict: Verdict): string {
  const { total, oomKills } = verdict.restarts;
  if (total === 0) {
    return '';
  }
  return `; ${total} restart${total === 1 ? '' : 's'} in the lookback, ${oomKills} OOMKilled`;
}

function changeSentence(notification: Notification): string {
  const previous =
    notification.previousHoursToLimit === null
      ? ''
      : ` (the limit was ${formatDuration(notification.previousHoursToLimit)} away at the last message)`;
  switch (notification.kind) {
    case 'new':
      return 'new alert';
    case 'escalated':
      return `escalated from WARNING to CRITICAL${previous}`;
    case 'reminder':
      return `still at risk, daily reminder${previous}`;
    case 'resolved':
      return `resolved${previous}`;
  }
}

function podSentence(labels: Record<string, string>): string {
  const parts = [
    labels.pod === undefined ? null : `Pod ${labels.pod}`,
    labels.container === undefined ? null : `container ${labels.container}`,
    labels.namespace === undefined ? null : `namespace ${labels.namespace}`,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : `Labels ${JSON.stringify(labels)}`;
}

function graphUrl(notification: Notification, context: MessageContext): string {
  return prometheusGraphUrl(context.prometheusUrl, notification.labels, context.graphRange ?? DEFAULT_GRAPH_RANGE, context.usageQuery);
}

function roundOrNull(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) {
    return null;
  }
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
