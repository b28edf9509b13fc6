/**
 * Detection of a 24-hour cycle (traffic by time of day) and of growth in its daily peaks. A
 * daily cycle without net growth is no leak, however steep its rising edge looks.
 */
import { sampleCorrelation } from 'simple-statistics';
import type { Sample } from '../types';
import { quantileOr } from './robust';
import { SECONDS_PER_DAY } from './samples';
import { trendResiduals, type Trend } from './trend';

/** A daily cycle found in the residuals of a run's trend. */
export interface DailyCycle {
  /** Autocorrelation of the residuals at a lag of 24 hours. */
  readonly dayCorrelation: number;
  /** Autocorrelation of the residuals at a lag of 12 hours, negative for a daily wave. */
  readonly halfDayCorrelation: number;
  /** Spread of the residuals from the 5th to the 95th percentile. */
  readonly amplitudeBytes: number;
}

const MIN_DAY_CORRELATION = 0.5;
/** The 24-hour correlation must exceed the 12-hour one by this much, which a smooth non-periodic residual never does. */
const MIN_CORRELATION_CONTRAST = 0.5;
/** The cycle must move memory by at least this fraction of its level to matter. */
const MIN_AMPLITUDE_FRACTION = 0.02;

/**
 * Detects a daily cycle in samples spanning two days or more.
 *
 * @param stepSeconds - spacing of the samples, used to pair each sample with the one a lag later
 * @returns null when there is no clear 24-hour periodicity
 */
export function detectDailyCycle(samples: readonly Sample[], trend: Trend, stepSeconds: number): DailyCycle | null {
  if (trend.spanHours < 48 || stepSeconds <= 0 || stepSeconds > SECONDS_PER_DAY / 8) {
    return null;
  }
  const residuals = trendResiduals(trend, samples);
  const dayCorrelation = laggedCorrelation(samples, residuals, SECONDS_PER_DAY, stepSeconds);
  const halfDayCorrelation = laggedCorrelation(samples, residuals, SECONDS_PER_DAY / 2, stepSeconds);
  if (dayCorrelation === null || halfDayCorrelation === null) {
    return null;
  }

  const amplitudeBytes = quantileOr(residuals, 0.95, 0) - quantileOr(residuals, 0.05, 0);
  const isDaily =
    dayCorrelation >= MIN_DAY_CORRELATION &&
    dayCorrelation - halfDayCorrelation >= MIN_CORRELATION_CONTRAST &&
    amplitudeBytes >= MIN_AMPLITUDE_FRACTION * Math.abs(trend.levelBytes);
  return isDaily ? { dayCorrelation, halfDayCorrelation, amplitudeBytes } : null;
}

/**
 * Returns the highest sample of each full 24-hour window, counting back from the last sample,
 * skipping windows with less than half of their samples (gaps).
 */
export function dailyPeaks(samples: readonly Sample[], stepSeconds: number): Sample[] {
  if (samples.length === 0) {
    return [];
  }
  const endTime = samples[samples.length - 1].t;
  const minimumCount = Math.max(1, Math.floor(SECONDS_PER_DAY / stepSeconds / 2));
  const windows = new Map<number, Sample[]>();
  for (const sample of samples) {
    const windowIndex = Math.floor((endTime - sample.t) / SECONDS_PER_DAY);
    const members = windows.get(windowIndex) ?? [];
    members.push(sample);
    windows.set(windowIndex, members);
  }

  const peaks: Sample[] = [];
  for (const [, members] of [...windows.entries()].sort((a, b) => b[0] - a[0])) {
    if (members.length < minimumCount) {
      continue;
    }
    peaks.push(members.reduce((highest, sample) => (sample.v > highest.v ? sample : highest)));
  }
  return peaks;
}

/** Pearson correlation between each residual and the residual `lagSeconds` later, on the sample grid. */
function laggedCorrelation(samples: readonly Sample[], residuals: readonly number[], lagSeconds: number, stepSeconds: number): number | null {
  // The samples are sorted by time, so their grid steps never decrease: samples that share a
  // step are neighbours, and the last of them stands for the step. A walk with two indices
  // then finds each step's partner a lag later, in the order of the steps.
  const steps: number[] = [];
  const values: number[] = [];
  for (let index = 0; index < samples.length; index += 1) {
    const step = Math.round(samples[index].t / stepSeconds);
    if (steps.length > 0 && steps[steps.length - 1] === step) {
      values[values.length - 1] = residuals[index];
    } else {
      steps.push(step);
      values.push(residuals[index]);
    }
  }
  const lagSteps = Math.round(lagSeconds / stepSeconds);

  const earlier: number[] = [];
  const later: number[] = [];
  let partner = 0;
  for (let index = 0; index < steps.length; index += 1) {
    const laggedStep = steps[index] + lagSteps;
    while (partner < steps.length && steps[partner] < laggedStep) {
      partner += 1;
    }
    if (partner < steps.length && steps[partner] === laggedStep) {
      earlier.push(values[index]);
      later.push(values[partner]);
    }
  }
  if (earlier.length < 24) {
    return null;
  }
  const correlation = sampleCorrelation(earlier, later);
  return Number.isFinite(correlation) ? correlation : null;
}
