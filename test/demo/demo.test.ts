import { runDemo, type DemoOutcome } from '../../lambda/demo/run-demo';

describe('oom-forecast demo', () => {
  let outcome: DemoOutcome;
  let printed = '';

  beforeAll(async () => {
    outcome = await runDemo({
      stdout: (text) => {
        printed += text;
      },
    });
  });

  test('warns at least five days before each OOM kill of the leak', () => {
    expect(outcome.scenario.oomKillSeconds).toHaveLength(2);
    for (const leadHours of outcome.leadHoursPerOomKill) {
      expect(leadHours).not.toBeNull();
      expect(leadHours as number).toBeGreaterThanOrEqual(5 * 24);
    }
    expect(printed).toMatch(/OOM kill 1 at .*: first warned \d\.\d days before/);
  });

  test('sends no warning after worker recycling', () => {
    expect(outcome.warningsAfterFix).toEqual([]);
    expect(printed).toContain('no warning since');
  });

  test('never notifies about the steady celery worker', () => {
    expect(outcome.notifications.filter((notification) => notification.id === 'dojo/dojo-celery/celery')).toEqual([]);
  });

  test('prints the leak as a warning with a chart', () => {
    expect(printed).toMatch(/WARNING\s+dojo\/dojo-django\/uwsgi/);
    expect(printed).toMatch(/\|[ *.-]+\n/);
  });
});
