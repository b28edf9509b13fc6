import type { AlertState, Notification, Severity, Verdict } from '../types';

/** Tuning of the alert policy; the defaults suit an hourly check. */
export interface AlertPolicyOptions {
  /**
   * Consecutive at-risk checks needed before the first warning, so that one odd hour never
   * pages anyone. A critical verdict with high confidence, or an OOM loop, skips the wait.
   * @default 2
   */
  readonly confirmChecks?: number;
  /** Hours between reminders while an alert stays open and unchanged. @default 24 */
  readonly reminderHours?: number;
  /** Consecutive checks without risk before an open alert resolves. @default 3 */
  readonly resolveChecks?: number;
  /** Hours after which a container no longer seen resolves and its state is dropped. @default 72 */
  readonly forgetAfterHours?: number;
  /**
   * The warning horizon in hours. An open alert resolves only once the forecast is beyond 1.5
   * times this horizon (or gone), so a leak hovering at the horizon does not resolve and re-open.
   * An OOM kill ends that wait: the alert was about the kill, and the restarted container's next
   * kill is a new episode, warned about when it comes within the horizon.
   * @default 168 (7 days)
   */
  readonly warnHours?: number;
  /**
   * The critical horizon in hours. A critical alert becomes a warning at the next daily reminder,
   * or at once when the forecast jumps beyond 1.5 times this horizon (a raised limit, say).
   * @default 48 (2 days)
   */
  readonly criticalHours?: number;
}

/** Decision of one policy pass: the messages to send and the states to save or delete. */
export interface AlertDecision {
  readonly notifications: Notification[];
  /** States to save: every container seen in this check, and those resolved or forgotten. */
  readonly changedStates: AlertState[];
  /** Ids whose stored state should be deleted because they have not been seen for long. */
  readonly forgottenIds: string[];
  /**
   * Ids left untouched because their stored state already comes from a check at this instant
   * or later: a duplicate delivery, a retry after the states were saved, or a repeated `--at`.
   * Applying such a check again would count it twice toward confirming or resolving an alert.
   */
  readonly alreadyAppliedIds: string[];
}

const SLOPE_HISTORY_LENGTH = 48;

/** How far beyond the warning horizon a forecast must move before an open alert resolves. */
const RESOLVE_HORIZON_FACTOR = 1.5;

/** An OOM kill this recent ends the episode of an open alert (see {@link AlertPolicyOptions.warnHours}). */
const RECENT_KILL_SECONDS = 24 * 3600;

/** Confidence from which a verdict needs no second check to confirm it. */
const CONFIDENT = 0.8;

const SEVERITY_RANK: Record<Severity, number> = { none: 0, warning: 1, critical: 2 };

/**
 * Decides which notifications one check sends, from the verdicts and the states the previous
 * checks left. Pure: the same input always gives the same decision, so `check` and `backtest`
 * behave alike.
 *
 * A risk is confirmed over `confirmChecks` checks before the first message, except that
 * confident critical verdicts and OOM loops are sent at once.
 * Warning to critical escalates at once, and critical to warning waits for the next reminder
 * unless an OOM kill came between or the forecast moved beyond 1.5 times the critical horizon. An open alert is repeated at most every `reminderHours`. An
 * alert resolves after `resolveChecks` checks without risk, or at once when an OOM kill
 * restarted the container and its next kill is forecast beyond the warning horizon.
 */
export function decideAlerts(
  previousStates: ReadonlyMap<string, AlertState>,
  verdicts: readonly Verdict[],
  atSeconds: number,
  options: AlertPolicyOptions = {},
): AlertDecision {
  const confirmChecks = options.confirmChecks ?? 2;
  const reminderSeconds = (options.reminderHours ?? 24) * 3600;
  const resolveChecks = options.resolveChecks ?? 3;
  const forgetAfterSeconds = (options.forgetAfterHours ?? 72) * 3600;
  const resolveBeyondHours = (options.warnHours ?? 168) * RESOLVE_HORIZON_FACTOR;
  const relaxBeyondHours = (options.criticalHours ?? 48) * RESOLVE_HORIZON_FACTOR;

  const notifications: Notification[] = [];
  const changedStates: AlertState[] = [];
  const forgottenIds: string[] = [];
  const alreadyAppliedIds: string[] = [];

  for (const verdict of mostUrgentPerId(verdicts)) {
    const stored = previousStates.get(verdict.id);
    if (stored && stored.lastSeenAt >= atSeconds) {
      alreadyAppliedIds.push(verdict.id);
      continue;
    }
    const previous = stored ?? initialState(verdict, atSeconds);
    const slopeHistory = [
      ...previous.slopeHistory,
      { t: atSeconds, slopeBytesPerHour: verdict.slopeBytesPerHour },
    ].slice(-SLOPE_HISTORY_LENGTH);
    const base: AlertState = { ...previous, labels: verdict.labels, slopeHistory, lastSeenAt: atSeconds };

    const { state, notification } = decideForContainer(base, verdict, atSeconds, {
      confirmChecks,
      reminderSeconds,
      resolveChecks,
      resolveBeyondHours,
      relaxBeyondHours,
    });
    changedStates.push(state);
    if (notification) {
      notifications.push(notification);
    }
  }

  const seenIds = new Set(verdicts.map((verdict) => verdict.id));
  for (const previous of previousStates.values()) {
    if (seenIds.has(previous.id) || atSeconds - previous.lastSeenAt < forgetAfterSeconds) {
      continue;
    }
    // A container gone for days no longer threatens anything: close its alert once, then forget it.
    if (previous.notifiedSeverity !== 'none') {
      notifications.push(resolvedNotification(previous, null, atSeconds));
    }
    forgottenIds.push(previous.id);
  }

  return { notifications, changedStates, forgottenIds, alreadyAppliedIds };
}

interface ResolvedPolicyOptions {
  readonly confirmChecks: number;
  readonly reminderSeconds: number;
  readonly resolveChecks: number;
  readonly resolveBeyondHours: number;
  readonly relaxBeyondHours: number;
}

function decideForContainer(
  state: AlertState,
  verdict: Verdict,
  atSeconds: number,
  options: ResolvedPolicyOptions,
): { state: AlertState; notification: Notification | null } {
  const atRisk = verdict.severity !== 'none';

  if (!atRisk) {
    if (state.notifiedSeverity === 'none') {
      return { state: { ...state, pendingChecks: 0, clearChecks: 0 }, notification: null };
    }
    const restartedAfterKill = isRestartedAfterKill(verdict, atSeconds);
    const stillApproaching = verdict.hoursToLimit !== null && verdict.hoursToLimit <= options.resolveBeyondHours && !restartedAfterKill;
    // A pod fresh from a rollout or restart has too little data to show that the risk is gone:
    // absence of evidence keeps the alert open instead of resolving and re-opening it hours later.
    const tooLittleData = verdict.pattern === 'insufficient-data';
    if (stillApproaching || tooLittleData) {
      return { state: { ...state, pendingChecks: 0, clearChecks: 0 }, notification: null };
    }
    const clearChecks = state.clearChecks + 1;
    if (clearChecks < options.resolveChecks && !restartedAfterKill) {
      return { state: { ...state, pendingChecks: 0, clearChecks }, notification: null };
    }
    const resolved: AlertState = {
      ...state,
      notifiedSeverity: 'none',
      lastNotifiedAt: atSeconds,
      pendingChecks: 0,
      clearChecks: 0,
      lastHoursToLimit: null,
    };
    return { state: resolved, notification: resolvedNotification(state, verdict, atSeconds) };
  }

  const pendingChecks = state.pendingChecks + 1;
  const notifiedRank = SEVERITY_RANK[state.notifiedSeverity];
  const verdictRank = SEVERITY_RANK[verdict.severity];

  let kind: Notification['kind'] | null = null;
  if (notifiedRank === 0) {
    kind = pendingChecks >= options.confirmChecks || confirmsAtOnce(verdict) ? 'new' : null;
  } else if (verdictRank > notifiedRank) {
    kind = 'escalated';
  } else if (verdictRank < notifiedRank && (isFirstCheckAfterKill(verdict, state) || (verdict.hoursToLimit ?? 0) > options.relaxBeyondHours)) {
    // A kill ended the critical episode, or the forecast moved well clear of the critical
    // horizon (a raised limit): report the lower severity now, not at the next daily reminder.
    kind = 'reminder';
  } else if (state.lastNotifiedAt !== null && atSeconds - state.lastNotifiedAt >= options.reminderSeconds) {
    kind = 'reminder';
  }

  if (kind === null) {
    return { state: { ...state, pendingChecks, clearChecks: 0 }, notification: null };
  }

  // A reminder carries the current severity: after an OOM kill restarts a leaking container,
  // the critical alert becomes a warning about the next kill, and a later climb escalates again.
  const notification: Notification = {
    at: atSeconds,
    id: verdict.id,
    labels: verdict.labels,
    severity: verdict.severity,
    kind,
    hoursToLimit: verdict.hoursToLimit,
    previousHoursToLimit: state.lastHoursToLimit,
    verdict,
  };
  const notifiedState: AlertState = {
    ...state,
    notifiedSeverity: verdict.severity,
    lastNotifiedAt: atSeconds,
    pendingChecks,
    clearChecks: 0,
    lastHoursToLimit: verdict.hoursToLimit,
  };
  return { state: notifiedState, notification };
}

/** Returns whether an OOM kill happened after the last notification, so that no message has reported the restart yet. */
function isFirstCheckAfterKill(verdict: Verdict, state: AlertState): boolean {
  const killedAt = verdict.restarts.lastOomKillAt;
  return killedAt != null && state.lastNotifiedAt !== null && killedAt > state.lastNotifiedAt;
}

/**
 * Returns whether the verdict is about a container restarted after an OOM kill in the last day,
 * with a forecast of its next kill. The episode the alert was about has then ended.
 */
function isRestartedAfterKill(verdict: Verdict, atSeconds: number): boolean {
  return wasKilledRecently(verdict, atSeconds) && verdict.hoursToLimit !== null;
}

/** Returns whether the verdict's container was OOM-killed within the day before `atSeconds`. */
export function wasKilledRecently(verdict: Verdict, atSeconds: number): boolean {
  const killedAt = verdict.restarts.lastOomKillAt;
  return killedAt != null && atSeconds - killedAt <= RECENT_KILL_SECONDS;
}

/** OOM loops are already happening, and a confident critical forecast leaves no time to wait. */
function confirmsAtOnce(verdict: Verdict): boolean {
  if (verdict.pattern === 'oom-cycle') {
    return true;
  }
  return verdict.severity === 'critical' && verdict.confidence >= CONFIDENT;
}

function resolvedNotification(state: AlertState, verdict: Verdict | null, atSeconds: number): Notification {
  return {
    at: atSeconds,
    id: state.id,
    labels: verdict?.labels ?? state.labels,
    severity: 'resolved',
    kind: 'resolved',
    hoursToLimit: verdict?.hoursToLimit ?? null,
    previousHoursToLimit: state.lastHoursToLimit,
    verdict,
  };
}

function initialState(verdict: Verdict, atSeconds: number): AlertState {
  return {
    id: verdict.id,
    labels: verdict.labels,
    notifiedSeverity: 'none',
    lastNotifiedAt: null,
    pendingChecks: 0,
    clearChecks: 0,
    lastHoursToLimit: null,
    slopeHistory: [],
    lastSeenAt: atSeconds,
  };
}

/**
 * Replicas of one workload share an id, and the alert is about the workload: keep the replica
 * that is most at risk (highest severity, then the soonest limit).
 */
export function mostUrgentPerId(verdicts: readonly Verdict[]): Verdict[] {
  const byId = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    const current = byId.get(verdict.id);
    if (!current || compareUrgency(verdict, current) < 0) {
      byId.set(verdict.id, verdict);
    }
  }
  return [...byId.values()];
}

/** Orders verdicts most urgent first: severity, then hours to the limit, then id. */
export function compareUrgency(a: Verdict, b: Verdict): number {
  const severityOrder = SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  if (severityOrder !== 0) {
    return severityOrder;
  }
  const hoursA = a.hoursToLimit ?? Number.POSITIVE_INFINITY;
  const hoursB = b.hoursToLimit ?? Number.POSITIVE_INFINITY;
  if (hoursA !== hoursB) {
    return hoursA < hoursB ? -1 : 1;
  }
  return a.id.localeCompare(b.id);
}
