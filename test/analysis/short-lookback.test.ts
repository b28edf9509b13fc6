import { analyzeContainer } from '../../lambda/analysis/analyze';
import { analysisWindows, FULL_WINDOWS } from '../../lambda/analysis/tuning';
import { formatHours } from '../../lambda/analysis/describe';
import { formatEta } from '../../lambda/report/table-report';
import { containerHistory, MIB, NOW, sampleSeries } from './generators';

const MINUTE = 60;

/** Builds a process leaking 1 MiB/s from 60 MiB, read every 2 s over the lookback. */
function compressedLeak(lookbackSeconds: number, limitBytes: number) {
  const startedAt = NOW - lookbackSeconds;
  const samples = sampleSeries((t) => 60 * MIB + (t - startedAt) * MIB, { from: startedAt, to: NOW, stepSeconds: 2, noiseBytes: 0.3 * MIB });
  return containerHistory({ usageByContainerId: [samples], limitBytes, stepSeconds: 2, lookbackSeconds });
}

describe('analysis windows', () => {
  test.each([7 * 86400, 86400, undefined])('full windows at %s seconds', (lookbackSeconds) => {
    expect(analysisWindows(lookbackSeconds)).toEqual(FULL_WINDOWS);
  });

  test('90 minutes: 22.5-minute runs', () => {
    const windows = analysisWindows(90 * MINUTE);

    expect(windows.minRunHours * 60).toBeCloseTo(22.5, 6);
    expect(windows.warmUpMaxHours * 60).toBeCloseTo(45, 6);
    expect(windows.recentOomKillHours * 60).toBeCloseTo(90, 6);
  });
});

describe('a leak seen through a 3-minute lookback', () => {
  test('1 MiB/s leak: 60 s within 5 %', () => {
    // 60 MiB + 180 s × 1 MiB/s = 240 MiB now; 60 MiB to go at 1 MiB/s.
    const verdict = analyzeContainer(compressedLeak(3 * MINUTE, 300 * MIB), { warnDays: 0.01, criticalDays: 0.002 });

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.slopeBytesPerHour! / 3600 / MIB).toBeCloseTo(1, 1);
    expect(verdict.hoursToLimit! * 3600).toBeGreaterThan(57);
    expect(verdict.hoursToLimit! * 3600).toBeLessThan(63);
    expect(verdict.severity).toBe('critical');
  });

  test('no lookback: insufficient data', () => {
    const history = { ...compressedLeak(3 * MINUTE, 300 * MIB), lookbackSeconds: undefined };
    const verdict = analyzeContainer(history, { warnDays: 0.01, criticalDays: 0.002 });

    expect(verdict.pattern).toBe('insufficient-data');
    expect(verdict.hoursToLimit).toBeNull();
  });
});

describe('times under an hour', () => {
  test('written in minutes and seconds', () => {
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(45 / 3600)).toBe('45 s');
    expect(formatHours(1.5)).toBe('1.5 h');
    expect(formatEta({ eta: '2026-12-04T22:47:16Z', hoursToLimit: 80 / 3600 })).toBe('2026-12-04 22:47 UTC (80 s)');
  });
});
