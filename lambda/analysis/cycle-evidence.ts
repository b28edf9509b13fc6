/** Evidence sentences for OOM cycles, crash loops and sawtooth patterns. */
import type { CrashLoop } from './crash-loop';
import { formatAgo, formatBytes, formatHours, formatMinuteOfDay, formatPercent, formatRate } from './describe';
import type { OomCycle } from './oom-cycle';
import type { Sawtooth } from './sawtooth';
import { SECONDS_PER_DAY } from './samples';

/**
 * Describes an OOM cycle.
 *
 * @param restartsPerDay - container restarts per day over the last day
 * @param currentRunForecast - whether the current lifetime grows steadily enough for a forecast of its own
 * @param stepSeconds - spacing of the samples: a kill happened within the step that ends at its time
 */
export function describeOomCycle(
  cycle: OomCycle,
  limitBytes: number,
  restartsPerDay: number,
  evaluatedAt: number,
  currentRunForecast: boolean,
  stepSeconds: number,
): string[] {
  // Counted from the start of the first kill's step, so 7 daily kills read "7 in 7 days" at any time of day.
  const days = Math.max(1, Math.ceil((evaluatedAt - (cycle.firstKillAt - stepSeconds)) / SECONDS_PER_DAY));
  const peakText = describePeak(cycle, limitBytes);
  const evidence: string[] = [];

  switch (cycle.kind) {
    case 'loop':
      evidence.push(`OOM-kill loop, about ${Math.round(cycle.killsPerHourLastDay)} per hour over the last day`);
      break;
    case 'daily': {
      const spike = cycle.spikeDriven ? ', spike-driven' : '';
      evidence.push(`daily OOM kill around ${formatMinuteOfDay(cycle.dailyMinuteUtc ?? 0)}${spike}, ${peakText}; ${cycle.killCount} in ${days} days`);
      break;
    }
    case 'in-container':
      evidence.push(
        `repeated peaks ≥ 95 % of the limit with sudden drops but no container restarts (in-container OOM kills likely): ${cycle.killCount} in ${days} days, every ~${formatHours(cycle.medianIntervalHours)}`,
      );
      break;
    case 'near-limit-restarts':
      evidence.push(`${peakText}; restarted ${Math.round(restartsPerDay)}×/day, not OOMKilled: the restarts only just beat the kernel to it`);
      break;
    case 'repeated':
      evidence.push(`OOM-killed ${cycle.killCount} times in ${days} days, every ~${formatHours(cycle.medianIntervalHours)}, ${peakText}`);
      break;
  }
  const last = `${cycle.kind === 'near-limit-restarts' ? 'last restart' : 'last kill'} ${formatAgo(cycle.lastKillAt, evaluatedAt)}`;
  const forecast = currentRunForecast ? 'the forecast covers the current lifetime only' : 'no time to the limit across restarts, because each lifetime already reaches it';
  evidence.push(`${last}; ${forecast}`);
  return evidence;
}

/** Describes a crash loop and suggests the likely fix. */
export function describeCrashLoop(crashLoop: CrashLoop): string[] {
  return [
    `restart loop ~${Math.round(crashLoop.restartsPerDay)}/day dying at about ${formatPercent(roundToFive(crashLoop.ceilingFraction))} of the limit (${formatBytes(crashLoop.ceilingBytes)}), not OOMKilled`,
    'a runtime heap cap below the container limit is the likely ceiling: set the runtime heap cap from the limit (e.g. --max-old-space-size for Node.js, -Xmx for the JVM)',
    'time to the container limit is not meaningful: the process dies before it gets there',
  ];
}

/** Describes an in-container sawtooth. */
export function describeSawtooth(sawtooth: Sawtooth, limitBytes: number): string[] {
  const peakValues = sawtooth.peaks.map((peak) => peak.v);
  const lowPeak = peakValues.length > 0 ? Math.min(...peakValues) : sawtooth.highestPeakBytes;
  const highPeak = peakValues.length > 0 ? Math.max(...peakValues) : sawtooth.highestPeakBytes;
  const cycle = `sawtooth: ${sawtooth.dropCount} sharp drops without a restart, every ~${formatHours(sawtooth.medianCycleHours)}`;
  const peakRange = formatBytes(lowPeak) === formatBytes(highPeak) ? `about ${formatBytes(highPeak)}` : `${formatBytes(lowPeak)}–${formatBytes(highPeak)}`;
  const range = `peaks ${peakRange} (up to ${formatPercent(highPeak / limitBytes)} of the limit), lows about ${formatBytes(sawtooth.lowestBytes)}`;
  if (sawtooth.peakGrowth !== null) {
    return [`${cycle}; ${range}`, `the sawtooth's peaks rise ${formatRate(sawtooth.peakGrowth.slopeBytesPerHour)}`];
  }
  return [`${cycle}; ${range}, not rising: bounded`];
}

function describePeak(cycle: OomCycle, limitBytes: number): string {
  if (cycle.peakBytes === null || cycle.peakBytes < 0.9 * limitBytes) {
    return 'peak too short for the samples to show';
  }
  if (cycle.peakBytes >= 0.98 * limitBytes) {
    return 'peak = limit';
  }
  return `peak ≈ ${formatPercent(cycle.peakBytes / limitBytes)} of the limit`;
}

function roundToFive(fraction: number): number {
  return Math.round(fraction * 20) / 20;
}
