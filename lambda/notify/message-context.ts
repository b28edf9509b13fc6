import type { Notification } from '../types';

/** Settings of the message formatter besides the notifications. */
export interface MessageContext {
  /** Unix seconds of the check. */
  readonly evaluatedAt: number;
  /** Base URL of the Prometheus API, for graph links. */
  readonly prometheusUrl: string;
  /** The custom usage query, when one replaces the default. @default - the working-set metric */
  readonly usageQuery?: string;
  /** Range of the graph links, as a Prometheus duration. @default 7d */
  readonly graphRange?: string;
  /** IANA zone whose local time follows each UTC time. @default - UTC only */
  readonly timeZone?: string;
  readonly warnDays?: number;
  readonly criticalDays?: number;
}

const SEVERITY_ORDER: Record<Notification['severity'], number> = { critical: 3, warning: 2, resolved: 1, none: 0 };

/** Orders notifications most urgent first: critical, warning, resolved; then the soonest limit; then id. */
export function compareNotifications(a: Notification, b: Notification): number {
  const bySeverity = SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity];
  if (bySeverity !== 0) {
    return bySeverity;
  }
  const hoursA = a.hoursToLimit ?? Number.POSITIVE_INFINITY;
  const hoursB = b.hoursToLimit ?? Number.POSITIVE_INFINITY;
  if (hoursA !== hoursB) {
    return hoursA < hoursB ? -1 : 1;
  }
  return a.id.localeCompare(b.id);
}

/** Returns the highest severity among `notifications`, for the SNS `severity` message attribute. */
export function highestSeverity(notifications: readonly Notification[]): 'critical' | 'warning' | 'resolved' {
  if (notifications.some((notification) => notification.severity === 'critical')) {
    return 'critical';
  }
  if (notifications.some((notification) => notification.severity === 'warning')) {
    return 'warning';
  }
  return 'resolved';
}

/** Returns the instant the limit is forecast to be reached, in Unix seconds, or null. */
export function etaSeconds(notification: Notification): number | null {
  const eta = notification.verdict?.eta;
  if (eta) {
    const milliseconds = Date.parse(eta);
    if (!Number.isNaN(milliseconds)) {
      return milliseconds / 1000;
    }
  }
  return notification.hoursToLimit === null ? null : notification.at + notification.hoursToLimit * 3600;
}
