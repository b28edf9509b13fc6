import { formatInstant } from '../config/units';
import type { Notification } from '../types';
import { briefEntry, detailedEntry, jsonEntry } from './alert-entry';
import { compareNotifications, highestSeverity, type MessageContext } from './message-context';
import { emailFooter, emailHeader, emailSubject, smsText } from './short-texts';

/**
 * SNS accepts at most 256 KiB (262,144 bytes) per message, attributes included. The message
 * body is kept below this budget to leave room for the subject and the severity attribute.
 */
export const MAX_MESSAGE_BYTES = 250_000;

/** Share of the budget for the JSON `default` text; the email gets the rest. */
const DEFAULT_TEXT_SHARE = 0.3;
/** Entries kept in full before any other is listed at all, when even one line each does not fit. */
const MIN_DETAILED_ENTRIES = 20;

/** One SNS message that carries every notification of a check. */
export interface AlertMessage {
  /** The email subject. */
  readonly subject: string;
  /** The SNS `Message` with `MessageStructure: 'json'`: a JSON object with `default`, `email` and `sms` texts. */
  readonly message: string;
  /** Highest severity in the message, for the `severity` message attribute. */
  readonly severity: 'critical' | 'warning' | 'resolved';
  readonly emailText: string;
  readonly smsText: string;
  /** JSON text for protocols other than email and SMS (HTTPS, SQS, Lambda). */
  readonly defaultText: string;
  /** Notifications described in full in the email, then those given one line each, then those only counted. */
  readonly detailedCount: number;
  readonly briefCount: number;
  readonly omittedCount: number;
  /** UTF-8 bytes of `message`. */
  readonly messageBytes: number;
}

/**
 * Builds one message for all notifications of a check, most urgent first. When the full
 * message would pass {@link MAX_MESSAGE_BYTES}, the less urgent entries are listed one line
 * each, and when even that is too long the rest are only counted.
 *
 * @throws RangeError when `notifications` is empty
 */
export function buildAlertMessage(
  notifications: readonly Notification[],
  context: MessageContext,
  maxMessageBytes = MAX_MESSAGE_BYTES,
): AlertMessage {
  if (notifications.length === 0) {
    throw new RangeError('buildAlertMessage needs at least one notification');
  }
  const sorted = [...notifications].sort(compareNotifications);
  const sms = smsText(sorted);

  const defaultText = fitDefaultText(sorted, context, Math.floor(maxMessageBytes * DEFAULT_TEXT_SHARE));
  const emailBudget = maxMessageBytes - messageBytes({ default: defaultText, email: '', sms });
  const email = fitEmailText(sorted, context, emailBudget);

  const message = JSON.stringify({ default: defaultText, email: email.text, sms });
  return {
    subject: emailSubject(sorted),
    message,
    severity: highestSeverity(sorted),
    emailText: email.text,
    smsText: sms,
    defaultText,
    detailedCount: email.detailedCount,
    briefCount: email.briefCount,
    omittedCount: sorted.length - email.detailedCount - email.briefCount,
    messageBytes: Buffer.byteLength(message, 'utf8'),
  };
}

function fitDefaultText(sorted: readonly Notification[], context: MessageContext, budgetBytes: number): string {
  const entries = sorted.map((notification) => jsonEntry(notification, context));
  const render = (count: number): string =>
    JSON.stringify({
      schemaVersion: 1,
      evaluatedAt: formatInstant(context.evaluatedAt),
      notifications: entries.slice(0, count),
      omitted: entries.length - count,
    });
  const count = largestFitting(entries.length, (candidate) => escapedBytes(render(candidate)) <= budgetBytes);
  return render(count);
}

function fitEmailText(
  sorted: readonly Notification[],
  context: MessageContext,
  budgetBytes: number,
): { text: string; detailedCount: number; briefCount: number } {
  const detailed = sorted.map((notification) => detailedEntry(notification, context));
  const brief = sorted.map((notification) => briefEntry(notification, context));
  const render = (detailedCount: number, briefCount: number): string =>
    renderEmail(sorted, context, detailed.slice(0, detailedCount), brief.slice(detailedCount, detailedCount + briefCount));
  const fits = (detailedCount: number, briefCount: number): boolean => escapedBytes(render(detailedCount, briefCount)) <= budgetBytes;

  // First choice: as many full entries as fit while every other container still gets a line.
  if (fits(0, sorted.length)) {
    const detailedCount = largestFitting(sorted.length, (count) => fits(count, sorted.length - count));
    return { text: render(detailedCount, sorted.length - detailedCount), detailedCount, briefCount: sorted.length - detailedCount };
  }
  // Too many for a line each: keep the most urgent in full, then as many lines as fit, and count the rest.
  const detailedCount = largestFitting(Math.min(MIN_DETAILED_ENTRIES, sorted.length), (count) => fits(count, 0));
  const briefCount = largestFitting(sorted.length - detailedCount, (count) => fits(detailedCount, count));
  return { text: render(detailedCount, briefCount), detailedCount, briefCount };
}

function renderEmail(
  sorted: readonly Notification[],
  context: MessageContext,
  detailed: readonly string[],
  brief: readonly string[],
): string {
  const sections = [emailHeader(sorted, context), ...detailed];
  if (brief.length > 0) {
    sections.push(`Also:\n${brief.map((line) => `- ${line}`).join('\n')}`);
  }
  const omitted = sorted.slice(detailed.length + brief.length);
  if (omitted.length > 0) {
    sections.push(omittedSummary(omitted));
  }
  sections.push(emailFooter(context));
  return sections.join('\n\n');
}

/**
 * NOTE: notifications that are only counted here are still marked sent in the ledger, so they
 * are repeated only with the next reminder. With this many containers at risk the message gives
 * the command that lists them all.
 */
function omittedSummary(omitted: readonly Notification[]): string {
  const atRisk = omitted.filter((notification) => notification.kind !== 'resolved').length;
  const resolved = omitted.length - atRisk;
  const parts = [atRisk > 0 ? `${atRisk} more at risk` : null, resolved > 0 ? `${resolved} more resolved` : null].filter(Boolean);
  return (
    `...and ${parts.join(' and ')}, not listed because an SNS message is limited to 256 KB. ` +
    'Run `oom-forecast check --format json` against the same Prometheus for the full list.'
  );
}

/** Finds the largest count in [0, max] for which `fits` is true, assuming it is true for all smaller counts. */
function largestFitting(max: number, fits: (count: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

/** UTF-8 bytes that `text` takes inside a JSON string, escapes included. */
function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

function messageBytes(message: { default: string; email: string; sms: string }): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}
