import type { CheckEvaluation } from '../../lambda/check';
import { checkReportTable, formatEta, formatGrowth } from '../../lambda/report/table-report';
import { leakVerdict, verdictOf } from '../support/verdicts';

const AT = Date.UTC(2026, 11, 1) / 1000;

function evaluationOf(overrides: Partial<CheckEvaluation>): CheckEvaluation {
  return {
    evaluatedAt: AT,
    verdicts: [],
    decision: { notifications: [], changedStates: [], forgottenIds: [], alreadyAppliedIds: [] },
    warnings: [],
    stepSeconds: 3600,
    atRiskSamples: new Map(),
    ...overrides,
  };
}

describe('table report', () => {
  test('formats growth in MiB/h without a negative zero', () => {
    expect(formatGrowth(30_000_000)).toBe('+28.6 MiB/h');
    expect(formatGrowth(-20)).toBe('+0.0 MiB/h');
    expect(formatGrowth(-2_000_000)).toBe('-1.9 MiB/h');
    expect(formatGrowth(null)).toBe('-');
  });

  test('formats the forecast as a UTC date and days', () => {
    expect(formatEta({ eta: '2026-12-03T12:06:00Z', hoursToLimit: 60.1 })).toBe('2026-12-03 12:06 UTC (2.5 d)');
    expect(formatEta({ eta: null, hoursToLimit: null })).toBe('-');
  });

  test('lists at-risk containers before healthy ones', () => {
    const evaluation = evaluationOf({
      verdicts: [leakVerdict('dojo/dojo-django/uwsgi', 60, 'warning'), verdictOf({ id: 'dojo/dojo-celery/celery' })],
    });

    const lines = checkReportTable(evaluation).split('\n');

    const warningRow = lines.findIndex((line) => line.startsWith('WARNING'));
    const healthyRow = lines.findIndex((line) => line.startsWith('ok'));
    expect(warningRow).toBeGreaterThan(0);
    expect(healthyRow).toBeGreaterThan(warningRow);
    expect(lines[0]).toMatch(/: 2 containers$/);
  });

  test('counts one container in the singular', () => {
    const lines = checkReportTable(evaluationOf({ verdicts: [verdictOf({ id: 'dojo/dojo-celery/celery' })] })).split('\n');

    expect(lines[0]).toMatch(/^Check at \S+: 1 container$/);
  });

  test('ends with the notifications due when asked', () => {
    const verdict = leakVerdict('dojo/dojo-django/uwsgi', 60, 'warning');
    const notification = {
      at: AT,
      id: verdict.id,
      labels: verdict.labels,
      severity: 'warning' as const,
      kind: 'new' as const,
      hoursToLimit: 60,
      previousHoursToLimit: null,
      verdict,
    };
    const evaluation = evaluationOf({
      verdicts: [verdict],
      decision: { notifications: [notification], changedStates: [], forgottenIds: [], alreadyAppliedIds: [] },
    });

    const withNotifications = checkReportTable(evaluation, { notifications: true });
    const withoutNotifications = checkReportTable(evaluation);

    expect(withNotifications).toMatch(/Notifications due:\nNOTIFY\s+SEVERITY\s+CONTAINER/);
    expect(withNotifications).toMatch(/\nnew\s+WARNING\s+dojo\/dojo-django\/uwsgi\s+2026-12-03 12:00 UTC \(2\.5 d\)\s+linear-growth/);
    expect(withoutNotifications).not.toContain('Notifications due');
  });

  test('says when no notification is due', () => {
    const text = checkReportTable(evaluationOf({ verdicts: [verdictOf({ id: 'a/b/c' })] }), { notifications: true });

    expect(text).toContain('Notifications due: none');
  });
});
