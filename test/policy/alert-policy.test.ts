import { compareUrgency, decideAlerts, mostUrgentPerId } from '../../lambda/policy/alert-policy';
import type { AlertState, Notification, Verdict } from '../../lambda/types';
import { leakVerdict, verdictOf } from '../support/verdicts';

const HOUR = 3600;
const START = Date.UTC(2026, 11, 1) / 1000;
const ID = 'dojo/dojo-django/uwsgi';

/** Runs the policy hour by hour over a list of verdicts, as the scheduled check does. */
function replay(verdictsPerHour: (Verdict | null)[]): Notification[] {
  let states = new Map<string, AlertState>();
  const notifications: Notification[] = [];
  verdictsPerHour.forEach((verdict, hour) => {
    const decision = decideAlerts(states, verdict ? [verdict] : [], START + hour * HOUR);
    notifications.push(...decision.notifications);
    states = new Map(states);
    for (const state of decision.changedStates) {
      states.set(state.id, state);
    }
    for (const id of decision.forgottenIds) {
      states.delete(id);
    }
  });
  return notifications;
}

describe('alert policy', () => {
  test('confirms a warning over two checks before the first message', () => {
    const notifications = replay([leakVerdict(ID, 150, 'warning'), leakVerdict(ID, 149, 'warning')]);

    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ at: START + HOUR, kind: 'new', severity: 'warning', hoursToLimit: 149 });
  });

  test('one at-risk hour between healthy ones sends nothing', () => {
    const healthy = verdictOf({ id: ID });

    const notifications = replay([healthy, leakVerdict(ID, 150, 'warning'), healthy, healthy]);

    expect(notifications).toEqual([]);
  });

  test('an OOM loop is notified at the first check', () => {
    const oomLoop = verdictOf({ id: ID, severity: 'critical', pattern: 'oom-cycle', confidence: 0.5 });

    const notifications = replay([oomLoop]);

    expect(notifications.map((notification) => notification.severity)).toEqual(['critical']);
  });

  test('escalates warning to critical at once', () => {
    const notifications = replay([
      leakVerdict(ID, 60, 'warning'),
      leakVerdict(ID, 59, 'warning'),
      leakVerdict(ID, 47, 'critical'),
    ]);

    expect(notifications.map((notification) => [notification.kind, notification.severity])).toEqual([
      ['new', 'warning'],
      ['escalated', 'critical'],
    ]);
    expect(notifications[1].previousHoursToLimit).toBe(59);
  });

  test('reminds once a day while an alert stays open, never every hour', () => {
    const hours = Array.from({ length: 50 }, (_, hour) => leakVerdict(ID, 160 - hour, 'warning'));

    const notifications = replay(hours);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'reminder', 'reminder']);
    expect(notifications.map((notification) => (notification.at - START) / HOUR)).toEqual([1, 25, 49]);
  });

  test('an OOM loop lasting a day sends one message and one reminder, not 24', () => {
    const oomLoop = verdictOf({ id: ID, severity: 'critical', pattern: 'oom-cycle', confidence: 0.5 });

    const notifications = replay(Array.from({ length: 25 }, () => oomLoop));

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'reminder']);
  });

  test('a reminder after an eased forecast carries the current severity', () => {
    const hours = [
      leakVerdict(ID, 40, 'critical'),
      leakVerdict(ID, 39, 'critical'),
      ...Array.from({ length: 24 }, () => leakVerdict(ID, 100, 'warning')),
    ];

    const notifications = replay(hours);

    expect(notifications.map((notification) => [notification.kind, notification.severity])).toEqual([
      ['new', 'critical'],
      ['reminder', 'warning'],
    ]);
  });

  test('resolves after three checks without risk, and only once', () => {
    const healthy = verdictOf({ id: ID });

    const notifications = replay([
      leakVerdict(ID, 100, 'warning'),
      leakVerdict(ID, 99, 'warning'),
      healthy,
      healthy,
      healthy,
      healthy,
      healthy,
    ]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'resolved']);
    expect(notifications[1].at).toBe(START + 4 * HOUR);
    expect(notifications[1].previousHoursToLimit).toBe(99);
  });

  test('a brief gap in the data keeps the open alert without a new message', () => {
    const notifications = replay([
      leakVerdict(ID, 100, 'warning'),
      leakVerdict(ID, 99, 'warning'),
      null,
      null,
      leakVerdict(ID, 96, 'warning'),
    ]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new']);
  });

  test('a container gone for three days resolves and is forgotten', () => {
    const hours: (Verdict | null)[] = [leakVerdict(ID, 100, 'warning'), leakVerdict(ID, 99, 'warning')];
    hours.push(...Array.from({ length: 73 }, () => null));

    const notifications = replay(hours);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'resolved']);
    expect(notifications[1].verdict).toBeNull();
  });

  test('keeps a bounded slope history per container', () => {
    let states = new Map<string, AlertState>();
    for (let hour = 0; hour < 60; hour += 1) {
      const decision = decideAlerts(states, [leakVerdict(ID, 160, 'none')], START + hour * HOUR);
      states = new Map(decision.changedStates.map((state) => [state.id, state]));
    }

    const history = states.get(ID)?.slopeHistory ?? [];
    expect(history).toHaveLength(48);
    expect(history[47].t).toBe(START + 59 * HOUR);
  });

  test('replicas of one workload raise one alert, from the most urgent replica', () => {
    const calm = { ...leakVerdict(ID, 150, 'warning'), labels: { namespace: 'dojo', pod: 'a', container: 'uwsgi' } };
    const urgent = { ...leakVerdict(ID, 30, 'critical'), labels: { namespace: 'dojo', pod: 'b', container: 'uwsgi' } };

    const chosen = mostUrgentPerId([calm, urgent]);

    expect(chosen).toHaveLength(1);
    expect(chosen[0].labels.pod).toBe('b');
  });

  test('orders by severity, then the soonest limit, then id', () => {
    const verdicts = [
      verdictOf({ id: 'a/healthy/app' }),
      leakVerdict('b/slow/app', 150, 'warning'),
      leakVerdict('c/fast/app', 30, 'critical'),
      leakVerdict('d/soon/app', 100, 'warning'),
    ];

    const ordered = [...verdicts].sort(compareUrgency).map((verdict) => verdict.id);

    expect(ordered).toEqual(['c/fast/app', 'd/soon/app', 'b/slow/app', 'a/healthy/app']);
  });
});

describe('alert policy hysteresis', () => {
  test('keeps an alert open while the forecast hovers just beyond the warning horizon', () => {
    const justBeyond = { ...leakVerdict(ID, 175, 'none') };

    const notifications = replay([
      leakVerdict(ID, 160, 'warning'),
      leakVerdict(ID, 159, 'warning'),
      justBeyond,
      justBeyond,
      justBeyond,
      justBeyond,
      leakVerdict(ID, 160, 'warning'),
    ]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new']);
  });

  test('resolves once the forecast moves past one and a half horizons', () => {
    const farAway = leakVerdict(ID, 300, 'none');

    const notifications = replay([leakVerdict(ID, 160, 'warning'), leakVerdict(ID, 159, 'warning'), farAway, farAway, farAway]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'resolved']);
  });

  test('kill closes, next warning reopens', () => {
    const killedAt = START + 2 * HOUR - 600;
    const restarted = (hoursToLimit: number, severity: Verdict['severity']): Verdict => ({
      ...leakVerdict(ID, hoursToLimit, severity),
      restarts: { total: 1, oomKills: 1, perDay: 0.14, lastOomKillAt: killedAt },
    });

    const notifications = replay([
      leakVerdict(ID, 2, 'critical'),
      leakVerdict(ID, 1, 'critical'),
      restarted(186, 'none'),
      restarted(185, 'none'),
      restarted(169, 'none'),
      restarted(168, 'warning'),
      restarted(167, 'warning'),
    ]);

    expect(notifications.map((notification) => `${notification.kind} ${notification.severity} ${(notification.at - START) / HOUR}`)).toEqual([
      'new critical 1',
      'resolved resolved 2',
      'new warning 6',
    ]);
    expect(notifications[1].hoursToLimit).toBe(186);
  });

  test('kill without forecast stays open', () => {
    const noForecast: Verdict = { ...verdictOf({ id: ID, pattern: 'insufficient-data' }), restarts: { total: 1, oomKills: 1, perDay: 0.14, lastOomKillAt: START } };

    const notifications = replay([leakVerdict(ID, 2, 'critical'), leakVerdict(ID, 1, 'critical'), noForecast, noForecast, noForecast, noForecast]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new']);
  });
});

describe('alert policy on a repeated check instant', () => {
  test('applies a check instant once, so a duplicate never confirms an alert early', () => {
    const first = decideAlerts(new Map(), [leakVerdict(ID, 150, 'warning')], START);
    const states = new Map(first.changedStates.map((state) => [state.id, state]));

    const repeated = decideAlerts(states, [leakVerdict(ID, 150, 'warning')], START);

    expect(repeated.notifications).toEqual([]);
    expect(repeated.changedStates).toEqual([]);
    expect(repeated.alreadyAppliedIds).toEqual([ID]);
  });
});

describe('alert policy after a rollout', () => {
  test('too little data from a new pod keeps the alert open without messages', () => {
    const newPod = verdictOf({ id: ID, pattern: 'insufficient-data', slopeBytesPerHour: null });

    const notifications = replay([
      leakVerdict(ID, 100, 'warning'),
      leakVerdict(ID, 99, 'warning'),
      newPod,
      newPod,
      newPod,
      newPod,
      leakVerdict(ID, 150, 'warning'),
    ]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new']);
  });

  test('resolves once the new pod shows no risk', () => {
    const newPod = verdictOf({ id: ID, pattern: 'insufficient-data', slopeBytesPerHour: null });
    const fixed = verdictOf({ id: ID, pattern: 'sawtooth' });

    const notifications = replay([
      leakVerdict(ID, 100, 'warning'),
      leakVerdict(ID, 99, 'warning'),
      newPod,
      newPod,
      fixed,
      fixed,
      fixed,
    ]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new', 'resolved']);
    expect(notifications[1].at).toBe(START + 6 * HOUR);
  });
});

describe('alert policy after an OOM kill', () => {
  test('kill lowers critical at once', () => {
    const afterKill: Verdict = {
      ...verdictOf({ id: ID, pattern: 'plateau', severity: 'warning' }),
      restarts: { total: 1, oomKills: 1, perDay: 0.14, lastOomKillAt: START + HOUR + 600 },
    };

    const notifications = replay([leakVerdict(ID, 2, 'critical'), leakVerdict(ID, 1, 'critical'), afterKill, afterKill, afterKill]);

    expect(notifications.map((notification) => `${notification.kind} ${notification.severity} ${(notification.at - START) / HOUR}`)).toEqual([
      'new critical 1',
      'reminder warning 2',
    ]);
  });
});

describe('alert policy after a raised limit', () => {
  test('raised limit lowers critical', () => {
    const notifications = replay([leakVerdict(ID, 30, 'critical'), leakVerdict(ID, 29, 'critical'), leakVerdict(ID, 107, 'warning'), leakVerdict(ID, 106, 'warning')]);

    expect(notifications.map((notification) => `${notification.kind} ${notification.severity} ${(notification.at - START) / HOUR}`)).toEqual([
      'new critical 1',
      'reminder warning 2',
    ]);
  });

  test('hovering forecast keeps critical', () => {
    const notifications = replay([leakVerdict(ID, 47, 'critical'), leakVerdict(ID, 46, 'critical'), leakVerdict(ID, 50, 'warning'), leakVerdict(ID, 49, 'warning')]);

    expect(notifications.map((notification) => notification.kind)).toEqual(['new']);
  });
});
