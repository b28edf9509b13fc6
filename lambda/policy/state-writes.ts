/**
 * The choice of the alert states a check writes, so that an hourly check over thousands of
 * quiet containers writes only the few whose alert state carries information.
 */
import type { AlertState } from '../types';

/**
 * Checks that a state has no open alert and no confirmation or resolution under way. The policy
 * treats such a state exactly as a container it has no state for, because a new container
 * starts from an idle state. An idle state never has `lastHoursToLimit` set: only a notification
 * sets it, and resolving an alert, the only way back to `none`, clears it.
 */
export function isIdleState(state: AlertState): boolean {
  return state.notifiedSeverity === 'none' && state.pendingChecks === 0 && state.clearChecks === 0;
}

/**
 * Returns the states of `changedStates` that must be written: every state that is not idle, and
 * every idle state whose stored state was not idle (an alert resolved, a pending risk dropped).
 * An idle state replacing an idle or missing one is left out: storing it would change no later
 * decision.
 *
 * A state that is not idle is written at every check, so its `lastSeenAt` stays exact and an
 * open alert resolves 72 hours after its container disappears, as before.
 *
 * NOTE: an idle container's `slopeHistory` and `lastSeenAt` are not kept, so its stored item
 * (if any) ages and DynamoDB's time to live may delete it. That loses nothing a decision reads.
 * An idle item whose container disappears is deleted by the policy on its first absent check
 * 72 hours after the item was written, without a notification.
 *
 * @param previousStates - the states the check started from, as the store loaded them
 * @param changedStates - `AlertDecision.changedStates` of the same check
 */
export function selectStateWrites(previousStates: ReadonlyMap<string, AlertState>, changedStates: readonly AlertState[]): AlertState[] {
  return changedStates.filter((state) => {
    if (!isIdleState(state)) {
      return true;
    }
    const stored = previousStates.get(state.id);
    return stored !== undefined && !isIdleState(stored);
  });
}
