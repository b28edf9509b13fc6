import { analyzeContainer } from '../../lambda/analysis/analyze';
import { containerHistory, DAY, HOUR, MIB, NOW, sampleSeries } from './generators';

const thresholds = { warnDays: 7, criticalDays: 2 };
const LIMIT_BYTES = 1152 * MIB;
const ROLLOUT = NOW - 10 * HOUR;

/** Daily traffic that ramps evenly between 500 MiB at 12:00 UTC and 900 MiB at 00:00 UTC. */
function dailyTraffic(t: number): number {
  const hourOfDay = (t % DAY) / HOUR;
  const hoursFromMidnight = Math.min(hourOfDay, 24 - hourOfDay);
  return 900 * MIB - (400 * MIB * hoursFromMidnight) / 12;
}

/**
 * Builds a workload that cycled daily for 6 days in its earlier pod and was rolled out 10 hours
 * before the check, at 14:00 UTC on the previous day: the new pod rises with the evening's
 * traffic by 33 MiB/h. `leakBytesPerHour` adds a leak that came with the new version.
 */
function rolledOutCycle(leakBytesPerHour = 0) {
  const earlier = sampleSeries(dailyTraffic, { from: ROLLOUT - 6 * DAY, to: ROLLOUT - HOUR, noiseBytes: 4 * MIB, seed: 41 });
  const live = sampleSeries((t) => dailyTraffic(t) + (leakBytesPerHour * (t - ROLLOUT)) / HOUR, { from: ROLLOUT, to: NOW, noiseBytes: 4 * MIB, seed: 43 });
  return containerHistory({
    id: 'shop/web/app',
    labels: { namespace: 'shop', pod: 'web-5d8b7f9c2-q7m4w', container: 'app' },
    usageByContainerId: [live],
    earlierPods: [{ pod: 'web-7c9f8b6d4-x2k9p', samples: earlier }],
    limitBytes: LIMIT_BYTES,
    evaluatedAt: NOW,
  });
}

describe('a pod rolled out into a daily traffic cycle', () => {
  test('rise within daily range: no forecast', () => {
    const verdict = analyzeContainer(rolledOutCycle(), thresholds);

    expect(verdict.pattern).toBe('daily-cycle');
    expect(verdict.severity).toBe('none');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.evidence[0]).toMatch(/within the range of 1 earlier lifetime that cycled daily \(peaks up to 9\d\d MiB, 7\d % of the limit\)/);
  });

  test('rise above range: 15 MiB/h leak forecast', () => {
    const verdict = analyzeContainer(rolledOutCycle(15 * MIB), thresholds);

    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.severity).not.toBe('none');
    expect(verdict.hoursToLimit).not.toBeNull();
  });
});
