import { buildAlertMessage, MAX_MESSAGE_BYTES } from '../../lambda/notify/alert-message';
import { gsm7Septets, toGsm7 } from '../../lambda/notify/gsm7';
import type { MessageContext } from '../../lambda/notify/message-context';
import type { Notification, Verdict } from '../../lambda/types';
import { verdictOf } from '../support/verdicts';

const CHECK_AT = 1_796_108_400; // 2026-12-01T07:00:00Z
const HOUR = 3600;
const SNS_LIMIT_BYTES = 256 * 1024;

const context: MessageContext = {
  evaluatedAt: CHECK_AT,
  prometheusUrl: 'http://prometheus.monitoring:9090/',
  graphRange: '7d',
  warnDays: 7,
  criticalDays: 2,
};

function leak(id: string, hoursToLimit: number, overrides: Partial<Verdict> = {}): Verdict {
  const [namespace, workload, container] = id.split('/');
  return verdictOf({
    id,
    labels: { namespace, pod: `${workload}-7c9f8b6d4-x2k9p`, container },
    usageBytes: 4_640_000_000,
    limitBytes: 6_442_450_944,
    slopeBytesPerHour: 30_000_000,
    hoursToLimit,
    hoursToLimitInterval: [hoursToLimit * 0.88, hoursToLimit * 1.16],
    eta: new Date((CHECK_AT + hoursToLimit * HOUR) * 1000).toISOString(),
    severity: hoursToLimit <= 48 ? 'critical' : 'warning',
    pattern: 'linear-growth',
    confidence: 0.92,
    evidence: ['Working set grew 30 MB/h for 5 days without a restart.'],
    ...overrides,
  });
}

function notify(verdict: Verdict, kind: Notification['kind'], previousHoursToLimit: number | null = null): Notification {
  return {
    at: CHECK_AT,
    id: verdict.id,
    labels: verdict.labels,
    severity: kind === 'resolved' ? 'resolved' : verdict.severity,
    kind,
    hoursToLimit: verdict.hoursToLimit,
    previousHoursToLimit,
    verdict,
  };
}

const uwsgi = notify(leak('dojo/dojo-django/uwsgi', 43.2), 'new');
const cart = notify(leak('shop/cart/node-api', 120, { slopeBytesPerHour: 12_500_000 }), 'reminder', 140);
const payments = notify(leak('pay/payments/app', 30, { severity: 'critical' }), 'escalated', 80);
const celery = notify(
  verdictOf({ id: 'dojo/dojo-celeryworker/celery', labels: { namespace: 'dojo', pod: 'dojo-celeryworker-5d8f-2kq7l', container: 'celery' } }),
  'resolved',
  96,
);

describe('buildAlertMessage', () => {
  const message = buildAlertMessage([celery, cart, uwsgi, payments], context);

  test('subject names the most urgent container and the count', () => {
    expect(message.subject).toBe('[oom-forecast] CRITICAL pay/payments/app hits limit in 1.3 d (+3 more)');
  });

  test('subject of a long id stays below 100 characters', () => {
    const long = notify(leak(`namespace-${'n'.repeat(50)}/workload-${'w'.repeat(80)}/app`, 30), 'new');

    const subject = buildAlertMessage([long, cart], context).subject;

    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^\[oom-forecast\] CRITICAL namespace-n+\.\.\.w+\/app hits limit in 1\.3 d \(\+1 more\)$/);
  });

  test('email lists the containers most urgent first', () => {
    const order = ['pay/payments/app', 'dojo/dojo-django/uwsgi', 'shop/cart/node-api', 'dojo/dojo-celeryworker/celery'].map(
      (id) => message.emailText.indexOf(`  ${id}  (`),
    );

    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('email entry carries usage, growth, ETA, pattern, graph and hint', () => {
    const entry = message.emailText.split('\n\n').find((block) => block.startsWith('CRITICAL  dojo/dojo-django/uwsgi'));
    const expectedGraph =
      'http://prometheus.monitoring:9090/graph?g0.expr=' +
      encodeURIComponent('container_memory_working_set_bytes{namespace="dojo",pod="dojo-django-7c9f8b6d4-x2k9p",container="uwsgi"}') +
      '&g0.tab=0&g0.range_input=7d';

    expect(entry).toBe(
      [
        'CRITICAL  dojo/dojo-django/uwsgi  (new alert)',
        '  Limit reached 2026-12-03 02:12 UTC, in 1.8 days (90 % interval 38 to 50 h)',
        '  Usage 4.3 GiB of 6.0 GiB limit (72 %), growing 28.6 MiB/h (687 MiB/day)',
        '  Pattern linear-growth, confidence 0.92',
        '  Changed: new alert',
        '  Pod dojo-django-7c9f8b6d4-x2k9p, container uwsgi, namespace dojo',
        '  Evidence: Working set grew 30 MB/h for 5 days without a restart.',
        `  Graph: ${expectedGraph}`,
        '  Hint: uWSGI: recycle workers before they grow to the limit with max-requests (plus max-requests-delta so they ' +
          'do not restart together) and reload-on-rss set below the limit divided by the number of workers.',
      ].join('\n'),
    );
  });

  test('email says what changed since the last message', () => {
    expect(message.emailText).toContain('Changed: escalated from WARNING to CRITICAL (the limit was 3.3 days away at the last message)');
    expect(message.emailText).toContain('Changed: still at risk, daily reminder (the limit was 5.8 days away at the last message)');
    expect(message.emailText).toContain('Changed: resolved (the limit was 4.0 days away at the last message)');
    expect(message.emailText).toContain('No longer forecast to reach its limit (pattern now flat).');
  });

  test('resolved after kill: next date, hint', () => {
    const restarted = leak('dojo/dojo-django/uwsgi', 195, {
      severity: 'none',
      restarts: { total: 1, oomKills: 1, perDay: 0.14, lastOomKillAt: CHECK_AT - 40 * 60 },
    });

    const text = buildAlertMessage([notify(restarted, 'resolved', 1)], context).emailText;

    expect(text).toContain(
      '  OOM-killed 2026-12-01 06:20 UTC and restarted. Growing as the lifetime that ended did, it reaches the limit again 2026-12-09 10:00 UTC, in 8.1 days, beyond the 7-day warning horizon: a new warning comes when that is within it.',
    );
    expect(text).toContain('  Hint: uWSGI: recycle workers');
  });

  test('resolved beyond horizon: new date', () => {
    const farther = leak('shop/cart/node-api', 300, { severity: 'none' });

    const text = buildAlertMessage([notify(farther, 'resolved', 160)], context).emailText;

    expect(text).toContain('  Now forecast to reach its limit 2026-12-13 19:00 UTC, in 12.5 days, beyond the 7-day warning horizon (pattern linear-growth).');
    expect(text).not.toContain('Hint:');
  });

  test('email header counts severities and footer states the zone', () => {
    expect(message.emailText.startsWith('oom-forecast check of 2026-12-01 07:00 UTC: 2 critical, 1 warning, 1 resolved.\n\n')).toBe(true);
    expect(message.emailText.endsWith('Times are UTC. Warning when the limit is forecast within 7 days, critical within 2 days.')).toBe(true);
  });

  test('SMS is one GSM-7 segment naming the top container', () => {
    expect(message.smsText).toBe('oom-forecast CRITICAL pay/payments/app hits limit in 1.3 d, 2026-12-02 13:00 UTC. +3 more, see email.');
    expect(gsm7Septets(message.smsText)).toBeLessThanOrEqual(160);
    expect(toGsm7(message.smsText)).toBe(message.smsText);
  });

  test('SMS of a long non-GSM id is cut to one segment', () => {
    const exotic = notify(leak(`日本/${'ワーカー'.repeat(30)}-${'x'.repeat(150)}/app`, 20), 'new');

    const sms = buildAlertMessage([exotic], context).smsText;

    expect(gsm7Septets(sms)).toBeLessThanOrEqual(160);
    expect(toGsm7(sms)).toBe(sms);
    expect(sms).toMatch(/^oom-forecast CRITICAL \/-x+\.\.\.x+\/app hits limit in 20 h, 2026-12-02 03:00 UTC\.$/);
  });

  test('message JSON has distinct default, email and sms texts', () => {
    const parsed = JSON.parse(message.message) as Record<string, string>;
    const defaultDocument = JSON.parse(parsed.default);

    expect(Object.keys(parsed).sort()).toEqual(['default', 'email', 'sms']);
    expect(parsed.email).toBe(message.emailText);
    expect(parsed.sms).toBe(message.smsText);
    expect(defaultDocument.evaluatedAt).toBe('2026-12-01T07:00:00Z');
    expect(defaultDocument.omitted).toBe(0);
    expect(defaultDocument.notifications.map((entry: { id: string }) => entry.id)).toEqual([
      'pay/payments/app',
      'dojo/dojo-django/uwsgi',
      'shop/cart/node-api',
      'dojo/dojo-celeryworker/celery',
    ]);
    expect(defaultDocument.notifications[1]).toMatchObject({
      severity: 'critical',
      kind: 'new',
      hoursToLimit: 43.2,
      eta: '2026-12-03T02:12:00Z',
      slopeBytesPerHour: 30_000_000,
    });
  });

  test.each([
    [[uwsgi, cart, celery], 'critical'],
    [[cart, celery], 'warning'],
    [[celery], 'resolved'],
  ])('severity attribute is the highest in the message (%#)', (notifications, severity) => {
    expect(buildAlertMessage(notifications as Notification[], context).severity).toBe(severity);
  });

  test('500 containers at risk fit one SNS message, most urgent in full', () => {
    const many = Array.from({ length: 500 }, (_, index) =>
      notify(leak(`team-${index % 40}/service-${index}/app`, 20 + index, { evidence: ['Grew steadily for 6 days.', 'No restarts.'] }), 'new'),
    );

    const big = buildAlertMessage(many, context);

    expect(big.messageBytes).toBe(Buffer.byteLength(big.message, 'utf8'));
    expect(big.messageBytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(big.messageBytes + Buffer.byteLength(big.subject) + 100).toBeLessThan(SNS_LIMIT_BYTES);
    expect(big.detailedCount).toBeGreaterThan(50);
    expect(big.detailedCount + big.briefCount).toBe(500);
    expect(big.emailText).toContain('CRITICAL  team-0/service-0/app  (new alert)');
    expect(big.emailText).toContain('- WARNING team-19/service-499/app: limit 2026-12-22 22:00 UTC, in 21.6 days (new alert)');
  });

  test('5,000 containers at risk: the rest are counted', () => {
    const many = Array.from({ length: 5000 }, (_, index) => notify(leak(`team-${index % 40}/service-${index}/app`, 20 + index / 10), 'new'));

    const huge = buildAlertMessage(many, context);

    expect(huge.messageBytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(huge.detailedCount).toBe(20);
    expect(huge.omittedCount).toBeGreaterThan(0);
    expect(huge.detailedCount + huge.briefCount + huge.omittedCount).toBe(5000);
    expect(huge.emailText).toContain(`...and ${huge.omittedCount} more at risk, not listed because an SNS message is limited to 256 KB.`);
    expect(JSON.parse(huge.defaultText).omitted).toBeGreaterThan(0);
  });

  test('resolved container that disappeared has no verdict lines', () => {
    const disappeared: Notification = { ...celery, verdict: null, hoursToLimit: null };

    const text = buildAlertMessage([disappeared], context).emailText;

    expect(text).toContain('RESOLVED  dojo/dojo-celeryworker/celery  (resolved)\n  No longer seen by recent checks');
    expect(text).not.toContain('Hint:');
  });

  test('container at risk without a forecast date says so', () => {
    const looping = notify(
      leak('dojo/dojo-celeryworker/celery', 1, {
        hoursToLimit: null,
        hoursToLimitInterval: null,
        eta: null,
        severity: 'critical',
        pattern: 'oom-cycle',
        restarts: { total: 6, oomKills: 6, perDay: 6 },
      }),
      'new',
    );

    const built = buildAlertMessage([looping], context);

    expect(built.subject).toBe('[oom-forecast] CRITICAL dojo/dojo-celeryworker/celery at risk: oom-cycle');
    expect(built.emailText).toContain('No forecast date: the memory shows oom-cycle');
    expect(built.emailText).toContain('Pattern oom-cycle, confidence 0.92; 6 restarts in the lookback, 6 OOMKilled');
  });

  test('empty list is rejected', () => {
    expect(() => buildAlertMessage([], context)).toThrow('buildAlertMessage needs at least one notification');
  });
});
