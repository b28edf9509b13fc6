/**
 * Analysis of an in-container sawtooth: memory that climbs and then falls sharply without a
 * restart (recycled workers, garbage collection, a cache that is flushed). The climbs are no
 * leak as long as the peaks stay put, but peaks that rise are one.
 */
import type { Run, Sample } from '../types';
import { isSignificant } from './growth-test';
import { growthFromTrend, type GrowthModel } from './growth-model';
import { medianOr } from './robust';
import { peakSample, SECONDS_PER_HOUR } from './samples';
import { fitTrend, type Trend } from './trend';

/** An active sawtooth of the live pod. */
export interface Sawtooth {
  readonly dropCount: number;
  readonly medianCycleHours: number;
  /** Peak of each completed cycle, oldest first. */
  readonly peaks: Sample[];
  readonly peakTrend: Trend | null;
  /** Growth of the peaks, when they rise significantly; null for a bounded sawtooth. */
  readonly peakGrowth: GrowthModel | null;
  readonly lowestBytes: number;
  readonly highestPeakBytes: number;
}

/** A sawtooth needs at least this many in-container drops. */
const MIN_DROPS = 2;
/** A sawtooth is still active when its last drop is at most this many cycles old. */
const MAX_AGE_CYCLES = 3;
/** Peaks rise at a looser z than a run (2.3, one-sided p ≈ 0.01): a week of 8-hour cycles gives only 20 peaks. */
const PEAK_MIN_Z = 2.3;

/**
 * Analyses the live pod's runs as a sawtooth.
 *
 * NOTE: only the peaks are tracked. Lows that rise under flat peaks (a live set growing under
 * garbage collection) are not forecast until the peaks follow.
 *
 * @returns null when the live pod has fewer than two sharp drops, or none lately
 */
export function analyzeSawtooth(liveRuns: readonly Run[], evaluatedAt: number): Sawtooth | null {
  const dropStarts = liveRuns.filter((run) => run.startReason === 'sharp-drop').map((run) => run.samples[0].t);
  if (dropStarts.length < MIN_DROPS) {
    return null;
  }
  const cycleHours = dropStarts.slice(1).map((t, index) => (t - dropStarts[index]) / SECONDS_PER_HOUR);
  const medianCycleHours = medianOr(cycleHours, 0);
  const hoursSinceLastDrop = (evaluatedAt - dropStarts[dropStarts.length - 1]) / SECONDS_PER_HOUR;
  if (medianCycleHours > 0 && hoursSinceLastDrop > MAX_AGE_CYCLES * Math.max(medianCycleHours, 4)) {
    return null;
  }

  const peaks = liveRuns
    .filter((_, index) => liveRuns[index + 1]?.startReason === 'sharp-drop')
    .map((run) => peakSample(run.samples))
    .filter((peak): peak is Sample => peak !== null);
  const peakTrend = peaks.length >= 3 ? fitTrend(peaks) : null;
  const peaksRise =
    peakTrend !== null &&
    peakTrend.kendallZ >= PEAK_MIN_Z &&
    isSignificant({ ...peakTrend, kendallZ: Math.max(peakTrend.kendallZ, 3) }, 1);

  const values = liveRuns.flatMap((run) => run.samples.map((sample) => sample.v));
  return {
    dropCount: dropStarts.length,
    medianCycleHours,
    peaks,
    peakTrend,
    peakGrowth: peaksRise && peakTrend !== null ? growthFromTrend(peakTrend, 'sawtooth-peaks') : null,
    lowestBytes: Math.min(...values),
    highestPeakBytes: Math.max(...values),
  };
}
