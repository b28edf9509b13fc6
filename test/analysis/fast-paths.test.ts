/**
 * The analysis skips work whose result cannot matter. It fits the halves of a run that does not
 * rise only when they are read, skips the second half of a run that never rose far enough to
 * level off, and computes the Theil–Sen slopes only when more than the Mann–Kendall z is
 * needed. These tests compare each shortcut with the plain computation it replaces.
 */
import { sampleCorrelation } from 'simple-statistics';
import { detectDailyCycle, type DailyCycle } from '../../lambda/analysis/daily-cycle';
import { assessGrowth, isSignificant, type GrowthAssessment } from '../../lambda/analysis/growth-test';
import { detectLevelOff, type LevelOff } from '../../lambda/analysis/level-off';
import { medianOr, quantileOr } from '../../lambda/analysis/robust';
import { fitTheilSen, kendallZOfArrays, type Point } from '../../lambda/analysis/theil-sen';
import { fitTrend, trendKendallZ, trendResiduals, type Trend } from '../../lambda/analysis/trend';
import { TREND_MIN_Z } from '../../lambda/analysis/tuning';
import type { Sample } from '../../lambda/types';
import { gaussian, HOUR, MB, NOW } from './generators';

type Shape = (hour: number, noise: () => number) => number;

/** Shapes of a week of hourly memory: flat, leaks, a late onset, a levelling rise, a decline, a daily wave, a random walk, steps. */
const SHAPES: Record<string, Shape> = {
  flat: (_, noise) => 500 * MB + 2 * MB * noise(),
  'flat, quantized': (_, noise) => 500 * MB + Math.round(noise()) * 4096,
  leak: (hour, noise) => 500 * MB + 3 * MB * hour + 2 * MB * noise(),
  'late onset': (hour, noise) => 500 * MB + Math.max(0, hour - 100) * 5 * MB + 2 * MB * noise(),
  'levelling rise': (hour, noise) => 500 * MB + 300 * MB * (1 - Math.exp(-hour / 10)) + MB * noise(),
  decline: (hour, noise) => 900 * MB - 2 * MB * hour + MB * noise(),
  'daily wave': (hour, noise) => 500 * MB + 80 * MB * Math.sin((2 * Math.PI * hour) / 24) + 3 * MB * noise(),
  'random walk': (() => {
    let level = 500 * MB;
    return (_: number, noise: () => number) => (level += 3 * MB * noise());
  })(),
  steps: (hour, noise) => 500 * MB + 50 * MB * Math.floor(hour / 30) + MB * noise(),
};

function series(shape: Shape, hours: number, seed: number, stepSeconds = HOUR): Sample[] {
  const noise = gaussian(seed);
  const count = Math.floor((hours * HOUR) / stepSeconds) + 1;
  return Array.from({ length: count }, (_, index) => {
    const t = NOW - (count - 1 - index) * stepSeconds;
    return { t, v: shape((index * stepSeconds) / HOUR, noise) };
  });
}

/** Returns every shape at lengths from a short run to a week, at several seeds. */
function cases(): [string, Sample[]][] {
  const all: [string, Sample[]][] = [];
  for (const [name, shape] of Object.entries(SHAPES)) {
    for (const hours of [20, 60, 84, 168, 173]) {
      for (const seed of [1, 2, 3]) {
        all.push([`${name}, ${hours} h, seed ${seed}`, series(shape, hours, seed)]);
      }
    }
  }
  return all;
}

/** Assesses growth as the code did before the shortcut, with both halves always fitted (a copy of that code). */
function plainAssessGrowth(samples: readonly Sample[], trend: Trend): GrowthAssessment {
  const isRising = isSignificant(trend, 1);
  const startLevel = trend.levelBytes - trend.slopeBytesPerHour * trend.spanHours;
  const isFalling = isSignificant(trend, -1) && -trend.slopeBytesPerHour * trend.spanHours >= 0.05 * Math.abs(startLevel);

  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const firstHalf = fitTrend(samples.filter((sample) => sample.t <= middleTime));
  const secondHalf = fitTrend(samples.filter((sample) => sample.t > middleTime));
  const overall = trend.slopeBytesPerHour;

  const halvesSlowDown =
    firstHalf !== null &&
    secondHalf !== null &&
    firstHalf.slopeBytesPerHour > 0 &&
    secondHalf.slopeBytesPerHour < 0.5 * firstHalf.slopeBytesPerHour &&
    secondHalf.slopeIntervalBytesPerHour[1] < firstHalf.slopeBytesPerHour;
  const isDecelerating = isRising && (halvesSlowDown || stoppedRecently(samples, trend));

  const bothHalvesRise =
    firstHalf !== null &&
    secondHalf !== null &&
    firstHalf.slopeBytesPerHour >= 0.25 * overall &&
    secondHalf.slopeBytesPerHour >= 0.25 * overall;
  const isSteady = isRising && bothHalvesRise && !isDecelerating;

  let recentOnset: Trend | null = null;
  if (!isSteady && !isDecelerating && secondHalf !== null && firstHalf !== null && secondHalf.slopeBytesPerHour > firstHalf.slopeBytesPerHour) {
    const secondHalfSamples = samples.filter((sample) => sample.t > middleTime);
    if (isSignificant(secondHalf, 1) && halvesAgree(secondHalfSamples)) {
      recentOnset = secondHalf;
    }
  }

  return {
    isRising,
    isFalling,
    isSteady,
    isDecelerating,
    firstHalfSlopeBytesPerHour: firstHalf?.slopeBytesPerHour ?? null,
    secondHalfSlopeBytesPerHour: secondHalf?.slopeBytesPerHour ?? null,
    recentOnset,
  };
}


/** Returns whether both halves of the samples rise at comparable rates (used on a second half, no deeper). */
function halvesAgree(samples: readonly Sample[]): boolean {
  const whole = fitTrend(samples);
  if (whole === null) {
    return false;
  }
  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const first = fitTrend(samples.filter((sample) => sample.t <= middleTime));
  const second = fitTrend(samples.filter((sample) => sample.t > middleTime));
  if (first === null || second === null) {
    return false;
  }
  const minimum = 0.25 * whole.slopeBytesPerHour;
  return first.slopeBytesPerHour >= minimum && second.slopeBytesPerHour >= minimum && second.slopeBytesPerHour >= 0.5 * first.slopeBytesPerHour;
}

/**
 * Returns whether the rise stopped in the last quarter of a run of two days or more: the recent slope's
 * upper bound is below half the run's slope. A noisy slow leak has a wide recent interval, so it
 * is not mistaken for a stop.
 */
function stoppedRecently(samples: readonly Sample[], trend: Trend): boolean {
  if (trend.spanHours < 48) {
    return false;
  }
  const windowHours = Math.max(12, trend.spanHours / 4);
  const fromTime = trend.referenceTime - windowHours * HOUR;
  const recent = fitTrend(samples.filter((sample) => sample.t >= fromTime));
  if (recent === null || recent.sampleCount < 6) {
    return false;
  }
  return recent.slopeIntervalBytesPerHour[1] < 0.5 * trend.slopeBytesPerHour;
}

/** Detects a level-off as the code did before the shortcut, fitting the second half first. */
function plainDetectLevelOff(samples: readonly Sample[]): LevelOff | null {
  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const secondHalf = samples.filter((sample) => sample.t > middleTime);
  const secondTrend = fitTrend(secondHalf);
  if (secondTrend === null || isSignificant(secondTrend, 1) || isSignificant(secondTrend, -1)) {
    return null;
  }
  const openingCount = Math.max(3, Math.ceil(samples.length * 0.05));
  const fromBytes = medianOr(
    samples.slice(0, openingCount).map((sample) => sample.v),
    0,
  );
  const toBytes = medianOr(
    secondHalf.map((sample) => sample.v),
    0,
  );
  const riseBytes = toBytes - fromBytes;
  if (riseBytes <= Math.max(6 * secondTrend.residualScaleBytes, 0.1 * toBytes)) {
    return null;
  }
  const reached = samples.find((sample) => sample.v >= fromBytes + 0.9 * riseBytes) ?? samples[samples.length - 1];
  return { fromBytes, toBytes, riseHours: (reached.t - samples[0].t) / HOUR };
}

/** Detects a daily cycle as the code did before the two-index walk, finding the lagged pairs through a map. */
function plainDetectDailyCycle(samples: readonly Sample[], trend: Trend, stepSeconds: number): DailyCycle | null {
  if (trend.spanHours < 48 || stepSeconds <= 0 || stepSeconds > 86400 / 8) {
    return null;
  }
  const residuals = trendResiduals(trend, samples);
  const lagged = (lagSeconds: number): number | null => {
    const byStep = new Map<number, number>();
    samples.forEach((sample, index) => byStep.set(Math.round(sample.t / stepSeconds), residuals[index]));
    const lagSteps = Math.round(lagSeconds / stepSeconds);
    const earlier: number[] = [];
    const later: number[] = [];
    for (const [stepIndex, residual] of byStep) {
      const partner = byStep.get(stepIndex + lagSteps);
      if (partner !== undefined) {
        earlier.push(residual);
        later.push(partner);
      }
    }
    if (earlier.length < 24) {
      return null;
    }
    const correlation = sampleCorrelation(earlier, later);
    return Number.isFinite(correlation) ? correlation : null;
  };
  const dayCorrelation = lagged(86400);
  const halfDayCorrelation = lagged(43200);
  if (dayCorrelation === null || halfDayCorrelation === null) {
    return null;
  }
  const amplitudeBytes = quantileOr(residuals, 0.95, 0) - quantileOr(residuals, 0.05, 0);
  const isDaily = dayCorrelation >= 0.5 && dayCorrelation - halfDayCorrelation >= 0.5 && amplitudeBytes >= 0.02 * Math.abs(trend.levelBytes);
  return isDaily ? { dayCorrelation, halfDayCorrelation, amplitudeBytes } : null;
}

describe('kendallZOfArrays and trendKendallZ', () => {
  test.each(cases())('equal the fit z: %s', (_, samples) => {
    const reference = samples[samples.length - 1].t;
    const points: Point[] = samples.map((sample) => ({ x: (sample.t - reference) / HOUR, y: sample.v }));

    expect(kendallZOfArrays(Float64Array.from(points, (point) => point.x), Float64Array.from(points, (point) => point.y), points.length)).toBe(
      fitTheilSen(points)?.kendallZ ?? null,
    );
    expect(trendKendallZ(samples)).toBe(fitTrend(samples)?.kendallZ ?? null);
  });

  test('give null without a fit', () => {
    expect(kendallZOfArrays(Float64Array.from([1, 1, 1]), Float64Array.from([1, 2, 3]), 3)).toBeNull();
    expect(trendKendallZ([{ t: NOW, v: 1 }, { t: NOW + 60, v: 2 }])).toBeNull();
  });

  test('agree on the significance threshold', () => {
    for (const [, samples] of cases()) {
      expect((trendKendallZ(samples) ?? -Infinity) >= TREND_MIN_Z).toBe((fitTrend(samples)?.kendallZ ?? -Infinity) >= TREND_MIN_Z);
    }
  });
});

describe('assessGrowth', () => {
  test.each(cases())('matches the plain assessment: %s', (_, samples) => {
    const trend = fitTrend(samples);
    if (trend === null) {
      return;
    }

    expect({ ...assessGrowth(samples, trend) }).toEqual({ ...plainAssessGrowth(samples, trend) });
  });
});

describe('detectLevelOff', () => {
  test.each(cases())('matches the plain detection: %s', (_, samples) => {
    expect(detectLevelOff(samples)).toEqual(plainDetectLevelOff(samples));
  });
});

describe('detectDailyCycle', () => {
  /** Drops every seventh sample, and repeats every eleventh 10 s later on the same grid step. */
  const withGapsAndRepeats = (samples: readonly Sample[]): Sample[] => {
    const changed: Sample[] = [];
    samples.forEach((sample, index) => {
      if (index % 7 === 3) {
        return;
      }
      changed.push(sample);
      if (index % 11 === 5) {
        changed.push({ t: sample.t + 10, v: sample.v + MB });
      }
    });
    return changed;
  };

  test.each(cases())('matches the map-based detection: %s', (_, samples) => {
    for (const run of [samples, withGapsAndRepeats(samples)]) {
      const trend = fitTrend(run);
      if (trend === null) {
        continue;
      }
      for (const stepSeconds of [HOUR, 1800]) {
        expect(detectDailyCycle(run, trend, stepSeconds)).toEqual(plainDetectDailyCycle(run, trend, stepSeconds));
      }
    }
  });
});
