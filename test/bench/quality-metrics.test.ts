import { oomEpisodes, scenarioFigures } from '../../bench/quality/metrics';
import type { QualityScenario } from '../../bench/quality/scenario';
import { intervalsFromInstants } from '../../bench/quality/timeline';

const HOUR = 3600;
const DAY = 86400;
const START = Date.UTC(2026, 10, 3) / 1000;
const SPAN = { fromSeconds: START, toSeconds: START + 20 * DAY };

function scenario(overrides: Partial<QualityScenario>): QualityScenario {
  return { name: 'test', description: 'test', group: 'leak', series: [], oomKillSeconds: [], ...overrides };
}

/** Returns a timeline with the alert active for each listed hour after the span start. */
function alertAt(hours: number[], etas: { atHour: number; etaHour: number }[] = []) {
  return {
    intervals: intervalsFromInstants(
      hours.map((hour) => START + hour * HOUR),
      HOUR,
    ),
    etas: etas.map(({ atHour, etaHour }) => ({ atSeconds: START + atHour * HOUR, etaSeconds: START + etaHour * HOUR })),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

describe('quality bench metrics', () => {
  const killHour = 200;
  const leak = scenario({ oomKillSeconds: [START + killHour * HOUR] });

  test('lead counts from alert onset', () => {
    const figures = scenarioFigures(leak, 'warning', alertAt(range(40, 201)), SPAN);

    expect(figures.leadHours).toEqual([160]);
    expect(figures.verdictRight).toBe(true);
  });

  test('alert beyond horizon is false', () => {
    // On from 8 days before the kill (hour 8) until the kill.
    const figures = scenarioFigures(leak, 'warning', alertAt(range(8, 200)), SPAN);

    expect(figures.falseAlertHours).toBe(24);
    expect(figures.falseAlertHoursAfterKill).toBe(0);
  });

  test('hours after kill counted apart', () => {
    // On until 4 hours after the kill; the 5 minutes from the kill itself still see it coming.
    const figures = scenarioFigures(leak, 'warning', alertAt(range(100, 204)), SPAN);

    expect(figures.falseAlertHours).toBeCloseTo(3 + 55 / 60, 6);
    expect(figures.falseAlertHoursAfterKill).toBeCloseTo(3 + 55 / 60, 6);
  });

  test('flap needs no kill between', () => {
    const flapping = scenarioFigures(leak, 'warning', alertAt([...range(100, 110), ...range(120, 201)]), SPAN);
    const twoKills = scenario({ oomKillSeconds: [START + killHour * HOUR, START + 400 * HOUR] });
    const perKill = scenarioFigures(twoKills, 'warning', alertAt([...range(100, 201), ...range(300, 401)]), SPAN);

    expect(flapping.flaps).toBe(1);
    expect(perKill.flaps).toBe(0);
  });

  test('ETA error against time left', () => {
    const figures = scenarioFigures(
      leak,
      'warning',
      alertAt(range(100, 201), [
        { atHour: 100, etaHour: 210 },
        { atHour: 150, etaHour: 200 },
        { atHour: 197, etaHour: 260 },
      ]),
      SPAN,
    );

    expect(figures.etaSamples).toBe(2);
    expect(figures.etaErrorMax).toBeCloseTo(0.1, 6);
    expect(figures.etaWithinTarget).toBe(2);
  });

  test('benign verdict right when quiet', () => {
    const benign = scenario({ group: 'benign' });

    expect(scenarioFigures(benign, 'warning', alertAt([]), SPAN).verdictRight).toBe(true);
    expect(scenarioFigures(benign, 'warning', alertAt([5]), SPAN)).toMatchObject({ verdictRight: false, falseAlertHours: 1 });
  });

  test('episodes group close kills', () => {
    const loop = scenario({ oomKillSeconds: [START + 10 * HOUR, START + 16 * HOUR, START + 100 * HOUR], projectedOomSeconds: SPAN.toSeconds + 2 * DAY });

    expect(oomEpisodes(loop, SPAN, 168).map((episode) => [episode.kills, episode.projected])).toEqual([
      [2, false],
      [1, false],
      [1, true],
    ]);
  });
});
