/**
 * Summary of the earlier lifetimes of a workload (earlier pods and earlier containers of the
 * live pod). When the current container is too young for a trend of its own, or rollouts end
 * every lifetime before it reaches the limit, the earlier lifetimes tell how it will grow.
 */
import type { Run } from '../types';
import { medianOr, quantileOr } from './robust';
import { classifyRunShape, isLongEnough } from './run-shape';
import { peakSample, spanHours } from './samples';
import { FULL_WINDOWS, type AnalysisWindows } from './tuning';

/** Common traits of the earlier lifetimes of a workload. */
export interface LifetimeSummary {
  /** Lifetimes long enough for a trend of their own. */
  readonly analyzedCount: number;
  /** Lifetimes that grew steadily. */
  readonly growingCount: number;
  /** Lifetimes that stayed flat or levelled off after a warm-up. */
  readonly levellingCount: number;
  /** Lifetimes that went up and down with the time of day, their daily peaks rising or not. */
  readonly dailyCycleCount: number;
  /** Highest peak of those daily-cycle lifetimes, or null when there are none. */
  readonly dailyCyclePeakBytes: number | null;
  /** Typical growth per lifetime when most lifetimes grow at a similar rate, else null. */
  readonly growth: {
    readonly slopeBytesPerHour: number;
    readonly slopeIntervalBytesPerHour: readonly [number, number];
    readonly fitQuality: number;
    /** Typical standard error of a lifetime's fitted level. */
    readonly levelErrorBytes: number;
  } | null;
  /** Median slope of the lifetimes that grew, consistent or not, or null when none grew. */
  readonly slopeOfGrowingBytesPerHour: number | null;
  readonly medianLifetimeHours: number;
  readonly medianPeakBytes: number;
  /** Median level at the end of the lifetimes that levelled off. */
  readonly settledLevelBytes: number | null;
}

/** Growing lifetimes must be at least this share of the analysed ones. */
const MIN_GROWING_SHARE = 0.6;
/** The interquartile range of the lifetimes' slopes must be at most this fraction of their median. */
const MAX_SLOPE_SPREAD = 0.5;

/**
 * Summarises earlier lifetimes, each analysed as a run of its own.
 *
 * @param lifetimes - runs that ended in a restart or a rollout, oldest first
 * @param endedInOomKill - whether a lifetime ended in an OOM kill
 */
export function summarizeLifetimes(
  lifetimes: readonly Run[],
  stepSeconds: number,
  windows: AnalysisWindows = FULL_WINDOWS,
  endedInOomKill: (run: Run) => boolean = () => false,
): LifetimeSummary {
  const analyzed = lifetimes.filter((run) => isLongEnough(run.samples, windows)).map((run) => ({ run, shape: classifyRunShape(run.samples, stepSeconds, windows) }));
  const growing = analyzed.filter(({ shape }) => shape.growth !== null);
  const levelling = analyzed.filter(({ shape }) => shape.pattern === 'flat' || shape.pattern === 'plateau');
  const cycling = analyzed.filter(({ shape }) => shape.dailyCycle !== null);

  const slopes = growing.map(({ shape }) => shape.growth?.slopeBytesPerHour ?? 0);
  const medianSlope = medianOr(slopes, 0);
  const spread = quantileOr(slopes, 0.75, 0) - quantileOr(slopes, 0.25, 0);
  // One lifetime that grew steadily all the way to an OOM kill has shown the whole path to the
  // limit. Otherwise two alike lifetimes are needed before their rate is trusted.
  // NOTE: a leak that does not come back after the restart is forecast from the old rate until
  // the new container has grown clearly less (`slopeBelowLifetimes`), about 2 hourly checks.
  const oneLeakToTheEnd = growing.length === 1 && endedInOomKill(growing[0].run);
  const isConsistent =
    (growing.length >= 2 || oneLeakToTheEnd) && growing.length >= MIN_GROWING_SHARE * analyzed.length && medianSlope > 0 && spread <= MAX_SLOPE_SPREAD * medianSlope;

  let growth: LifetimeSummary['growth'] = null;
  if (isConsistent) {
    const lowerBounds = growing.map(({ shape }) => shape.growth?.slopeIntervalBytesPerHour[0] ?? 0);
    const upperBounds = growing.map(({ shape }) => shape.growth?.slopeIntervalBytesPerHour[1] ?? 0);
    growth = {
      slopeBytesPerHour: medianSlope,
      slopeIntervalBytesPerHour: [
        Math.min(quantileOr(slopes, 0.1, medianSlope), medianOr(lowerBounds, medianSlope)),
        Math.max(quantileOr(slopes, 0.9, medianSlope), medianOr(upperBounds, medianSlope)),
      ],
      fitQuality: medianOr(
        growing.map(({ shape }) => shape.growth?.fitQuality ?? 0),
        0,
      ),
      levelErrorBytes: medianOr(
        growing.map(({ shape }) => shape.growth?.levelErrorBytes ?? 0),
        0,
      ),
    };
  }

  const settledLevels = levelling.map(({ run }) => run.samples[run.samples.length - 1].v);
  return {
    analyzedCount: analyzed.length,
    growingCount: growing.length,
    levellingCount: levelling.length,
    dailyCycleCount: cycling.length,
    dailyCyclePeakBytes: cycling.length > 0 ? Math.max(...cycling.map(({ run }) => peakSample(run.samples)?.v ?? 0)) : null,
    growth,
    slopeOfGrowingBytesPerHour: growing.length > 0 ? medianSlope : null,
    medianLifetimeHours: medianOr(
      analyzed.map(({ run }) => spanHours(run.samples)),
      0,
    ),
    medianPeakBytes: medianOr(
      analyzed.map(({ run }) => peakSample(run.samples)?.v ?? 0),
      0,
    ),
    settledLevelBytes: settledLevels.length > 0 ? medianOr(settledLevels, 0) : null,
  };
}
