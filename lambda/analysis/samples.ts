/** Small helpers over memory samples: cleaning, spans and extremes. */
import type { Sample } from '../types';

export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86400;

/**
 * Returns the samples with a finite, non-negative value, sorted by time, keeping the highest
 * value where two samples share an instant (overlapping series of one container).
 */
export function cleanSamples(samples: readonly Sample[]): Sample[] {
  const valid = samples.filter((sample) => Number.isFinite(sample.t) && Number.isFinite(sample.v) && sample.v >= 0);
  valid.sort((a, b) => a.t - b.t);

  const cleaned: Sample[] = [];
  for (const sample of valid) {
    const last = cleaned[cleaned.length - 1];
    if (last !== undefined && last.t === sample.t) {
      if (sample.v > last.v) {
        cleaned[cleaned.length - 1] = sample;
      }
      continue;
    }
    cleaned.push(sample);
  }
  return cleaned;
}

/** Hours from the first to the last sample, 0 for fewer than two samples. */
export function spanHours(samples: readonly Sample[]): number {
  if (samples.length < 2) {
    return 0;
  }
  return (samples[samples.length - 1].t - samples[0].t) / SECONDS_PER_HOUR;
}

/** Returns the sample with the highest value, or null for no samples. */
export function peakSample(samples: readonly Sample[]): Sample | null {
  let peak: Sample | null = null;
  for (const sample of samples) {
    if (peak === null || sample.v > peak.v) {
      peak = sample;
    }
  }
  return peak;
}
