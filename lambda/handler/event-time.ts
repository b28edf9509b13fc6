/** The parts of an EventBridge scheduled event that the check reads. */
export interface ScheduleEvent {
  /** Event id, stored in the ledger for tracing. EventBridge Scheduler gives every attempt a new one. */
  readonly id?: string;
  /** The scheduled instant, RFC 3339 UTC, such as `2026-12-01T07:00:00Z`. */
  readonly time?: string;
}

/**
 * Oldest event time still used as the evaluation instant. Lambda keeps an async event for at
 * most 6 hours, so this covers all of its retries. An older event (a late delivery) evaluates
 * now, on fresher data, and the ledger's per-day keys still stop a second message that day.
 */
const MAX_EVENT_AGE_SECONDS = 6 * 3600;
/** Clock skew tolerated for an event time slightly ahead of the Lambda's clock. */
const MAX_EVENT_LEAD_SECONDS = 300;

/**
 * Chooses the instant a check evaluates: the event's scheduled time, so that Lambda's retries
 * and a duplicate delivery of one event evaluate the same instant, reach the same decision and
 * hit the same ledger entries. Falls back to now for events without a usable time (a manual
 * test invocation) or with a time outside the window in which a retry can arrive.
 *
 * @returns Unix seconds, whole
 */
export function evaluationInstant(event: ScheduleEvent | undefined, nowSeconds: number): { atSeconds: number; fromEvent: boolean } {
  const milliseconds = event?.time === undefined ? Number.NaN : Date.parse(event.time);
  const eventSeconds = Math.floor(milliseconds / 1000);
  const usable =
    Number.isFinite(eventSeconds) &&
    eventSeconds <= nowSeconds + MAX_EVENT_LEAD_SECONDS &&
    eventSeconds >= nowSeconds - MAX_EVENT_AGE_SECONDS;
  return usable ? { atSeconds: eventSeconds, fromEvent: true } : { atSeconds: Math.floor(nowSeconds), fromEvent: false };
}
