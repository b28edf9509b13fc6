import { utcDate } from '../../lambda/store/dynamodb/table-layout';
import { briefEntry } from '../../lambda/notify/alert-entry';
import { assertTimeZone, formatInstantForPeople, formatUtcMinute } from '../../lambda/notify/time-format';
import type { Notification } from '../../lambda/types';
import { verdictOf } from '../support/verdicts';

const HOUR = 3600;
const SPRING_FORWARD = Date.UTC(2026, 2, 29) / 1000; // Europe/London skips 01:00-02:00 local
const FALL_BACK = Date.UTC(2026, 9, 25) / 1000; // Europe/London repeats 01:00-02:00 local

function etaNotification(etaSeconds: number, checkAt: number): Notification {
  const hoursToLimit = (etaSeconds - checkAt) / HOUR;
  const verdict = verdictOf({
    id: 'dojo/dojo-django/uwsgi',
    severity: 'warning',
    hoursToLimit,
    eta: new Date(etaSeconds * 1000).toISOString(),
  });
  return {
    at: checkAt,
    id: verdict.id,
    labels: verdict.labels,
    severity: 'warning',
    kind: 'new',
    hoursToLimit,
    previousHoursToLimit: null,
    verdict,
  };
}

describe('message times', () => {
  test('UTC minute is explicit', () => {
    expect(formatUtcMinute(Date.UTC(2026, 11, 3, 7, 0, 29) / 1000)).toBe('2026-12-03 07:00 UTC');
  });

  test('local time follows with its own zone on the spring-forward day', () => {
    const lines = [0, 1, 2].map((hour) => formatInstantForPeople(SPRING_FORWARD + hour * HOUR + 30 * 60, 'Europe/London'));

    expect(lines).toEqual([
      '2026-03-29 00:30 UTC (00:30 GMT)',
      '2026-03-29 01:30 UTC (02:30 BST)',
      '2026-03-29 02:30 UTC (03:30 BST)',
    ]);
  });

  test('repeated local hour on the fall-back day stays distinct', () => {
    const lines = [-1, 0, 1].map((hour) => formatInstantForPeople(FALL_BACK + hour * HOUR + 30 * 60, 'Europe/London'));

    expect(lines).toEqual([
      '2026-10-24 23:30 UTC (2026-10-25 00:30 BST)',
      '2026-10-25 00:30 UTC (01:30 BST)',
      '2026-10-25 01:30 UTC (01:30 GMT)',
    ]);
  });

  test.each([
    ['spring-forward', SPRING_FORWARD],
    ['fall-back', FALL_BACK],
  ])('hourly checks across the %s day: one line per ETA, each in UTC', (_name, day) => {
    // The schedule fires every hour on the UTC clock, so 24 checks cover 24 distinct UTC hours
    // whatever the local clock does.
    const checks = Array.from({ length: 24 }, (_, index) => day + index * HOUR);

    const lines = checks.map((checkAt) => briefEntry(etaNotification(checkAt + 3 * 86400, checkAt), { evaluatedAt: checkAt, prometheusUrl: 'http://p' }));

    expect(new Set(lines).size).toBe(24);
    expect(lines.every((line) => /limit \d{4}-\d\d-\d\d \d\d:00 UTC, in 3\.0 days/.test(line))).toBe(true);
    expect(lines[0]).toContain(`limit ${formatUtcMinute(day + 3 * 86400)}`);
    expect(checks.map(utcDate)).toEqual(Array(24).fill(utcDate(day)));
  });

  test('unknown time zone is rejected with its name', () => {
    expect(() => assertTimeZone('Europe/Londn', 'NOTIFY_TIME_ZONE')).toThrow(
      'NOTIFY_TIME_ZONE "Europe/Londn": expected an IANA time zone such as Europe/London or UTC',
    );
  });
});
