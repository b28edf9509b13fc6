/**
 * Whether a trend is real, and whether it is steady: rising across the whole run rather than
 * levelling off (warm-up, cache fill) or starting only recently.
 */
import type { Sample } from '../types';
import { SECONDS_PER_HOUR } from './samples';
import { fitTrend, trendKendallZ, type Trend } from './trend';
import { TREND_MIN_RISE_SIGMAS, TREND_MIN_Z } from './tuning';

/** The behaviour of a run's trend over time. */
export interface GrowthAssessment {
  /** Significant rise: Mann–Kendall z ≥ 3, slope interval above zero, rise ≥ 3 residual sigmas. */
  readonly isRising: boolean;
  /** Significant fall by the same tests, of at least 5 % of the starting level. */
  readonly isFalling: boolean;
  /** Rising in both halves of the run at comparable rates, and not slowing down. */
  readonly isSteady: boolean;
  /** The second half rises clearly slower than the first, or the rise stopped in the last quarter. */
  readonly isDecelerating: boolean;
  readonly firstHalfSlopeBytesPerHour: number | null;
  readonly secondHalfSlopeBytesPerHour: number | null;
  /** Trend of the second half when only it rises steadily: growth that began during the run. */
  readonly recentOnset: Trend | null;
}

/** A half must rise at least at this fraction of the whole run's slope to count as rising with it. */
const HALF_SLOPE_MIN_FRACTION = 0.25;
/** The second half below this fraction of the first half's slope counts as slowing down. */
const DECELERATION_FRACTION = 0.5;
/** Smallest fall that counts as a decline, as a fraction of the starting level. */
const MIN_DECLINE_FRACTION = 0.05;

/**
 * Assesses the trend of samples sorted by time.
 *
 * @param trend - the trend of the same samples, from `fitTrend`
 */
export function assessGrowth(samples: readonly Sample[], trend: Trend): GrowthAssessment {
  const isRising = isSignificant(trend, 1);
  const startLevel = trend.levelBytes - trend.slopeBytesPerHour * trend.spanHours;
  const isFalling = isSignificant(trend, -1) && -trend.slopeBytesPerHour * trend.spanHours >= MIN_DECLINE_FRACTION * Math.abs(startLevel);

  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const firstHalfSamples = samples.filter((sample) => sample.t <= middleTime);
  const secondHalfSamples = samples.filter((sample) => sample.t > middleTime);

  // A run that does not rise is neither steady nor slowing down, and it has a recent onset only
  // when its second half rises significantly, which needs a Mann–Kendall z of 3 or more. Without
  // that z the halves' trends decide nothing, so they are fitted only if their slopes are read:
  // most runs of a cluster are flat, and this saves two of their four fits.
  if (!isRising) {
    const secondHalfZ = trendKendallZ(secondHalfSamples);
    if (secondHalfZ === null || !(secondHalfZ >= TREND_MIN_Z)) {
      let firstHalfTrend: Trend | null | undefined;
      let secondHalfTrend: Trend | null | undefined;
      return {
        isRising,
        isFalling,
        isSteady: false,
        isDecelerating: false,
        get firstHalfSlopeBytesPerHour(): number | null {
          firstHalfTrend = firstHalfTrend === undefined ? fitTrend(firstHalfSamples) : firstHalfTrend;
          return firstHalfTrend?.slopeBytesPerHour ?? null;
        },
        get secondHalfSlopeBytesPerHour(): number | null {
          secondHalfTrend = secondHalfTrend === undefined ? fitTrend(secondHalfSamples) : secondHalfTrend;
          return secondHalfTrend?.slopeBytesPerHour ?? null;
        },
        recentOnset: null,
      };
    }
  }

  const firstHalf = fitTrend(firstHalfSamples);
  const secondHalf = fitTrend(secondHalfSamples);
  const overall = trend.slopeBytesPerHour;

  const halvesSlowDown =
    firstHalf !== null &&
    secondHalf !== null &&
    firstHalf.slopeBytesPerHour > 0 &&
    secondHalf.slopeBytesPerHour < DECELERATION_FRACTION * firstHalf.slopeBytesPerHour &&
    secondHalf.slopeIntervalBytesPerHour[1] < firstHalf.slopeBytesPerHour;
  const isDecelerating = isRising && (halvesSlowDown || stoppedRecently(samples, trend));

  const bothHalvesRise =
    firstHalf !== null &&
    secondHalf !== null &&
    firstHalf.slopeBytesPerHour >= HALF_SLOPE_MIN_FRACTION * overall &&
    secondHalf.slopeBytesPerHour >= HALF_SLOPE_MIN_FRACTION * overall;
  const isSteady = isRising && bothHalvesRise && !isDecelerating;

  let recentOnset: Trend | null = null;
  if (!isSteady && !isDecelerating && secondHalf !== null && firstHalf !== null && secondHalf.slopeBytesPerHour > firstHalf.slopeBytesPerHour) {
    if (isSignificant(secondHalf, 1) && halvesAgree(secondHalfSamples)) {
      recentOnset = secondHalf;
    }
  }

  return {
    isRising,
    isFalling,
    isSteady,
    isDecelerating,
    firstHalfSlopeBytesPerHour: firstHalf?.slopeBytesPerHour ?? null,
    secondHalfSlopeBytesPerHour: secondHalf?.slopeBytesPerHour ?? null,
    recentOnset,
  };
}

/** Returns whether the trend moves in `direction` (1 up, −1 down) beyond noise. */
export function isSignificant(trend: Trend, direction: 1 | -1): boolean {
  const slope = direction * trend.slopeBytesPerHour;
  const nearBound = direction === 1 ? trend.slopeIntervalBytesPerHour[0] : -trend.slopeIntervalBytesPerHour[1];
  const change = slope * trend.spanHours;
  return (
    slope > 0 &&
    direction * trend.kendallZ >= TREND_MIN_Z &&
    nearBound > 0 &&
    change >= TREND_MIN_RISE_SIGMAS * trend.residualScaleBytes
  );
}

/** Returns whether both halves of the samples rise at comparable rates (used on a second half, no deeper). */
function halvesAgree(samples: readonly Sample[]): boolean {
  const whole = fitTrend(samples);
  if (whole === null) {
    return false;
  }
  const middleTime = (samples[0].t + samples[samples.length - 1].t) / 2;
  const first = fitTrend(samples.filter((sample) => sample.t <= middleTime));
  const second = fitTrend(samples.filter((sample) => sample.t > middleTime));
  if (first === null || second === null) {
    return false;
  }
  const minimum = HALF_SLOPE_MIN_FRACTION * whole.slopeBytesPerHour;
  return first.slopeBytesPerHour >= minimum && second.slopeBytesPerHour >= minimum && second.slopeBytesPerHour >= DECELERATION_FRACTION * first.slopeBytesPerHour;
}

/**
 * Returns whether the rise stopped in the last quarter of a run of two days or more: the recent slope's
 * upper bound is below half the run's slope. A noisy slow leak has a wide recent interval, so it
 * is not mistaken for a stop.
 */
function stoppedRecently(samples: readonly Sample[], trend: Trend): boolean {
  if (trend.spanHours < 48) {
    return false;
  }
  const windowHours = Math.max(12, trend.spanHours / 4);
  const fromTime = trend.referenceTime - windowHours * SECONDS_PER_HOUR;
  const recent = fitTrend(samples.filter((sample) => sample.t >= fromTime));
  if (recent === null || recent.sampleCount < 6) {
    return false;
  }
  return recent.slopeIntervalBytesPerHour[1] < DECELERATION_FRACTION * trend.slopeBytesPerHour;
}
