import { analyzeContainer } from '../../lambda/analysis/analyze';
import { forecastTimeToLimit } from '../../lambda/analysis/forecast';
import type { GrowthModel } from '../../lambda/analysis/growth-model';
import { resolveLimit } from '../../lambda/analysis/limit';
import { decideSeverity, type SeverityHints } from '../../lambda/analysis/severity';
import { GIB, HOUR, MB, NOW } from './generators';
import { motivatingLeak } from './scenarios';

const growth = (overrides: Partial<GrowthModel> = {}): GrowthModel => ({
  slopeBytesPerHour: 10 * MB,
  slopeIntervalBytesPerHour: [8 * MB, 12.5 * MB],
  levelBytes: 1000 * MB,
  levelTime: NOW,
  fitQuality: 1,
  spanHours: 100,
  levelErrorBytes: 0,
  basis: 'run',
  ...overrides,
});
const quiet: SeverityHints = { maskedLifetimeHours: null, levelFraction: 0.5, recentPeakNearLimit: false, recentOomKill: false };
const thresholds = { warnDays: 7, criticalDays: 2 };

describe('forecastTimeToLimit', () => {
  test('divides the headroom by the slope and brackets it by the slope interval', () => {
    const forecast = forecastTimeToLimit(growth(), 2000 * MB, NOW);

    expect(forecast?.hoursToLimit).toBe(100);
    expect(forecast?.hoursToLimitInterval).toEqual([80, 125]);
    expect(forecast?.eta).toBe('2026-12-05T04:00:00Z');
  });

  test('extrapolates the level from the last sample to the evaluation', () => {
    const forecast = forecastTimeToLimit(growth({ levelTime: NOW - 10 * HOUR }), 2000 * MB, NOW);

    expect(forecast?.hoursToLimit).toBe(90);
    expect(forecast?.levelNowBytes).toBe(1100 * MB);
  });

  test('widens the interval by the level error', () => {
    const forecast = forecastTimeToLimit(growth({ slopeIntervalBytesPerHour: [10 * MB, 10 * MB], levelErrorBytes: 10 * MB }), 2000 * MB, NOW);

    expect(forecast?.hoursToLimitInterval[0]).toBeCloseTo(98.355, 3);
    expect(forecast?.hoursToLimitInterval[1]).toBeCloseTo(101.645, 3);
  });

  test('returns 0 hours once the level is past the limit', () => {
    expect(forecastTimeToLimit(growth({ levelBytes: 2100 * MB }), 2000 * MB, NOW)?.hoursToLimit).toBe(0);
  });

  test.each([
    { name: 'a flat slope', model: growth({ slopeBytesPerHour: 0 }) },
    { name: 'a falling slope', model: growth({ slopeBytesPerHour: -5 * MB }) },
    { name: 'a limit more than 10 years away', model: growth({ slopeBytesPerHour: 1 }) },
  ])('gives no forecast for $name', ({ model }) => {
    expect(forecastTimeToLimit(model, 2000 * MB, NOW)).toBeNull();
  });

  test('caps the latest hour when the slope interval reaches zero', () => {
    const forecast = forecastTimeToLimit(growth({ slopeIntervalBytesPerHour: [-1 * MB, 12 * MB] }), 2000 * MB, NOW);

    expect(forecast?.hoursToLimitInterval[1]).toBe(87600);
  });
});

describe('decideSeverity', () => {
  test.each([
    { hours: 47.9, severity: 'critical' },
    { hours: 48, severity: 'critical' },
    { hours: 48.1, severity: 'warning' },
    { hours: 168, severity: 'warning' },
    { hours: 168.1, severity: 'none' },
  ] as const)('a forecast of $hours h is $severity with 7 and 2 days', ({ hours, severity }) => {
    expect(decideSeverity('linear-growth', hours, thresholds, quiet)).toBe(severity);
  });

  test('an OOM cycle is critical without a forecast', () => {
    expect(decideSeverity('oom-cycle', null, thresholds, quiet)).toBe('critical');
  });

  test('a crash loop is a warning', () => {
    expect(decideSeverity('crash-loop', null, thresholds, quiet)).toBe('warning');
  });

  test('no limit is never an alert', () => {
    expect(decideSeverity('no-limit', 10, thresholds, { ...quiet, recentOomKill: true })).toBe('none');
  });

  test('masked leak capped at warning', () => {
    expect(decideSeverity('linear-growth', 44, thresholds, { ...quiet, maskedLifetimeHours: 23 })).toBe('warning');
    expect(decideSeverity('linear-growth', 20, thresholds, { ...quiet, maskedLifetimeHours: 23 })).toBe('critical');
  });

  test('fresh OOM kill or high peak warns', () => {
    expect(decideSeverity('flat', null, thresholds, { ...quiet, recentOomKill: true })).toBe('warning');
    expect(decideSeverity('spikes', null, thresholds, { ...quiet, recentPeakNearLimit: true })).toBe('warning');
  });

  test('pinned level: 98 % critical, 96 % warning', () => {
    expect(decideSeverity('at-limit', null, thresholds, { ...quiet, levelFraction: 0.98 })).toBe('critical');
    expect(decideSeverity('at-limit', null, thresholds, { ...quiet, levelFraction: 0.96 })).toBe('warning');
  });
});

describe('resolveLimit', () => {
  test.each([
    { reported: null, limitBytes: null },
    { reported: 0, limitBytes: null },
    { reported: -1, limitBytes: null },
    { reported: Number.NaN, limitBytes: null },
    { reported: 9223372036854771712, limitBytes: null },
    { reported: 2 * GIB, limitBytes: 2 * GIB },
  ])('reads $reported as $limitBytes', ({ reported, limitBytes }) => {
    expect(resolveLimit(reported).limitBytes).toBe(limitBytes);
  });
});

describe('analyzeContainer thresholds', () => {
  test('uses the given horizons', () => {
    const history = motivatingLeak({ ageHours: 138 });

    expect(analyzeContainer(history, { warnDays: 2, criticalDays: 1 }).severity).toBe('none');
    expect(analyzeContainer(history, { warnDays: 7, criticalDays: 3 }).severity).toBe('critical');
  });

  test.each([
    { thresholds: { warnDays: 0, criticalDays: 2 }, message: 'warnDays 0: expected a positive number of days, such as 7 or 2.5' },
    { thresholds: { warnDays: 7, criticalDays: Number.NaN }, message: 'criticalDays NaN: expected a positive number of days, such as 7 or 2.5' },
  ])('rejects $thresholds', ({ thresholds: bad, message }) => {
    expect(() => analyzeContainer(motivatingLeak({ ageHours: 10 }), bad)).toThrow(new RangeError(message));
  });
});

describe('analyzeContainer input', () => {
  test('infers a missing step from the samples', () => {
    const history = { ...motivatingLeak({ ageHours: 138 }), stepSeconds: 0 };
    const verdict = analyzeContainer(history, thresholds);

    expect(verdict.hoursToLimit).toBe(60.1);
  });

  test('skips samples that are not finite', () => {
    const history = motivatingLeak({ ageHours: 138 });
    const samples = history.usageByContainerId[0].map((sample, index) => (index % 10 === 5 ? { t: sample.t, v: Number.NaN } : sample));
    const verdict = analyzeContainer({ ...history, usageByContainerId: [samples] }, thresholds);

    expect(verdict.hoursToLimit).toBe(60.1);
    expect(verdict.usageBytes).toBe(4640 * MB);
  });
});
