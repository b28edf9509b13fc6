import { assessGrowth } from '../../lambda/analysis/growth-test';
import { fitTheilSen } from '../../lambda/analysis/theil-sen';
import { fitTrend } from '../../lambda/analysis/trend';
import { trimWarmUp } from '../../lambda/analysis/warm-up';
import type { Sample } from '../../lambda/types';
import { HOUR, MB, NOW, sampleSeries } from './generators';

const line = (slopeBytesPerHour: number, hours: number, noiseBytes = 0, seed = 1): Sample[] =>
  sampleSeries((t) => 500 * MB + (slopeBytesPerHour * (t - (NOW - hours * HOUR))) / HOUR, { from: NOW - hours * HOUR, to: NOW, noiseBytes, seed });

describe('fitTheilSen', () => {
  test('recovers an exact line', () => {
    const fit = fitTheilSen([0, 1, 2, 3, 4].map((x) => ({ x, y: 10 + 3 * x })));

    expect(fit?.slope).toBe(3);
    expect(fit?.intercept).toBe(10);
    expect(fit?.slopeInterval).toEqual([3, 3]);
  });

  test('ignores a gross outlier that would drag least squares', () => {
    const points = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => ({ x, y: 2 * x + (x === 9 ? 1000 : 0) }));

    expect(fitTheilSen(points)?.slope).toBe(2);
  });

  test('gives a Mann–Kendall z of 3.6 for 8 increasing points', () => {
    // S = 28, Var(S) = 8·7·21/18 = 65.33, z = 28/√65.33.
    const fit = fitTheilSen([0, 1, 2, 3, 4, 5, 6, 7].map((x) => ({ x, y: x * x })));

    expect(fit?.kendallZ).toBeCloseTo(3.464, 3);
  });

  test('returns null for fewer than two distinct x', () => {
    expect(fitTheilSen([{ x: 1, y: 1 }])).toBeNull();
    expect(fitTheilSen([])).toBeNull();
  });

  test('subsamples long series deterministically and stays accurate', () => {
    const points = Array.from({ length: 2016 }, (_, index) => ({ x: index / 12, y: 5 * (index / 12) + Math.sin(index * 12.9898) * 40 }));

    const first = fitTheilSen(points);
    const second = fitTheilSen(points);

    expect(first).toEqual(second);
    expect(first?.slope).toBeCloseTo(5, 1);
  });
});

describe('fitTrend', () => {
  test('anchors the level at the last sample', () => {
    const trend = fitTrend(line(30 * MB, 48));

    expect(trend?.slopeBytesPerHour).toBeCloseTo(30 * MB, -1);
    expect(trend?.levelBytes).toBeCloseTo(500 * MB + 48 * 30 * MB, -1);
    expect(trend?.referenceTime).toBe(NOW);
    expect(trend?.fitQuality).toBe(1);
  });

  test('puts the true slope inside its 90 % interval for a noisy line', () => {
    const trend = fitTrend(line(30 * MB, 168, 50 * MB, 3));
    const [low, high] = trend?.slopeIntervalBytesPerHour ?? [0, 0];

    expect(low).toBeLessThan(30 * MB);
    expect(high).toBeGreaterThan(30 * MB);
    expect(trend?.residualScaleBytes).toBeGreaterThan(40 * MB);
    expect(trend?.residualScaleBytes).toBeLessThan(60 * MB);
  });

  test('returns null below three samples', () => {
    expect(fitTrend(line(30 * MB, 1))).toBeNull();
  });
});

describe('assessGrowth', () => {
  test('a noisy straight leak is steady', () => {
    const samples = line(30 * MB, 120, 50 * MB, 7);
    const assessment = assessGrowth(samples, fitTrend(samples)!);

    expect(assessment.isRising).toBe(true);
    expect(assessment.isSteady).toBe(true);
    expect(assessment.isDecelerating).toBe(false);
  });

  test('a rise that levels off is decelerating, not steady', () => {
    const samples = sampleSeries((t) => 500 * MB + 400 * MB * (1 - Math.exp(-(t - (NOW - 72 * HOUR)) / (12 * HOUR))), { from: NOW - 72 * HOUR, to: NOW, noiseBytes: 2 * MB });
    const assessment = assessGrowth(samples, fitTrend(samples)!);

    expect(assessment.isRising).toBe(true);
    expect(assessment.isDecelerating).toBe(true);
    expect(assessment.isSteady).toBe(false);
  });

  test('growth that began mid-run is a recent onset', () => {
    const start = NOW - 96 * HOUR;
    const samples = sampleSeries((t) => 500 * MB + Math.max(0, (t - (start + 48 * HOUR)) / HOUR) * 10 * MB, { from: start, to: NOW, noiseBytes: 3 * MB });
    const assessment = assessGrowth(samples, fitTrend(samples)!);

    expect(assessment.recentOnset?.slopeBytesPerHour).toBeCloseTo(10 * MB, -5);
  });

  test('flat noise is neither rising nor falling', () => {
    const samples = line(0, 168, 20 * MB, 9);
    const assessment = assessGrowth(samples, fitTrend(samples)!);

    expect(assessment.isRising).toBe(false);
    expect(assessment.isFalling).toBe(false);
  });
});

describe('trimWarmUp', () => {
  test('leaves out the warm-up 450 − 300·exp(−h) MiB', () => {
    const samples = sampleSeries((t) => (450 - 300 * Math.exp(-(t - (NOW - 30 * HOUR)) / HOUR)) * MB, { from: NOW - 30 * HOUR, to: NOW });
    const { settled, warmUp } = trimWarmUp(samples);

    expect(warmUp?.sampleCount).toBe(4);
    expect(warmUp?.hours).toBe(4);
    expect(settled).toHaveLength(27);
  });

  test('keeps a run that starts on its trend', () => {
    const samples = line(30 * MB, 24);

    expect(trimWarmUp(samples).warmUp).toBeNull();
  });
});
