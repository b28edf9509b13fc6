/**
 * Container-level classification: combines restarts, kills, in-container drops, earlier
 * lifetimes and the shape of the current run into one pattern and the growth to forecast.
 * The order of the checks is the order of precedence: an ongoing OOM cycle outranks a crash
 * loop, which outranks a sawtooth, which outranks the shape of the current run.
 */
import type { ContainerHistory, Pattern, Run } from '../types';
import { detectCrashLoop, detectUnsampledRestartLoop } from './crash-loop';
import { describeCrashLoop, describeOomCycle, describeSawtooth } from './cycle-evidence';
import { formatBytes, formatHours, formatPercent, formatRate } from './describe';
import type { GrowthModel } from './growth-model';
import { summarizeLifetimes, type LifetimeSummary } from './lifetimes';
import { detectOomCycle } from './oom-cycle';
import { observedDays, type RestartSummary } from './restarts';
import { medianOr, clamp } from './robust';
import { classifyRunShape, isLongEnough, type RunShape } from './run-shape';
import type { Segmentation } from './runs';
import { spanHours, SECONDS_PER_DAY, SECONDS_PER_HOUR } from './samples';
import { analyzeSawtooth } from './sawtooth';
import { fitTrend } from './trend';
import { describeRunShape, describeTooShort, lastLevel } from './shape-evidence';
import { FULL_WINDOWS, NEAR_LIMIT_FRACTION, type AnalysisWindows } from './tuning';

/** The classification of a container: its pattern and growth, before the forecast and the severity. */
export interface Classification {
  readonly pattern: Pattern;
  /** The growth to forecast from, or null when the container is not growing toward its limit. */
  readonly growth: GrowthModel | null;
  readonly slopeBytesPerHour: number | null;
  readonly confidence: number;
  readonly evidence: string[];
  /** Typical lifetime hours when rollouts or restarts mask a leak, else null. */
  readonly maskedLifetimeHours: number | null;
}

/** Everything the classification reads. */
export interface ClassificationInput {
  readonly history: ContainerHistory;
  /** The limit in force, or null when the container has none. */
  readonly limitBytes: number | null;
  readonly segmentation: Segmentation;
  readonly restarts: RestartSummary;
  /** Time windows scaled to the lookback. @default FULL_WINDOWS */
  readonly windows?: AnalysisWindows;
}

/** A current run contradicts its lifetimes' rate only when the expected rise exceeds this many residual sigmas. */
const CONTRADICTION_NOISE_MULTIPLE = 3;

/** A run this long shows a daily cycle of its own; see `detectDailyCycle`. */
const DAILY_CYCLE_MIN_HOURS = 48;
/** A current run counts as within its earlier lifetimes' daily range up to this factor of their highest peak. */
const DAILY_RANGE_MARGIN = 1.05;
/** Share of the analysed lifetimes that must have cycled daily before a rise is read as an upswing. */
const MIN_DAILY_CYCLE_SHARE = 0.6;

/** Lifetimes peaking below this fraction of the limit ended long before it: rollouts mask the leak. */
const MASKED_PEAK_FRACTION = 0.8;

/**
 * Classifies a container's memory from its runs and restarts.
 */
export function classifyContainer(input: ClassificationInput): Classification {
  const { history, limitBytes, segmentation, restarts } = input;
  const windows = input.windows ?? FULL_WINDOWS;
  const current = segmentation.liveRuns[segmentation.liveRuns.length - 1];
  if (current === undefined) {
    return classifyWithoutSamples(history, restarts, segmentation);
  }
  const shape = classifyRunShape(current.samples, history.stepSeconds, windows);
  const currentSlope = isLongEnough(current.samples, windows) ? (shape.growth?.slopeBytesPerHour ?? shape.trend?.slopeBytesPerHour ?? null) : null;

  if (limitBytes === null) {
    const evidence = ['no memory limit set: no time to a limit', ...describeRunShape(shape, current.samples, null)];
    return { ...plain('no-limit', coverageConfidence(current), evidence), slopeBytesPerHour: currentSlope };
  }

  const cycle = detectOomCycle(restarts.kills, history.evaluatedAt, history.stepSeconds, limitBytes, windows);
  if (cycle !== null) {
    const restartsPerDay = restartsInLastDay(restarts, history.evaluatedAt, observedDays(history, segmentation.liveRuns));
    const growth = shape.pattern === 'linear-growth' || shape.pattern === 'step-growth' ? shape.growth : null;
    const evidence = describeOomCycle(cycle, limitBytes, restartsPerDay, history.evaluatedAt, growth !== null, history.stepSeconds);
    return {
      ...plain('oom-cycle', clamp(0.6 + 0.1 * cycle.killCount, 0, 0.95), evidence),
      growth,
      slopeBytesPerHour: currentSlope,
    };
  }

  const crashLoop = detectCrashLoop(restarts, history.evaluatedAt, observedDays(history, segmentation.liveRuns), limitBytes);
  if (crashLoop !== null) {
    return { ...plain('crash-loop', 0.8, describeCrashLoop(crashLoop)), slopeBytesPerHour: currentSlope };
  }

  const sawtooth = analyzeSawtooth(segmentation.liveRuns, history.evaluatedAt);
  if (sawtooth !== null) {
    const evidence = describeSawtooth(sawtooth, limitBytes);
    const confidence = clamp(0.5 + 0.05 * sawtooth.dropCount, 0, 0.9);
    if (sawtooth.peakGrowth !== null) {
      return { ...plain('linear-growth', confidence, evidence), growth: sawtooth.peakGrowth, slopeBytesPerHour: sawtooth.peakGrowth.slopeBytesPerHour };
    }
    return { ...plain('sawtooth', confidence, evidence), slopeBytesPerHour: sawtooth.peakTrend?.slopeBytesPerHour ?? null };
  }

  const endedInOomKill = (run: Run): boolean => endsInKill(run, restarts, history.stepSeconds);
  return classifyCurrentRun(segmentation, current, shape, currentSlope, limitBytes, history.stepSeconds, windows, endedInOomKill);
}

/**
 * Classifies a container without memory samples in the lookback from its restarts alone: a
 * container that restarts several times a day and never lives long enough for a sample is in
 * a restart loop, whatever its limit.
 */
function classifyWithoutSamples(history: ContainerHistory, restarts: RestartSummary, segmentation: Segmentation): Classification {
  const loop = detectUnsampledRestartLoop(restarts, history.evaluatedAt, observedDays(history, segmentation.liveRuns));
  if (loop === null) {
    return plain('insufficient-data', 0.1, ['no memory samples of the live pod in the lookback']);
  }
  const rate = `~${Math.round(loop.restartsPerDay)}/day`;
  if (loop.mostlyOomKilled) {
    return plain('oom-cycle', 0.7, [
      `OOM-kill loop ${rate} with no memory samples: each container is killed before cAdvisor reports its memory`,
      'no time to the limit: the container dies within moments of each start',
    ]);
  }
  // NOTE: without a last-termination-reason series every restart reads as not OOMKilled, so an
  // OOM-kill loop of such a cluster is reported here as a crash loop.
  return plain('crash-loop', 0.7, [
    `restart loop ${rate} with no memory samples, not OOMKilled: each container dies before cAdvisor reports its memory`,
    "memory is not the likely cause: read the container's logs and its last termination reason",
  ]);
}

/**
 * Classifies a container by its current run, with its earlier lifetimes for a current run too
 * short for a trend and for leaks that rollouts mask.
 */
function classifyCurrentRun(
  segmentation: Segmentation,
  current: Run,
  shape: RunShape,
  currentSlope: number | null,
  limitBytes: number,
  stepSeconds: number,
  windows: AnalysisWindows,
  endedInOomKill: (run: Run) => boolean,
): Classification {
  const lifetimes = summarizeLifetimes(previousLifetimes(segmentation, current), stepSeconds, windows, endedInOomKill);
  // A live pod that already dropped sharply on its own behaves unlike its predecessors (workers
  // recycled since a fix, say), so their growth does not carry over to it.
  const livePodDropped = segmentation.liveRuns.some((run) => run.startReason === 'sharp-drop');

  let classification: Classification;
  const dailyUpswing = shape.growth !== null ? withinDailyRange(current, shape, lifetimes, limitBytes) : null;
  if (dailyUpswing !== null) {
    classification = { ...dailyUpswing, slopeBytesPerHour: currentSlope };
  } else if (shape.pattern !== 'insufficient-data') {
    classification = fromCurrentRun(current, shape, currentSlope, limitBytes);
  } else if (livePodDropped) {
    classification = plain('insufficient-data', 0.2, [describeTooShort(shape, current.samples), 'the live pod dropped sharply without a restart, unlike its earlier lifetimes']);
  } else {
    classification = fromLifetimes(current, shape, lifetimes, limitBytes);
  }
  return withMaskedLeak(withAtLimit(classification, current, limitBytes), lifetimes, limitBytes);
}

/** Classification of a current run long enough for a shape of its own. */
function fromCurrentRun(current: Run, shape: RunShape, currentSlope: number | null, limitBytes: number): Classification {
  const evidence = describeRunShape(shape, current.samples, limitBytes);
  const pattern = shape.pattern as Pattern;
  if (shape.growth !== null) {
    const coverage = Math.min(1, shape.growth.spanHours / 24);
    return { ...plain(pattern, clamp(0.4 + 0.6 * shape.growth.fitQuality * coverage, 0, 1), evidence), growth: shape.growth, slopeBytesPerHour: shape.growth.slopeBytesPerHour };
  }
  return { ...plain(pattern, coverageConfidence(current), evidence), slopeBytesPerHour: currentSlope };
}

/**
 * Recognises the upswing of a daily cycle in a run too short to show the cycle itself (two days
 * are needed): most earlier lifetimes of the workload cycled daily, and the current run is still
 * within the range they reached. A pod rolled out in the morning rises with the day's traffic
 * for hours, which a straight line would forecast into the limit. A leak brought by the new
 * version, or daily peaks that keep rising, are forecast once the run rises above that range.
 *
 * NOTE: a workload with less than two days of earlier lifetimes shows no daily cycle yet, so a
 * young workload that rises with its traffic is still read as growth.
 */
function withinDailyRange(current: Run, shape: RunShape, lifetimes: LifetimeSummary, limitBytes: number): Classification | null {
  const peakBytes = lifetimes.dailyCyclePeakBytes;
  const cycledBefore = peakBytes !== null && lifetimes.dailyCycleCount >= MIN_DAILY_CYCLE_SHARE * lifetimes.analyzedCount;
  if (!cycledBefore || shape.dailyCycle !== null || spanHours(current.samples) >= DAILY_CYCLE_MIN_HOURS || latestBytes(current) > DAILY_RANGE_MARGIN * peakBytes) {
    return null;
  }
  const rise = shape.growth === null ? '' : `rising ${formatRate(shape.growth.slopeBytesPerHour)} for ${formatHours(shape.growth.spanHours)}, `;
  const evidence = [
    `${rise}within the range of ${lifetimes.dailyCycleCount} earlier ${lifetimes.dailyCycleCount === 1 ? 'lifetime' : 'lifetimes'} that cycled daily (peaks up to ${formatBytes(peakBytes)}, ${formatPercent(peakBytes / limitBytes)} of the limit): no forecast unless it rises above that range`,
  ];
  return plain('daily-cycle', 0.6, evidence);
}

/** Returns the latest sample, not a median of the last ones, which lags a climb by hours. */
function latestBytes(run: Run): number {
  return run.samples[run.samples.length - 1]?.v ?? 0;
}

/**
 * Classifies a current run too short for its own trend from the earlier lifetimes. A workload
 * whose lifetimes grow alike is forecast with their rate from the current level. A workload
 * whose lifetimes level off after a warm-up is a plateau, however steep the first hours look.
 */
function fromLifetimes(current: Run, shape: RunShape, lifetimes: LifetimeSummary, limitBytes: number): Classification {
  const tooShort = describeTooShort(shape, current.samples);
  const lastTime = current.samples[current.samples.length - 1].t;

  const observedSlope = lifetimes.growth === null ? null : slopeBelowLifetimes(current, lifetimes.growth.slopeBytesPerHour);
  if (lifetimes.growth !== null && observedSlope !== null) {
    const evidence = [
      tooShort,
      `since its start it grew ${formatRate(observedSlope)}, unlike the ${formatRate(lifetimes.growth.slopeBytesPerHour)} of its earlier lifetimes: too early to forecast from them`,
    ];
    return plain('insufficient-data', 0.2, evidence);
  }
  if (lifetimes.growth !== null) {
    const slope = lifetimes.growth.slopeBytesPerHour;
    const levelBytes = medianOr(
      current.samples.map((sample) => sample.v - (slope * (sample.t - lastTime)) / SECONDS_PER_HOUR),
      0,
    );
    const growth: GrowthModel = {
      slopeBytesPerHour: slope,
      slopeIntervalBytesPerHour: lifetimes.growth.slopeIntervalBytesPerHour,
      levelBytes,
      levelTime: lastTime,
      fitQuality: lifetimes.growth.fitQuality,
      spanHours: lifetimes.medianLifetimeHours,
      levelErrorBytes: lifetimes.growth.levelErrorBytes,
      basis: 'lifetimes',
    };
    const evidence = [
      tooShort,
      `per-lifetime growth ${formatRate(slope)}, steady in ${lifetimes.growingCount} of ${lifetimes.analyzedCount} earlier lifetimes; applied from the current ${formatBytes(levelBytes)}`,
    ];
    const confidence = clamp(0.4 + 0.1 * lifetimes.growingCount, 0, 0.85) * lifetimes.growth.fitQuality;
    return { ...plain('linear-growth', confidence, evidence), growth, slopeBytesPerHour: slope };
  }

  if (lifetimes.analyzedCount > 0 && lifetimes.levellingCount >= Math.max(1, 0.6 * lifetimes.analyzedCount)) {
    const level = lifetimes.settledLevelBytes ?? lifetimes.medianPeakBytes;
    const evidence = [tooShort, `${lifetimes.levellingCount} of ${lifetimes.analyzedCount} earlier lifetimes warmed up and levelled off at about ${formatBytes(level)} (${formatPercent(level / limitBytes)} of the limit)`];
    return plain('plateau', clamp(0.3 + 0.1 * lifetimes.levellingCount, 0, 0.8), evidence);
  }
  if (lifetimes.growingCount > 0 && lifetimes.slopeOfGrowingBytesPerHour !== null) {
    const some = lifetimes.growingCount === 1 ? '1 earlier lifetime' : `${lifetimes.growingCount} of ${lifetimes.analyzedCount} earlier lifetimes`;
    return plain('insufficient-data', 0.2, [tooShort, `${some} grew about ${formatRate(lifetimes.slopeOfGrowingBytesPerHour)}: too few alike to forecast this container from them`]);
  }
  return plain('insufficient-data', 0.2, [tooShort]);
}

/**
 * Returns the current run's own slope when it already contradicts the lifetimes' rate: it rose
 * less than half as much as that rate predicts, by a margin clear of its noise. Else null. A
 * container that stayed flat for hours after an OOM kill is not forecast to die again in a day.
 */
function slopeBelowLifetimes(current: Run, lifetimeSlopeBytesPerHour: number): number | null {
  const trend = fitTrend(current.samples);
  if (trend === null) {
    return null;
  }
  const spanHoursOfRun = spanHours(current.samples);
  const expectedRiseBytes = lifetimeSlopeBytesPerHour * spanHoursOfRun;
  const observedRiseBytes = trend.slopeBytesPerHour * spanHoursOfRun;
  const clearOfNoise = expectedRiseBytes >= CONTRADICTION_NOISE_MULTIPLE * trend.residualScaleBytes;
  return clearOfNoise && observedRiseBytes < 0.5 * expectedRiseBytes ? trend.slopeBytesPerHour : null;
}

/** Marks a container pinned near its limit as `at-limit`, whatever its shape, unless it is growing. */
function withAtLimit(classification: Classification, current: Run, limitBytes: number): Classification {
  const levelFraction = lastLevel(current.samples) / limitBytes;
  if (classification.growth !== null || levelFraction < NEAR_LIMIT_FRACTION) {
    return classification;
  }
  return { ...classification, pattern: 'at-limit', evidence: [`pinned at ${formatPercent(levelFraction)} of the limit`, ...classification.evidence] };
}

/**
 * Marks a leak that rollouts or restarts mask: earlier lifetimes grow at the current rate but
 * end well below the limit, so the forecast holds only if the container is not redeployed.
 */
function withMaskedLeak(classification: Classification, lifetimes: LifetimeSummary, limitBytes: number): Classification {
  const growth = classification.growth;
  const lifetimeGrowth = lifetimes.growth;
  if (growth === null || lifetimeGrowth === null || lifetimes.medianPeakBytes >= MASKED_PEAK_FRACTION * limitBytes) {
    return classification;
  }
  const ratio = growth.slopeBytesPerHour / lifetimeGrowth.slopeBytesPerHour;
  if (ratio < 0.5 || ratio > 2) {
    return classification;
  }
  const sentence = `leak masked by rollouts or restarts: each lifetime grows ${formatRate(lifetimeGrowth.slopeBytesPerHour)} and ends after about ${formatHours(lifetimes.medianLifetimeHours)} at about ${formatBytes(lifetimes.medianPeakBytes)}; the forecast holds if it is not redeployed`;
  return { ...classification, evidence: [...classification.evidence, sentence], maskedLifetimeHours: lifetimes.medianLifetimeHours };
}

/** Runs before the current one that began with a restart or a new pod: whole lifetimes. */
function previousLifetimes(segmentation: Segmentation, current: Run): Run[] {
  return [...segmentation.earlierRuns, ...segmentation.liveRuns].filter((run) => run !== current && run.startReason !== 'sharp-drop');
}

/**
 * Returns whether a kill ended the run: one within two steps of the run's last sample. The kill
 * may come before that sample, because a dead container's series lingers for a few minutes and
 * the peak over the step after the kill still includes it.
 */
function endsInKill(run: Run, restarts: RestartSummary, stepSeconds: number): boolean {
  const lastTime = run.samples[run.samples.length - 1]?.t;
  if (lastTime === undefined) {
    return false;
  }
  return restarts.kills.some((kill) => kill.source !== 'restart-near-limit' && Math.abs(kill.t - lastTime) <= 2 * stepSeconds);
}

function restartsInLastDay(restarts: RestartSummary, evaluatedAt: number, observed: number): number {
  const windowDays = Math.min(1, observed);
  const count = restarts.restarts.filter((restart) => restart.t > evaluatedAt - windowDays * SECONDS_PER_DAY).reduce((sum, restart) => sum + restart.count, 0);
  return count / windowDays;
}

/** Confidence of a verdict without growth: more hours of data, more trust, up to two days. */
function coverageConfidence(current: Run): number {
  return clamp(0.5 + 0.4 * Math.min(1, spanHours(current.samples) / 48), 0, 0.9);
}

function plain(pattern: Pattern, confidence: number, evidence: string[]): Classification {
  return { pattern, growth: null, slopeBytesPerHour: null, confidence, evidence, maskedLifetimeHours: null };
}
