import { analyzeContainer } from '../../lambda/analysis/analyze';
import type { ContainerHistory, Pattern, Severity } from '../../lambda/types';
import { containerHistory, GIB, MB, NOW } from './generators';
import { nonFinitePaths } from './finite';
import * as scenarios from './scenarios';

const thresholds = { warnDays: 7, criticalDays: 2 };

interface PatternCase {
  readonly name: string;
  readonly history: () => ContainerHistory;
  readonly pattern: Pattern;
  readonly severity: Severity;
  /** Whether a time to the limit is expected. */
  readonly forecast: boolean;
}

// Each pattern beside a near miss: a shape that looks alike but must be judged differently.
const cases: PatternCase[] = [
  { name: 'flat memory', history: () => scenarios.flat(), pattern: 'flat', severity: 'none', forecast: false },
  { name: 'slow leak hidden in noise (near miss of flat)', history: scenarios.slowNoisyLeak, pattern: 'linear-growth', severity: 'none', forecast: true },
  { name: 'cache that fills and stops', history: scenarios.cacheFillsThenStops, pattern: 'plateau', severity: 'none', forecast: false },
  { name: 'warm-up followed by a leak (near miss of plateau)', history: scenarios.warmUpThenLeak, pattern: 'linear-growth', severity: 'warning', forecast: true },
  { name: 'step leak', history: scenarios.stepLeak, pattern: 'step-growth', severity: 'warning', forecast: true },
  { name: 'one-off level shift (near miss of step growth)', history: scenarios.levelShift, pattern: 'level-shift', severity: 'none', forecast: false },
  { name: 'bounded recycled-worker sawtooth', history: () => scenarios.recycledWorkersSawtooth(), pattern: 'sawtooth', severity: 'none', forecast: false },
  { name: 'sawtooth whose peaks rise 3 MB/h (near miss of sawtooth)', history: () => scenarios.recycledWorkersSawtooth(3 * MB), pattern: 'linear-growth', severity: 'none', forecast: true },
  { name: 'garbage-collection sawtooth', history: scenarios.garbageCollectionSawtooth, pattern: 'sawtooth', severity: 'none', forecast: false },
  { name: 'daily traffic cycle', history: () => scenarios.dailyCycle(), pattern: 'daily-cycle', severity: 'none', forecast: false },
  { name: 'daily cycle over a 5 MB/h leak (near miss of daily cycle)', history: () => scenarios.dailyCycle(5 * MB), pattern: 'linear-growth', severity: 'warning', forecast: true },
  { name: 'isolated spikes', history: () => scenarios.isolatedSpikes(), pattern: 'spikes', severity: 'none', forecast: false },
  { name: 'isolated spikes to 91 % of the limit (near miss of harmless spikes)', history: () => scenarios.isolatedSpikes(1950 * MB), pattern: 'spikes', severity: 'warning', forecast: false },
  { name: 'slow decline', history: scenarios.slowDecline, pattern: 'decline', severity: 'none', forecast: false },
  { name: 'memory pinned at 99 % of the limit', history: () => scenarios.flat(1060 * MB, GIB, 3 * MB), pattern: 'at-limit', severity: 'critical', forecast: false },
  { name: 'flat at 84 % of the limit (near miss of at-limit)', history: () => scenarios.flat(900 * MB, GIB, 3 * MB), pattern: 'flat', severity: 'none', forecast: false },
  { name: 'growth without a limit', history: () => scenarios.unlimitedContainer(null), pattern: 'no-limit', severity: 'none', forecast: false },
  { name: 'no samples at all', history: () => containerHistory({ usageByContainerId: [] }), pattern: 'insufficient-data', severity: 'none', forecast: false },
  { name: 'three samples without earlier lifetimes', history: () => containerHistory({ usageByContainerId: [[0, 1, 2].map((hour) => ({ t: NOW - (2 - hour) * 3600, v: (150 + 130 * hour) * MB }))] }), pattern: 'insufficient-data', severity: 'none', forecast: false },
];

describe('pattern recognition', () => {
  test.each(cases)('$name → $pattern, $severity', ({ history, pattern, severity, forecast }) => {
    const verdict = analyzeContainer(history(), thresholds);

    expect(verdict.pattern).toBe(pattern);
    expect(verdict.severity).toBe(severity);
    expect(verdict.hoursToLimit !== null).toBe(forecast);
    expect(verdict.eta !== null).toBe(forecast);
    expect(nonFinitePaths(verdict)).toEqual([]);
  });

  test('daily cycle over a leak forecasts from the daily peaks', () => {
    const verdict = analyzeContainer(scenarios.dailyCycle(5 * MB), thresholds);

    expect(verdict.evidence[0]).toBe('24-hour cycle whose daily peaks grow 4.8 MiB/h (114 MiB/day) over 6.0 days');
    // Peaks are 1000 MB + 5 MB/h × 168 h = 1840 MB now, 307 MB below the 2 GiB limit.
    expect(verdict.hoursToLimit).toBeGreaterThan(0.85 * 61.5);
    expect(verdict.hoursToLimit).toBeLessThan(1.15 * 61.5);
  });

  test('slow leak forecasts about 9 days and so does not warn', () => {
    const verdict = analyzeContainer(scenarios.slowNoisyLeak(), thresholds);
    // 300 MB + 2 MB/h × 168 h = 636 MB now, and (1073.7 − 636) / 2 = 219 hours.
    expect(Math.abs((verdict.hoursToLimit ?? 0) - 219) / 219).toBeLessThan(0.05);
  });

  test('cache fill names where it levelled off', () => {
    const verdict = analyzeContainer(scenarios.cacheFillsThenStops(), thresholds);

    expect(verdict.evidence).toEqual(['rose from 364 MiB to 1.0 GiB (51 % of the limit) in the first 37 h, flat since: a cache or warm-up that filled up']);
  });

  test('warm-up before a leak is left out of the fit', () => {
    const verdict = analyzeContainer(scenarios.warmUpThenLeak(), thresholds);

    expect(verdict.evidence[0]).toBe('left out a 3.0 h warm-up after start (142 MiB → 474 MiB)');
    expect(verdict.slopeBytesPerHour).toBeCloseTo(10 * MB, -5);
  });

  test('level shift says when it moved', () => {
    const verdict = analyzeContainer(scenarios.levelShift(), thresholds);

    expect(verdict.evidence).toEqual(['moved from about 379 MiB to 667 MiB at 2026-11-27T16:00:00Z and stayed there']);
  });

  test('isolated spikes are counted and bounded', () => {
    const verdict = analyzeContainer(scenarios.isolatedSpikes(), thresholds);

    expect(verdict.evidence).toEqual(['3 isolated spikes up to 1.1 GiB (56 % of the limit) over a flat 476 MiB']);
    expect(verdict.peakFractionOfLimit).toBe(0.561);
  });

  test('garbage-collection sawtooth reports its cycle and bound', () => {
    const verdict = analyzeContainer(scenarios.garbageCollectionSawtooth(), thresholds);

    expect(verdict.evidence).toEqual(['sawtooth: 30 sharp drops without a restart, every ~4.0 h; peaks about 1.5 GiB (up to 50 % of the limit), lows about 1013 MiB, not rising: bounded']);
  });

  test('pinned memory says how close it sits', () => {
    const verdict = analyzeContainer(scenarios.flat(1060 * MB, GIB, 3 * MB), thresholds);

    expect(verdict.evidence[0]).toBe('pinned at 99 % of the limit');
  });
});
