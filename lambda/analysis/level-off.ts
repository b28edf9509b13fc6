/**
 * Detection of a rise that levelled off: memory that climbed early in a run (a cache filling,
 * a slow warm-up) and has been flat for the second half. The climb is over, so it is no leak.
 */
import type { Sample } from '../types';
import { isSignificant } from './growth-test';
import { medianOr } from './robust';
import { SECONDS_PER_HOUR } from './samples';
import { fitTrend } from './trend';

/** A rise that levelled off. */
export interface LevelOff {
  readonly fromBytes: number;
  readonly toBytes: number;
  /** Hours from the start of the run until 90 % of the rise was done. */
  readonly riseHours: number;
}

/** The rise must exceed this many residual sigmas of the flat second half. */
const MIN_RISE_SIGMAS = 6;
/** The rise must exceed this fraction of the final level. */
const MIN_RISE_FRACTION = 0.1;

/**
 * Detects a rise that levelled off, in samples sorted by time.
 *
 * @returns null unless the second half is flat and sits well above the start
 */
export function detectLevelOff(samples: readonly Sample[]): LevelOff | null {
  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const secondHalf = samples.filter((sample) => sample.t > middleTime);

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
  // A rise below the fraction of the level fails whatever the second half's trend, so most
  // runs of a cluster, which never rose, are settled without fitting it.
  if (riseBytes <= MIN_RISE_FRACTION * toBytes) {
    return null;
  }
  const secondTrend = fitTrend(secondHalf);
  if (secondTrend === null || isSignificant(secondTrend, 1) || isSignificant(secondTrend, -1)) {
    return null;
  }
  if (riseBytes <= Math.max(MIN_RISE_SIGMAS * secondTrend.residualScaleBytes, MIN_RISE_FRACTION * toBytes)) {
    return null;
  }

  const reached = samples.find((sample) => sample.v >= fromBytes + 0.9 * riseBytes) ?? samples[samples.length - 1];
  return { fromBytes, toBytes, riseHours: (reached.t - samples[0].t) / SECONDS_PER_HOUR };
}
