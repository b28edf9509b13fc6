/** Evidence sentences that explain the shape of the current run. */
import type { Sample } from '../types';
import { formatBytes, formatHours, formatPercent, formatRate, formatTime } from './describe';
import type { RunShape } from './run-shape';

/**
 * Describes a run's shape in short sentences.
 *
 * @param samples - the run's samples, sorted by time
 * @param limitBytes - the limit, or null when there is none
 */
export function describeRunShape(shape: RunShape, samples: readonly Sample[], limitBytes: number | null): string[] {
  const evidence: string[] = [];
  const ofLimit = (bytes: number): string => (limitBytes === null ? formatBytes(bytes) : `${formatBytes(bytes)} (${formatPercent(bytes / limitBytes)} of the limit)`);
  const trend = shape.trend;
  const warmUp = shape.warmUp;

  if (warmUp !== null) {
    evidence.push(`left out a ${formatHours(warmUp.hours)} warm-up after start (${formatBytes(warmUp.fromBytes)} → ${formatBytes(warmUp.toBytes)})`);
  }

  switch (shape.pattern) {
    case 'linear-growth':
    case 'step-growth': {
      const growth = shape.growth;
      if (growth === null) {
        break;
      }
      if (growth.basis === 'daily-peaks') {
        evidence.push(`24-hour cycle whose daily peaks grow ${formatRate(growth.slopeBytesPerHour)} over ${formatHours(growth.spanHours)}`);
      } else if (growth.basis === 'recent-onset') {
        evidence.push(`growth began about ${formatHours(growth.spanHours)} ago: ${formatRate(growth.slopeBytesPerHour)}, steady since (fit R² ${growth.fitQuality.toFixed(2)})`);
      } else {
        evidence.push(`grows ${formatRate(growth.slopeBytesPerHour)}, steady for ${formatHours(growth.spanHours)} (fit R² ${growth.fitQuality.toFixed(2)})`);
      }
      if (shape.pattern === 'step-growth' && shape.steps !== null) {
        const ups = shape.steps.levelJumps.filter((jump) => jump.sizeBytes > 0);
        const typicalStep = ups.reduce((sum, jump) => sum + jump.sizeBytes, 0) / Math.max(ups.length, 1);
        evidence.push(`rises in ${ups.length} steps of about ${formatBytes(typicalStep)} every ${formatHours(shape.steps.stepIntervalHours ?? 0)}; the forecast uses the long-run rate across steps`);
      }
      break;
    }
    case 'plateau':
      if (shape.levelOff !== null) {
        const { fromBytes, toBytes, riseHours } = shape.levelOff;
        evidence.push(`rose from ${formatBytes(fromBytes)} to ${ofLimit(toBytes)} in the first ${formatHours(riseHours)}, flat since: a cache or warm-up that filled up`);
      } else if (shape.assessment?.isDecelerating && trend !== null) {
        evidence.push(
          `rise slowed from ${formatRate(shape.assessment.firstHalfSlopeBytesPerHour ?? 0)} to ${formatRate(shape.assessment.secondHalfSlopeBytesPerHour ?? 0)}: levelling off near ${ofLimit(lastLevel(samples))}`,
        );
      } else {
        evidence.push(`flat at about ${ofLimit(lastLevel(samples))} since the warm-up`);
      }
      break;
    case 'daily-cycle':
      evidence.push(`24-hour cycle of about ${formatBytes(shape.dailyCycle?.amplitudeBytes ?? 0)} with no growth in its daily peaks`);
      break;
    case 'spikes':
      if (shape.spikes !== null && trend !== null) {
        evidence.push(`${shape.spikes.count} isolated spike${shape.spikes.count === 1 ? '' : 's'} up to ${ofLimit(shape.spikes.maxBytes)} over a flat ${formatBytes(trend.levelBytes)}`);
      }
      break;
    case 'level-shift':
      evidence.push(describeLevelShift(shape, samples));
      break;
    case 'decline':
      if (trend !== null) {
        evidence.push(`falls ${formatRate(-trend.slopeBytesPerHour)} over ${formatHours(trend.spanHours)}`);
      }
      break;
    case 'flat':
      if (trend !== null) {
        evidence.push(`flat at about ${ofLimit(trend.levelBytes)} for ${formatHours(trend.spanHours)} (trend ${formatRate(trend.slopeBytesPerHour)}, not significant)`);
      }
      break;
    case 'insufficient-data':
      evidence.push(describeTooShort(shape, samples));
      break;
  }
  return evidence;
}

/** Says why a run is too short for a trend of its own. */
export function describeTooShort(shape: RunShape, samples: readonly Sample[]): string {
  const hours = samples.length > 1 ? (samples[samples.length - 1].t - samples[0].t) / 3600 : 0;
  const count = samples.length === 1 ? '1 sample' : `${samples.length} samples over ${formatHours(hours)}`;
  if (shape.warmUp !== null) {
    return `the current container has ${count}, most of it warm-up: too little post-warm-up data for a trend of its own`;
  }
  return `the current container has ${count}: too few for a trend of its own`;
}

function describeLevelShift(shape: RunShape, samples: readonly Sample[]): string {
  const jump = shape.steps?.levelJumps[shape.steps.levelJumps.length - 1];
  const first = samples[0]?.v ?? 0;
  const last = lastLevel(samples);
  if (jump !== undefined) {
    return `moved from about ${formatBytes(first)} to ${formatBytes(last)} at ${formatTime(jump.t)} and stayed there`;
  }
  return `moved from about ${formatBytes(first)} to ${formatBytes(last)} and stayed there, with no steady growth`;
}

/** Median of the last few samples: the level now, robust to one odd sample. */
export function lastLevel(samples: readonly Sample[]): number {
  const recent = samples
    .slice(-6)
    .map((sample) => sample.v)
    .sort((a, b) => a - b);
  if (recent.length === 0) {
    return 0;
  }
  const middle = Math.floor(recent.length / 2);
  return recent.length % 2 === 1 ? recent[middle] : (recent[middle - 1] + recent[middle]) / 2;
}
