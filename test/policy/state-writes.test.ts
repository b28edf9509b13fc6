import { seededRandom } from '../../lambda/demo/random';
import { decideAlerts } from '../../lambda/policy/alert-policy';
import { isIdleState, selectStateWrites } from '../../lambda/policy/state-writes';
import type { AlertState, Notification, Verdict } from '../../lambda/types';
import { leakVerdict, verdictOf } from '../support/verdicts';

const HOUR = 3600;
const START = Date.UTC(2026, 11, 1) / 1000;

function stateOf(id: string, overrides: Partial<AlertState> = {}): AlertState {
  return {
    id,
    labels: {},
    notifiedSeverity: 'none',
    lastNotifiedAt: null,
    pendingChecks: 0,
    clearChecks: 0,
    lastHoursToLimit: null,
    slopeHistory: [],
    lastSeenAt: START,
    ...overrides,
  };
}

/**
 * Replays hourly checks as the scheduled check does: load, decide, save. With `selective`, only
 * the states that `selectStateWrites` returns are saved.
 */
function replay(hours: Verdict[][], selective: boolean): { notifications: Notification[]; writes: number } {
  let stored = new Map<string, AlertState>();
  const notifications: Notification[] = [];
  let writes = 0;
  hours.forEach((verdicts, hour) => {
    const decision = decideAlerts(stored, verdicts, START + hour * HOUR);
    notifications.push(...decision.notifications);
    const toWrite = selective ? selectStateWrites(stored, decision.changedStates) : decision.changedStates;
    writes += toWrite.length;
    stored = new Map(stored);
    for (const state of toWrite) {
      stored.set(state.id, state);
    }
    for (const id of decision.forgottenIds) {
      stored.delete(id);
    }
  });
  return { notifications, writes };
}

/** Hourly verdicts of containers that are mostly healthy, with at-risk spells and gaps in the data. */
function randomHours(seed: number, ids: readonly string[], hourCount: number): Verdict[][] {
  const random = seededRandom(seed);
  const mood = new Map(ids.map((id) => [id, 'healthy' as 'healthy' | 'warning' | 'critical' | 'gone']));
  const hours: Verdict[][] = [];
  for (let hour = 0; hour < hourCount; hour += 1) {
    const verdicts: Verdict[] = [];
    for (const id of ids) {
      // Containers stay gone for about four days on average, long enough to be forgotten.
      if (random() < (mood.get(id) === 'gone' ? 0.01 : 0.08)) {
        mood.set(id, (['healthy', 'healthy', 'warning', 'critical', 'gone'] as const)[Math.floor(random() * 5)]);
      }
      const current = mood.get(id)!;
      if (current === 'gone') {
        continue;
      }
      if (current === 'healthy') {
        verdicts.push(verdictOf({ id, slopeBytesPerHour: Math.round(random() * 1000) }));
      } else {
        verdicts.push(leakVerdict(id, current === 'critical' ? 10 + random() * 30 : 60 + random() * 300, current));
      }
    }
    hours.push(verdicts);
  }
  return hours;
}

describe('selectStateWrites', () => {
  test('isIdleState: no alert, no counts', () => {
    expect(isIdleState(stateOf('a'))).toBe(true);
    expect(isIdleState(stateOf('a', { pendingChecks: 1 }))).toBe(false);
    expect(isIdleState(stateOf('a', { clearChecks: 1 }))).toBe(false);
    expect(isIdleState(stateOf('a', { notifiedSeverity: 'warning' }))).toBe(false);
  });

  test('skips idle over idle or missing', () => {
    const previous = new Map([
      ['idle', stateOf('idle')],
      ['was-pending', stateOf('was-pending', { pendingChecks: 1 })],
      ['was-alerted', stateOf('was-alerted', { notifiedSeverity: 'warning', clearChecks: 2 })],
      ['still-alerted', stateOf('still-alerted', { notifiedSeverity: 'critical' })],
    ]);
    const changed = [
      stateOf('idle', { lastSeenAt: START + HOUR }),
      stateOf('new-idle', { lastSeenAt: START + HOUR }),
      stateOf('new-pending', { pendingChecks: 1 }),
      stateOf('was-pending', { lastSeenAt: START + HOUR }),
      stateOf('was-alerted', { lastNotifiedAt: START + HOUR }),
      stateOf('still-alerted', { notifiedSeverity: 'critical', lastSeenAt: START + HOUR }),
    ];

    const written = selectStateWrites(previous, changed).map((state) => state.id);

    expect(written).toEqual(['new-pending', 'was-pending', 'was-alerted', 'still-alerted']);
  });

  test.each([1, 2, 3, 4, 5])('replay %i: same notifications, fewer writes', (seed) => {
    const ids = ['a/web/app', 'a/api/app', 'b/db/postgres', 'b/worker/celery', 'c/cache/redis', 'c/batch/job'];
    const hours = randomHours(seed, ids, 400);

    const everyState = replay(hours, false);
    const selected = replay(hours, true);

    const kinds = new Set(everyState.notifications.map((notification) => notification.kind));
    expect([...kinds].sort()).toEqual(['escalated', 'new', 'reminder', 'resolved']);
    expect(selected.notifications).toEqual(everyState.notifications);
    expect(selected.writes).toBeLessThan(everyState.writes);
  });

  test('writes a quiet container twice', () => {
    const id = 'a/web/app';
    const healthy = verdictOf({ id });
    const hours = [[healthy], [healthy], [leakVerdict(id, 150, 'warning')], [healthy], [healthy]];

    expect(replay(hours, true).writes).toBe(2);
    expect(replay(hours, false).writes).toBe(5);
  });
});
