/**
 * Staircase and level-shift recognition from the jumps of a run: memory that rises in steps
 * and stays (a step leak), or that jumps once and then stays flat (a new steady state).
 */
import type { Sample } from '../types';
import { isSignificant } from './growth-test';
import { findJumps, type Jump } from './jumps';
import { medianOr } from './robust';
import { SECONDS_PER_HOUR } from './samples';
import { fitTrend } from './trend';

/** The meaning of a run's jumps: a staircase, a level shift or neither. */
export interface StepAnalysis {
  /** `staircase`: rising in repeated steps, the last one recent; `level-shift`: one jump between flat stretches. */
  readonly kind: 'staircase' | 'level-shift' | null;
  /** Jumps that change the level (spikes that come straight back are left out). */
  readonly levelJumps: Jump[];
  /** Median hours between upward jumps, for a staircase. */
  readonly stepIntervalHours: number | null;
}

/** Jumps must explain at least this share of the run's net change. */
const MIN_JUMP_SHARE = 0.6;
/** A staircase is still climbing when its last step is at most this many step intervals old. */
const MAX_STEP_AGE_INTERVALS = 1.5;
/** Samples on each side of a level shift needed to call both sides flat. */
const MIN_SIDE_SAMPLES = 3;

/**
 * Analyses the jumps of samples sorted by time.
 */
export function analyzeSteps(samples: readonly Sample[]): StepAnalysis {
  const levelJumps = withoutSpikes(findJumps(samples));
  const none: StepAnalysis = { kind: null, levelJumps, stepIntervalHours: null };
  if (levelJumps.length === 0) {
    return none;
  }
  const netChangeBytes = netChange(samples);

  if (levelJumps.length === 1) {
    const jump = levelJumps[0];
    const explainsChange = Math.abs(jump.sizeBytes) >= MIN_JUMP_SHARE * Math.abs(netChangeBytes) && Math.sign(jump.sizeBytes) === Math.sign(netChangeBytes);
    const before = samples.slice(0, jump.index);
    const after = samples.slice(jump.index);
    if (explainsChange && isFlat(before) && isFlat(after)) {
      return { ...none, kind: 'level-shift' };
    }
    return none;
  }

  const upJumps = levelJumps.filter((jump) => jump.sizeBytes > 0);
  const upRiseBytes = upJumps.reduce((sum, jump) => sum + jump.sizeBytes, 0);
  if (upJumps.length < 2 || netChangeBytes <= 0 || upRiseBytes < MIN_JUMP_SHARE * netChangeBytes) {
    return none;
  }
  const intervals = upJumps.slice(1).map((jump, index) => (jump.t - upJumps[index].t) / SECONDS_PER_HOUR);
  const stepIntervalHours = medianOr(intervals, 0);
  const lastStepAgeHours = (samples[samples.length - 1].t - upJumps[upJumps.length - 1].t) / SECONDS_PER_HOUR;
  const stillClimbing = lastStepAgeHours <= MAX_STEP_AGE_INTERVALS * stepIntervalHours;
  return { kind: stillClimbing ? 'staircase' : 'level-shift', levelJumps, stepIntervalHours };
}

/** Drops a jump up that a jump down of at least half its size undoes within two samples. */
function withoutSpikes(jumps: readonly Jump[]): Jump[] {
  const spikeIndexes = new Set<number>();
  jumps.forEach((jump, position) => {
    const next = jumps[position + 1];
    if (next === undefined || next.index - jump.index > 2 || Math.sign(next.sizeBytes) === Math.sign(jump.sizeBytes)) {
      return;
    }
    if (Math.abs(next.sizeBytes) >= 0.5 * Math.abs(jump.sizeBytes)) {
      spikeIndexes.add(position);
      spikeIndexes.add(position + 1);
    }
  });
  return jumps.filter((_, position) => !spikeIndexes.has(position));
}

/** Median of the last few samples minus the median of the first few. */
function netChange(samples: readonly Sample[]): number {
  const edgeCount = Math.max(1, Math.min(6, Math.floor(samples.length / 4)));
  const first = medianOr(
    samples.slice(0, edgeCount).map((sample) => sample.v),
    0,
  );
  const last = medianOr(
    samples.slice(-edgeCount).map((sample) => sample.v),
    0,
  );
  return last - first;
}

function isFlat(samples: readonly Sample[]): boolean {
  if (samples.length < MIN_SIDE_SAMPLES) {
    return false;
  }
  const trend = fitTrend(samples);
  return trend !== null && !isSignificant(trend, 1) && !isSignificant(trend, -1);
}
