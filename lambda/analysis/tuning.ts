/**
 * Thresholds of the analysis, in one place so that their reasons can be read side by side.
 * Each one was tuned on the synthetic shapes in test/analysis: bounded sawtooth, warm-up,
 * daily cycles, spikes, steady, noisy and step leaks, OOM loops and crash loops.
 */

const MIB = 1024 ** 2;

/** A run shorter than this many samples gets no trend of its own: 3 warm-up points mislead. */
export const MIN_RUN_SAMPLES = 8;
/** A run shorter than this many hours gets no trend of its own. */
export const MIN_RUN_HOURS = 6;

/** A fall of more than this fraction of the previous value within one step ends a run. */
export const SHARP_DROP_LEVEL_FRACTION = 0.25;
/** A fall of more than this fraction of the limit within one step ends a run. */
export const SHARP_DROP_LIMIT_FRACTION = 0.2;
/** A sharp drop must also exceed this many robust standard deviations of the step-to-step change, so noise never splits a run. */
export const SHARP_DROP_NOISE_MULTIPLE = 4;
/**
 * A fall of more than this many robust sigmas of the step-to-step change is clearly no noise,
 * and ends a run from 10 % of the level on. This catches sawtooth drops at a high level, such as
 * 200 MB from 1.1 GB when a leak lifts a recycled-worker sawtooth.
 */
export const SHARP_DROP_CLEAR_NOISE_MULTIPLE = 8;
/** Smallest fall, as a fraction of the previous value, that ends a run when it is clearly no noise. */
export const SHARP_DROP_CLEAR_LEVEL_FRACTION = 0.1;
/** Falls smaller than this never end a run: tiny sidecars jitter by whole percents. */
export const SHARP_DROP_MIN_BYTES = 4 * MIB;

/** A peak at or above this fraction of the limit counts as reaching it (working set is sampled, not continuous). */
export const NEAR_LIMIT_FRACTION = 0.95;

/** Theil–Sen uses every pair of samples up to this many pairs, then a fixed-seed random subset. */
export const MAX_THEIL_SEN_PAIRS = 6000;
/** Standard normal quantile of the two-sided 90 % intervals. */
export const INTERVAL_Z = 1.645;
/** Mann–Kendall z above which a trend counts as real (one-sided p ≈ 0.0013). */
export const TREND_MIN_Z = 3;
/** A trend must move the memory by at least this many residual standard deviations over the run. */
export const TREND_MIN_RISE_SIGMAS = 3;

/** Maximum warm-up after a container start that is left out of the trend. */
export const WARM_UP_MAX_HOURS = 12;

/** Kills whose median spacing is at most this many hours form an OOM cycle. */
export const OOM_CYCLE_MAX_INTERVAL_HOURS = 36;
/** Restarts per day at or above which a container that dies below its limit is in a crash loop. */
export const CRASH_LOOP_MIN_RESTARTS_PER_DAY = 4;
/** An OOM kill this recent keeps the verdict at least a warning. */
export const RECENT_OOM_KILL_HOURS = 24;

/**
 * Lookback from which the time windows above apply unchanged. They are sized for real services
 * (a warm-up of hours, OOM kills a day apart) and a lookback of days. A shorter lookback cannot
 * hold a 6-hour run, so below one day every window shrinks in proportion to the lookback. A
 * `--lookback 90m` check then fits runs from 22.5 minutes on. A compressed replay of an incident
 * (seconds standing for hours) is judged as the real one would be.
 */
export const FULL_WINDOWS_LOOKBACK_SECONDS = 86400;

/** The time windows of one analysis, scaled to its lookback. */
export interface AnalysisWindows {
  /** A run shorter than this many hours gets no trend of its own. */
  readonly minRunHours: number;
  /** Maximum warm-up after a container start that is left out of the trend. */
  readonly warmUpMaxHours: number;
  /** Kills whose median spacing is at most this many hours form an OOM cycle. */
  readonly oomCycleMaxIntervalHours: number;
  /** An OOM kill this recent keeps the verdict at least a warning. */
  readonly recentOomKillHours: number;
}

/** The windows of the default 7-day lookback, and of any lookback of a day or more. */
export const FULL_WINDOWS: AnalysisWindows = {
  minRunHours: MIN_RUN_HOURS,
  warmUpMaxHours: WARM_UP_MAX_HOURS,
  oomCycleMaxIntervalHours: OOM_CYCLE_MAX_INTERVAL_HOURS,
  recentOomKillHours: RECENT_OOM_KILL_HOURS,
};

/**
 * Returns the windows for a lookback: {@link FULL_WINDOWS} from one day on (or when the
 * lookback is unknown), scaled down in proportion below it.
 *
 * @example analysisWindows(90 * 60).minRunHours // 0.375 (22.5 minutes)
 */
export function analysisWindows(lookbackSeconds: number | undefined): AnalysisWindows {
  if (lookbackSeconds === undefined || !Number.isFinite(lookbackSeconds) || lookbackSeconds >= FULL_WINDOWS_LOOKBACK_SECONDS || lookbackSeconds <= 0) {
    return FULL_WINDOWS;
  }
  const scale = lookbackSeconds / FULL_WINDOWS_LOOKBACK_SECONDS;
  return {
    minRunHours: MIN_RUN_HOURS * scale,
    warmUpMaxHours: WARM_UP_MAX_HOURS * scale,
    oomCycleMaxIntervalHours: OOM_CYCLE_MAX_INTERVAL_HOURS * scale,
    recentOomKillHours: RECENT_OOM_KILL_HOURS * scale,
  };
}

/** Forecasts further out than this (10 years) are reported as no forecast. */
export const MAX_FORECAST_HOURS = 87600;
/**
 * A limit at or above this (1 PiB) is a sentinel for "unlimited": cgroup v1 reports
 * 9223372036854771712 and cgroup v2 reports 2^64 − 1 when no limit is set.
 */
export const UNLIMITED_LIMIT_BYTES = 2 ** 50;
