import type { AlertDecision } from '../policy/alert-policy';
import type { AlertState } from '../types';

/**
 * Removes from a decision every container whose stored state already comes from a check at
 * `atSeconds` or later. A duplicate delivery of an event, or a retry after the states were
 * saved, evaluates an instant that was already applied. Applying it again would count one check
 * twice toward confirming or resolving an alert and repeat a slope point.
 *
 * A container whose notification failed keeps its older state, so a retry still decides it again.
 *
 * @returns the decision for the containers not yet applied, and the ids left out
 */
export function withoutAlreadyApplied(
  decision: AlertDecision,
  previousStates: ReadonlyMap<string, AlertState>,
  atSeconds: number,
): { decision: AlertDecision; alreadyAppliedIds: string[] } {
  const alreadyApplied = new Set(
    [...previousStates.values()].filter((state) => state.lastSeenAt >= atSeconds).map((state) => state.id),
  );
  if (alreadyApplied.size === 0) {
    return { decision, alreadyAppliedIds: [] };
  }

  return {
    decision: {
      notifications: decision.notifications.filter((notification) => !alreadyApplied.has(notification.id)),
      changedStates: decision.changedStates.filter((state) => !alreadyApplied.has(state.id)),
      forgottenIds: decision.forgottenIds.filter((id) => !alreadyApplied.has(id)),
    },
    alreadyAppliedIds: [...alreadyApplied],
  };
}
