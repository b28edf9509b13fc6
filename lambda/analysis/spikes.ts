/** Detection of isolated spikes: one or two samples far above an otherwise calm trend. */
import type { Sample } from '../types';
import { trendResiduals, trendValueAt, type Trend } from './trend';

/** Isolated spikes above a run's trend. */
export interface Spikes {
  readonly count: number;
  /** Highest spike value. */
  readonly maxBytes: number;
  /** Unix seconds of each spike's highest sample. */
  readonly times: number[];
}

const SPIKE_NOISE_MULTIPLE = 6;
/** A spike must rise at least this fraction above the trend. */
const SPIKE_LEVEL_FRACTION = 0.15;
/** A spike lasts at most this many consecutive samples; longer is a change of level. */
const MAX_SPIKE_SAMPLES = 2;
/** Spikes cover at most this share of the samples; more is a noisy or cyclic series. */
const MAX_SPIKE_SHARE = 0.1;

/**
 * Finds isolated spikes in samples sorted by time.
 *
 * @returns null when there are none, or when the outliers are too long or too many to be spikes
 */
export function findSpikes(samples: readonly Sample[], trend: Trend): Spikes | null {
  const residuals = trendResiduals(trend, samples);
  const isOutlier = samples.map((sample, index) => {
    const threshold = Math.max(SPIKE_NOISE_MULTIPLE * trend.residualScaleBytes, SPIKE_LEVEL_FRACTION * Math.abs(trendValueAt(trend, sample.t)));
    return residuals[index] > threshold;
  });

  const groups: number[][] = [];
  isOutlier.forEach((outlier, index) => {
    if (!outlier) {
      return;
    }
    const current = groups[groups.length - 1];
    if (current !== undefined && current[current.length - 1] === index - 1) {
      current.push(index);
    } else {
      groups.push([index]);
    }
  });

  const outlierCount = groups.reduce((sum, group) => sum + group.length, 0);
  if (groups.length === 0 || groups.some((group) => group.length > MAX_SPIKE_SAMPLES) || outlierCount > MAX_SPIKE_SHARE * samples.length) {
    return null;
  }

  const peaks = groups.map((group) => group.reduce((highest, index) => (samples[index].v > samples[highest].v ? index : highest)));
  return {
    count: groups.length,
    maxBytes: Math.max(...peaks.map((index) => samples[index].v)),
    times: peaks.map((index) => samples[index].t),
  };
}
