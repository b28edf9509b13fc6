/**
 * Detection of jumps: changes between consecutive samples far larger than the run's usual
 * step-to-step change. Jumps tell a staircase leak and a one-off level shift from smooth growth.
 */
import type { Sample } from '../types';
import { medianOr, robustSigma } from './robust';
import { SECONDS_PER_HOUR } from './samples';

/** A jump between two consecutive samples. */
export interface Jump {
  /** Index of the sample after the jump. */
  readonly index: number;
  /** Unix seconds of the sample after the jump. */
  readonly t: number;
  /** Change beyond the run's usual rate over the same time, positive for a rise. */
  readonly sizeBytes: number;
}

/** A jump must exceed this many robust sigmas of the step-to-step change. */
const JUMP_NOISE_MULTIPLE = 5;
/** A jump must exceed this fraction of the run's median level. */
const JUMP_LEVEL_FRACTION = 0.05;
const MIN_JUMP_BYTES = 1024 ** 2;

/**
 * Finds the jumps in samples sorted by time. The usual rate (median change per hour) is taken
 * out first, so a steady leak across a gap of several hours is not a jump.
 */
export function findJumps(samples: readonly Sample[]): Jump[] {
  if (samples.length < 3) {
    return [];
  }
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    rates.push((samples[i].v - samples[i - 1].v) / hoursBetween(samples[i - 1], samples[i]));
  }
  const usualRateBytesPerHour = medianOr(rates, 0);

  const excess: number[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    excess.push(samples[i].v - samples[i - 1].v - usualRateBytesPerHour * hoursBetween(samples[i - 1], samples[i]));
  }
  const level = medianOr(
    samples.map((sample) => sample.v),
    0,
  );
  const threshold = Math.max(JUMP_NOISE_MULTIPLE * robustSigma(excess), JUMP_LEVEL_FRACTION * level, MIN_JUMP_BYTES);

  const jumps: Jump[] = [];
  excess.forEach((sizeBytes, offset) => {
    if (Math.abs(sizeBytes) > threshold) {
      jumps.push({ index: offset + 1, t: samples[offset + 1].t, sizeBytes });
    }
  });
  return jumps;
}

function hoursBetween(earlier: Sample, later: Sample): number {
  return (later.t - earlier.t) / SECONDS_PER_HOUR;
}
