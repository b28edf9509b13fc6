import type { Notification } from '../types';
import { gsm7Septets, SMS_SEGMENT_SEPTETS, toGsm7, toSingleSmsSegment } from './gsm7';
import { etaSeconds, type MessageContext } from './message-context';
import { formatDurationShort, formatUtcMinute } from './time-format';

/** SNS rejects subjects of 100 characters or more, and those with non-ASCII or control characters. */
export const MAX_SUBJECT_LENGTH = 99;
const SUBJECT_PREFIX = '[oom-forecast]';

/**
 * Builds the email subject, naming the most urgent container and how many others the message
 * covers: `[oom-forecast] CRITICAL dojo/dojo-django/uwsgi hits limit in 1.8 d (+2 more)`.
 *
 * @param sorted - the notifications, most urgent first
 */
export function emailSubject(sorted: readonly Notification[]): string {
  const top = sorted[0];
  const others = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : '';
  const head = `${SUBJECT_PREFIX} ${top.severity.toUpperCase()} `;
  const tail = `${outlook(top)}${others}`;

  const idRoom = MAX_SUBJECT_LENGTH - head.length - tail.length;
  return `${head}${shortenMiddle(toAscii(top.id), idRoom, (text) => text.length)}${tail}`.slice(0, MAX_SUBJECT_LENGTH);
}

/**
 * Builds the SMS text: one GSM-7 segment naming the most urgent container, its forecast and the
 * count of the others.
 */
export function smsText(sorted: readonly Notification[]): string {
  const top = sorted[0];
  const eta = etaSeconds(top);
  const when = eta === null || top.kind === 'resolved' ? '' : `, ${formatUtcMinute(eta)}`;
  const others = sorted.length > 1 ? ` +${sorted.length - 1} more, see email.` : '';
  const tail = toGsm7(`${outlook(top)}${when}.${others}`);
  const head = `oom-forecast ${top.severity.toUpperCase()} `;

  // Shorten the id, not the forecast, when the text is too long for one segment.
  const idRoom = SMS_SEGMENT_SEPTETS - gsm7Septets(head) - gsm7Septets(tail);
  return toSingleSmsSegment(`${head}${shortenMiddle(toGsm7(top.id), idRoom, gsm7Septets)}${tail}`);
}

/** Builds the header line of the email: the check's instant and what the message contains. */
export function emailHeader(sorted: readonly Notification[], context: MessageContext): string {
  const counts = (['critical', 'warning', 'resolved'] as const)
    .map((severity) => ({ severity, count: sorted.filter((notification) => notification.severity === severity).length }))
    .filter((entry) => entry.count > 0)
    .map((entry) => `${entry.count} ${entry.severity}`);
  return `oom-forecast check of ${formatUtcMinute(context.evaluatedAt)}: ${counts.join(', ')}.`;
}

/** Builds the closing lines of the email: how to read the times and the thresholds. */
export function emailFooter(context: MessageContext): string {
  const zone = context.timeZone ? ` Local times in brackets are ${context.timeZone}.` : '';
  const thresholds =
    context.warnDays !== undefined && context.criticalDays !== undefined
      ? ` Warning when the limit is forecast within ${context.warnDays} days, critical within ${context.criticalDays} days.`
      : '';
  return `Times are UTC.${zone}${thresholds}`;
}

function outlook(notification: Notification): string {
  if (notification.kind === 'resolved') {
    return ' resolved';
  }
  if (notification.hoursToLimit === null) {
    return ` at risk: ${notification.verdict?.pattern ?? 'unknown pattern'}`;
  }
  return ` hits limit in ${formatDurationShort(notification.hoursToLimit)}`;
}

/**
 * Cuts the middle out of an id that is longer than `maxLength`, keeping its start (namespace)
 * and its end (container), which tell a reader most: `team-payments/check...-worker/app`.
 */
function shortenMiddle(id: string, maxLength: number, lengthOf: (text: string) => number): string {
  if (lengthOf(id) <= maxLength) {
    return id;
  }
  const characters = [...id];
  const keep = Math.max(0, maxLength - 3);
  const headCount = Math.floor(keep * 0.4);
  let tailCount = keep - headCount;
  let shortened = `${characters.slice(0, headCount).join('')}...${characters.slice(characters.length - tailCount).join('')}`;
  // Extension characters of GSM-7 take two septets, so the first cut may still be too long.
  while (lengthOf(shortened) > maxLength && tailCount > 0) {
    tailCount -= 1;
    shortened = `${characters.slice(0, headCount).join('')}...${characters.slice(characters.length - tailCount).join('')}`;
  }
  return shortened;
}

function toAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
