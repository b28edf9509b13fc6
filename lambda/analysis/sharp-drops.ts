/**
 * Detection of sharp drops: falls within one step that only a restart, a killed worker or a
 * garbage collection produces. Each one starts a new run, because a trend across it is
 * meaningless. Noise and one-sample spikes never count.
 */
import type { Sample } from '../types';
import { medianOr, robustSigma } from './robust';
import {
  SHARP_DROP_CLEAR_LEVEL_FRACTION,
  SHARP_DROP_CLEAR_NOISE_MULTIPLE,
  SHARP_DROP_LEVEL_FRACTION,
  SHARP_DROP_LIMIT_FRACTION,
  SHARP_DROP_MIN_BYTES,
  SHARP_DROP_NOISE_MULTIPLE,
} from './tuning';

/** Maximum length, in samples, of an excursion whose fall back to the earlier level is a spike rather than a drop. */
const MAX_EXCURSION_SAMPLES = 2;

/**
 * Returns the indexes of the samples that follow a sharp drop. A sharp drop is a fall larger
 * than 4 robust sigmas of the run's step-to-step changes and larger than 25 % of the previous
 * value or 20 % of the limit. A fall larger than 8 sigmas and 10 % of the previous value is one too.
 *
 * @param samples - one container's samples, sorted by time
 * @param limitBytes - the memory limit, or null when there is none
 */
export function findSharpDrops(samples: readonly Sample[], limitBytes: number | null): number[] {
  if (samples.length < 2) {
    return [];
  }
  const changes = samples.slice(1).map((sample, offset) => sample.v - samples[offset].v);
  const usualChange = medianOr(changes, 0);
  const noiseBytes = robustSigma(changes.map((change) => change - usualChange));
  const minimumFall = Math.max(SHARP_DROP_NOISE_MULTIPLE * noiseBytes, SHARP_DROP_MIN_BYTES);

  const drops: number[] = [];
  for (let index = 1; index < samples.length; index += 1) {
    const previous = samples[index - 1].v;
    const fall = previous - samples[index].v;
    const isLarge =
      fall > SHARP_DROP_LEVEL_FRACTION * previous ||
      (limitBytes !== null && fall > SHARP_DROP_LIMIT_FRACTION * limitBytes) ||
      (fall > SHARP_DROP_CLEAR_NOISE_MULTIPLE * noiseBytes && fall > SHARP_DROP_CLEAR_LEVEL_FRACTION * previous);
    if (fall > minimumFall && isLarge && !endsExcursion(samples, index, fall)) {
      drops.push(index);
    }
  }
  return drops;
}

/**
 * Returns whether the fall into `index` only undoes a short spike: the value returns to about the level
 * before the spike, and the spike rose sharply above that level.
 */
function endsExcursion(samples: readonly Sample[], index: number, fall: number): boolean {
  for (let length = 1; length <= MAX_EXCURSION_SAMPLES; length += 1) {
    const baseIndex = index - length - 1;
    if (baseIndex < 0) {
      return false;
    }
    const base = samples[baseIndex].v;
    const returnsToBase = Math.abs(samples[index].v - base) <= 0.5 * fall;
    const excursion = samples.slice(baseIndex + 1, index);
    const staysAbove = excursion.every((sample) => sample.v >= base + 0.5 * fall);
    if (returnsToBase && staysAbove) {
      return true;
    }
  }
  return false;
}
