/**
 * Shape of one run (one container lifetime, or a stretch between in-container drops): what its
 * memory does once any warm-up is left out.
 */
import type { Sample } from '../types';
import { dailyPeaks, detectDailyCycle, type DailyCycle } from './daily-cycle';
import { assessGrowth, isSignificant, type GrowthAssessment } from './growth-test';
import { growthFromTrend, type GrowthModel } from './growth-model';
import { spanHours } from './samples';
import { findSpikes, type Spikes } from './spikes';
import { detectLevelOff, type LevelOff } from './level-off';
import { analyzeSteps, type StepAnalysis } from './steps';
import { fitTrend, type Trend } from './trend';
import { FULL_WINDOWS, MIN_RUN_SAMPLES, type AnalysisWindows } from './tuning';
import { trimWarmUp, type WarmUp } from './warm-up';

/** Shapes that a single run can take. The container-level patterns build on these. */
export type RunPattern =
  | 'flat'
  | 'linear-growth'
  | 'step-growth'
  | 'plateau'
  | 'daily-cycle'
  | 'spikes'
  | 'level-shift'
  | 'decline'
  | 'insufficient-data';

/** The shape of a run and the measurements behind it. */
export interface RunShape {
  readonly pattern: RunPattern;
  /** Trend of the samples after the warm-up, or null when there are too few. */
  readonly trend: Trend | null;
  /** The growth to extrapolate, for linear-growth and step-growth only. */
  readonly growth: GrowthModel | null;
  readonly warmUp: WarmUp | null;
  readonly assessment: GrowthAssessment | null;
  readonly steps: StepAnalysis | null;
  readonly dailyCycle: DailyCycle | null;
  readonly spikes: Spikes | null;
  /** A rise early in the run that levelled off, for a plateau without a short warm-up. */
  readonly levelOff: LevelOff | null;
  /** Samples after the warm-up. */
  readonly settledSampleCount: number;
}

/**
 * Classifies the shape of a run from its samples, sorted by time.
 *
 * @param stepSeconds - spacing of the samples
 */
export function classifyRunShape(samples: readonly Sample[], stepSeconds: number, windows: AnalysisWindows = FULL_WINDOWS): RunShape {
  const empty: RunShape = {
    pattern: 'insufficient-data',
    trend: null,
    growth: null,
    warmUp: null,
    assessment: null,
    steps: null,
    dailyCycle: null,
    spikes: null,
    levelOff: null,
    settledSampleCount: samples.length,
  };
  if (!isLongEnough(samples, windows)) {
    return { ...empty, trend: fitTrend(samples) };
  }

  const { settled, warmUp } = trimWarmUp(samples, windows.warmUpMaxHours);
  const trend = fitTrend(settled);
  if (!isLongEnough(settled, windows) || trend === null) {
    return { ...empty, trend, warmUp, settledSampleCount: settled.length };
  }
  const base = { ...empty, trend, warmUp, settledSampleCount: settled.length };

  const dailyCycle = detectDailyCycle(settled, trend, stepSeconds);
  if (dailyCycle !== null) {
    const peakTrend = fitTrend(dailyPeaks(settled, stepSeconds));
    const peaksRise = peakTrend !== null && peakTrend.sampleCount >= 4 && risesAcrossDays(peakTrend);
    return peaksRise
      ? { ...base, pattern: 'linear-growth', dailyCycle, growth: growthFromTrend(peakTrend, 'daily-peaks') }
      : { ...base, pattern: 'daily-cycle', dailyCycle };
  }

  const assessment = assessGrowth(settled, trend);
  const steps = analyzeSteps(settled);
  const measured = { ...base, assessment, steps };
  if (steps.kind === 'level-shift') {
    return { ...measured, pattern: 'level-shift' };
  }
  if (assessment.isSteady) {
    return { ...measured, pattern: steps.kind === 'staircase' ? 'step-growth' : 'linear-growth', growth: growthFromTrend(trend, 'run') };
  }
  if (assessment.recentOnset !== null) {
    return { ...measured, pattern: 'linear-growth', growth: growthFromTrend(assessment.recentOnset, 'recent-onset') };
  }
  const levelOff = detectLevelOff(settled);
  if (levelOff !== null) {
    return { ...measured, pattern: 'plateau', levelOff };
  }
  if (assessment.isRising) {
    // A rise that slows down is a warm-up or a cache filling up. A rise that is neither steady
    // nor slowing down moved to a new level between calm stretches.
    return { ...measured, pattern: assessment.isDecelerating ? 'plateau' : 'level-shift' };
  }
  if (assessment.isFalling) {
    return { ...measured, pattern: 'decline' };
  }

  const spikes = findSpikes(settled, trend);
  if (spikes !== null) {
    return { ...measured, pattern: 'spikes', spikes };
  }
  return { ...measured, pattern: warmUp !== null ? 'plateau' : 'flat' };
}

/** Returns whether samples are enough for a run to get a trend of its own. */
export function isLongEnough(samples: readonly Sample[], windows: AnalysisWindows = FULL_WINDOWS): boolean {
  return samples.length >= MIN_RUN_SAMPLES && spanHours(samples) >= windows.minRunHours;
}

/**
 * Daily peaks rise when their trend is significant at a looser z of 2: a week gives only seven
 * peaks, and seven rising in a row already reach z ≈ 3.2.
 */
function risesAcrossDays(peakTrend: Trend): boolean {
  return peakTrend.kendallZ >= 2 && peakTrend.slopeIntervalBytesPerHour[0] > 0 && isSignificantIgnoringZ(peakTrend);
}

function isSignificantIgnoringZ(trend: Trend): boolean {
  return isSignificant({ ...trend, kendallZ: Math.max(trend.kendallZ, 3) }, 1);
}
