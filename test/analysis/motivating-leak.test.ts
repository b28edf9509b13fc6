import { analyzeContainer } from '../../lambda/analysis/analyze';
import { containerHistory, GIB, HOUR, MB, NOW, restartEvents, sampleSeries, splitAt } from './generators';
import { nonFinitePaths } from './finite';
import { leakAcrossRestart, leakHoursToLimit, leakWithRaisedLimit, motivatingLeak, recycledWorkersSawtooth, stepLeak } from './scenarios';

const thresholds = { warnDays: 7, criticalDays: 2 };

describe('motivating uwsgi leak (30 MB/h from 500 MB to a 6 GiB limit)', () => {
  test.each([
    { ageHours: 12, severity: 'none' },
    { ageHours: 36, severity: 'warning' },
    { ageHours: 100, severity: 'warning' },
    { ageHours: 160, severity: 'critical' },
  ] as const)('forecasts the limit within 5 % at $ageHours h old: $severity', ({ ageHours, severity }) => {
    const verdict = analyzeContainer(motivatingLeak({ ageHours }), thresholds);
    const truthHours = leakHoursToLimit(ageHours);

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.slopeBytesPerHour).toBeCloseTo(30 * MB, -4);
    expect(verdict.hoursToLimit).not.toBeNull();
    expect(Math.abs((verdict.hoursToLimit ?? 0) - truthHours) / truthHours).toBeLessThan(0.05);
    expect(verdict.severity).toBe(severity);
  });

  test('warns 2.5 days ahead of a 30 MB/h leak', () => {
    const verdict = analyzeContainer(motivatingLeak({ ageHours: 138 }), thresholds);

    expect(verdict.usageBytes).toBe(4640 * MB);
    expect(verdict.limitBytes).toBe(6 * GIB);
    expect(verdict.hoursToLimit).toBe(60.1);
    expect(verdict.severity).toBe('warning');
    expect(verdict.eta).toBe('2026-12-03T12:04:54Z');
    expect(verdict.confidence).toBeGreaterThanOrEqual(0.9);
    expect(verdict.evidence[0]).toBe('grows 28.6 MiB/h (687 MiB/day), steady for 5.8 days (fit R² 1.00)');
  });

  test('is critical and confident two days before the limit', () => {
    const verdict = analyzeContainer(motivatingLeak({ ageHours: 175 }), thresholds);

    expect(verdict.severity).toBe('critical');
    expect(verdict.confidence).toBeGreaterThanOrEqual(0.8);
    expect(verdict.hoursToLimit).toBeCloseTo(leakHoursToLimit(175), 0);
  });

  test('forecasts a noisy leak (σ 50 MB) within 5 %', () => {
    const verdict = analyzeContainer(motivatingLeak({ ageHours: 120, noiseBytes: 50 * MB, seed: 7 }), thresholds);
    const truthHours = leakHoursToLimit(120);

    expect(verdict.pattern).toBe('linear-growth');
    expect(Math.abs((verdict.hoursToLimit ?? 0) - truthHours) / truthHours).toBeLessThan(0.05);
    const [earliest, latest] = verdict.hoursToLimitInterval ?? [0, 0];
    expect(earliest).toBeLessThan(verdict.hoursToLimit ?? 0);
    expect(latest).toBeGreaterThan(verdict.hoursToLimit ?? 0);
    expect(verdict.severity).toBe('warning');
  });

  test('forecasts across gaps of several hours without splitting the run', () => {
    const gaps = [
      [NOW - 100 * HOUR, NOW - 92 * HOUR],
      [NOW - 50 * HOUR, NOW - 44 * HOUR],
      [NOW - 20 * HOUR, NOW - 15 * HOUR],
    ] as const;
    const verdict = analyzeContainer(motivatingLeak({ ageHours: 140, noiseBytes: 50 * MB, seed: 2, gaps }), thresholds);
    const truthHours = leakHoursToLimit(140);

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.restarts.total).toBe(0);
    expect(Math.abs((verdict.hoursToLimit ?? 0) - truthHours) / truthHours).toBeLessThan(0.05);
    expect(verdict.severity).toBe('warning');
  });

  test.each([
    { name: 'a new container id', withContainerIds: true },
    { name: 'the restart counter alone', withContainerIds: false },
  ])('fits only the current run after an OOM kill told by $name', ({ withContainerIds }) => {
    const verdict = analyzeContainer(leakAcrossRestart(withContainerIds), thresholds);
    const truthHours = leakHoursToLimit(80);

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.slopeBytesPerHour).toBeCloseTo(30 * MB, -5);
    expect(Math.abs((verdict.hoursToLimit ?? 0) - truthHours) / truthHours).toBeLessThan(0.05);
    expect(verdict.restarts).toMatchObject({ total: 1, oomKills: 1, perDay: 0.14 });
    expect(verdict.restarts.lastOomKillAt).toBeLessThan(NOW - 2 * 86400);
    expect(verdict.severity).toBe('warning');
    expect(verdict.evidence).toContain('1 OOM kill 3 days ago at a peak of 6.0 GiB (100 % of the limit)');
  });

  test('forecasts a step leak (+300 MB every 12 h) with the long-run slope', () => {
    const verdict = analyzeContainer(stepLeak(), thresholds);
    // The 20th step, 72 hours from now, is the first one above the limit.
    const stepCrossingHours = 72;

    expect(verdict.pattern).toBe('step-growth');
    expect(verdict.slopeBytesPerHour).toBeCloseTo(25 * MB, -6);
    expect(Math.abs((verdict.hoursToLimit ?? 0) - stepCrossingHours) / stepCrossingHours).toBeLessThan(0.1);
    expect(verdict.severity).toBe('warning');
    expect(verdict.evidence[1]).toBe('rises in 14 steps of about 281 MiB every 12 h; the forecast uses the long-run rate across steps');
  });

  test('forecasts against the current limit after the limit was raised', () => {
    const verdict = analyzeContainer(leakWithRaisedLimit(), thresholds);
    const truthHours = leakHoursToLimit(140, 8 * GIB);

    expect(verdict.limitBytes).toBe(8 * GIB);
    expect(Math.abs((verdict.hoursToLimit ?? 0) - truthHours) / truthHours).toBeLessThan(0.05);
    expect(verdict.severity).toBe('warning');
  });

  test('stays silent on the 400–600 MB sawtooth after worker recycling', () => {
    const verdict = analyzeContainer(recycledWorkersSawtooth(), thresholds);

    expect(verdict.pattern).toBe('sawtooth');
    expect(verdict.severity).toBe('none');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.eta).toBeNull();
    expect(verdict.restarts.total).toBe(0);
  });

  test('produces only finite numbers', () => {
    const verdicts = [motivatingLeak({ ageHours: 138 }), leakAcrossRestart(true), stepLeak(), recycledWorkersSawtooth()].map((history) => analyzeContainer(history, thresholds));

    expect(nonFinitePaths(verdicts)).toEqual([]);
  });
});

describe('the motivating leak right after its OOM kill', () => {
  /**
   * The leak killed at 6 GiB `hoursSinceKill` hours ago; afterwards it climbs again from 500 MB,
   * or stays there. With `lingering`, the dead container's series still holds 6 GiB one step
   * after the kill, as cAdvisor's series does for a few minutes.
   */
  function restarted(hoursSinceKill: number, climbsAgain: boolean, lingering = false) {
    const killTime = NOW - hoursSinceKill * HOUR;
    const lifetimeHours = (6 * GIB - 500 * MB) / (30 * MB);
    const value = (t: number): number => {
      if (t <= killTime) {
        return Math.min(6 * GIB, 6 * GIB - (30 * MB * (killTime - t)) / HOUR);
      }
      return 500 * MB + (climbsAgain ? (30 * MB * (t - killTime)) / HOUR : 0);
    };
    const samples = sampleSeries(value, { from: killTime - lifetimeHours * HOUR, to: NOW, noiseBytes: 2 * MB, seed: 23 });
    const [dead, alive] = splitAt(samples, [killTime + 1]);
    if (lingering) {
      dead.push({ t: alive[0].t, v: 6 * GIB });
    }
    const history = containerHistory({
      usageByContainerId: [dead, alive],
      restarts: restartEvents([Math.ceil(killTime / HOUR) * HOUR], true),
      limitBytes: 6 * GIB,
    });
    return analyzeContainer(history, thresholds);
  }

  test('restart forecast from ended lifetime', () => {
    const verdict = restarted(3, true);
    // From 500 MB + 90 MB at 30 MB/h to 6 GiB: (6442 − 590) / 30 ≈ 195 h.
    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.hoursToLimit).toBeCloseTo(195, -1);
    expect(verdict.severity).toBe('none');
    expect(verdict.evidence).toContainEqual(expect.stringMatching(/^per-lifetime growth 28\.6 MiB\/h .* steady in 1 of 1 earlier lifetimes/));
  });

  test('lingering dead series ignored', () => {
    const verdict = restarted(8, true, true);

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.hoursToLimit).toBeCloseTo(190, -1);
    expect(verdict.severity).toBe('none');
  });

  test('flat restart not forecast', () => {
    const verdict = restarted(3, false);

    expect(verdict.pattern).toBe('insufficient-data');
    expect(verdict.hoursToLimit).toBeNull();
    // An OOM kill that no forecast explains is worth a warning.
    expect(verdict.severity).toBe('warning');
    expect(verdict.evidence).toContainEqual(expect.stringMatching(/unlike the 28\.6 MiB\/h .* of its earlier lifetimes: too early to forecast from them$/));
  });
});
