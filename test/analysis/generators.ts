/**
 * Builders of synthetic container histories for the analysis tests: memory as a function of
 * time, sampled as the peak of each step (as `max_over_time` returns it), with fixed-seed noise.
 */
import { createSeededRandom } from '../../lambda/analysis/seeded-random';
import type { ContainerHistory, RestartEvent, Sample } from '../../lambda/types';

export const MB = 1e6;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const HOUR = 3600;
export const DAY = 86400;
/** Evaluation instant of most tests: 2026-12-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 11, 1) / 1000;

/** Returns a fixed-seed generator of standard normal numbers (Box–Muller). */
export function gaussian(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Options of `sampleSeries`. */
export interface SeriesOptions {
  /** Unix seconds of the first sample. */
  readonly from: number;
  /** Unix seconds of the last sample (inclusive). */
  readonly to: number;
  /** @default 3600 */
  readonly stepSeconds?: number;
  /** Standard deviation of Gaussian noise added to each sample. @default 0 */
  readonly noiseBytes?: number;
  /** @default 1 */
  readonly seed?: number;
  /** Time ranges [from, to) with no samples. */
  readonly gaps?: readonly (readonly [number, number])[];
}

/** Samples `value` at every step from `from` to `to`, adding noise and leaving out the gaps. */
export function sampleSeries(value: (t: number) => number, options: SeriesOptions): Sample[] {
  const step = options.stepSeconds ?? HOUR;
  const noise = gaussian(options.seed ?? 1);
  const samples: Sample[] = [];
  for (let t = options.from; t <= options.to + 1e-6; t += step) {
    const jitter = (options.noiseBytes ?? 0) * noise();
    if ((options.gaps ?? []).some(([gapFrom, gapTo]) => t >= gapFrom && t < gapTo)) {
      continue;
    }
    samples.push({ t, v: Math.max(0, value(t) + jitter) });
  }
  return samples;
}

/**
 * Samples the peak of `value` in each step (t − step, t], evaluated every `resolutionSeconds`:
 * what `max_over_time(...[step])` returns for a process whose memory changes within the step.
 */
export function samplePeakPerStep(value: (t: number) => number, from: number, to: number, stepSeconds = HOUR, resolutionSeconds = 60): Sample[] {
  const samples: Sample[] = [];
  for (let t = from; t <= to; t += stepSeconds) {
    let peak = Number.NEGATIVE_INFINITY;
    for (let instant = t - stepSeconds + resolutionSeconds; instant <= t; instant += resolutionSeconds) {
      peak = Math.max(peak, value(instant));
    }
    samples.push({ t, v: peak });
  }
  return samples;
}

/** Builds a ContainerHistory with sensible defaults: one container id, no restarts, hourly, 7 days. */
export function containerHistory(overrides: Partial<ContainerHistory> & Pick<ContainerHistory, 'usageByContainerId'>): ContainerHistory {
  return {
    id: 'dojo/dojo-django/uwsgi',
    labels: { namespace: 'dojo', pod: 'dojo-django-7c9f8b6d4-x2k9p', container: 'uwsgi' },
    earlierPods: [],
    restarts: [],
    limitBytes: 6 * GIB,
    stepSeconds: HOUR,
    evaluatedAt: NOW,
    ...overrides,
  };
}

/** Returns one restart event per instant. */
export function restartEvents(times: readonly number[], oomKilled: boolean, count = 1): RestartEvent[] {
  return times.map((t) => ({ t, count, oomKilled }));
}

/** Splits samples into consecutive arrays at the given instants (each instant starts a new array). */
export function splitAt(samples: readonly Sample[], starts: readonly number[]): Sample[][] {
  const bounds = [...starts].sort((a, b) => a - b);
  const arrays: Sample[][] = [[]];
  for (const sample of samples) {
    while (bounds.length > 0 && sample.t >= bounds[0]) {
      bounds.shift();
      arrays.push([]);
    }
    arrays[arrays.length - 1].push(sample);
  }
  return arrays.filter((array) => array.length > 0);
}
