import { analyzeContainer } from '../../lambda/analysis/analyze';
import { MIB, NOW } from './generators';
import { nonFinitePaths } from './finite';
import * as scenarios from './scenarios';

const thresholds = { warnDays: 7, criticalDays: 2 };

describe('start-up ramps and cache warm-up', () => {
  test('newest pod with 3 warm-up points is no leak', () => {
    const verdict = analyzeContainer(scenarios.warmUpAcrossRollouts(), thresholds);

    // An OLS fit of 150, 340 and 409 MiB gives ≈130 MiB/h and a limit in ≈4.6 h: the trap.
    expect(verdict.severity).toBe('none');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.slopeBytesPerHour).toBeNull();
    expect(verdict.pattern).toBe('plateau');
    expect(verdict.evidence).toEqual([
      'the current container has 3 samples over 2.0 h: too few for a trend of its own',
      '4 of 4 earlier lifetimes warmed up and levelled off at about 450 MiB (44 % of the limit)',
    ]);
  });

  test('pod of 7 hours is mostly warm-up and still no leak', () => {
    const verdict = analyzeContainer(scenarios.warmUpAcrossRollouts(7), thresholds);

    expect(verdict.severity).toBe('none');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.evidence[0]).toBe('the current container has 8 samples over 7.0 h, most of it warm-up: too little post-warm-up data for a trend of its own');
  });

  test('pod of 30 hours is a plateau after its warm-up', () => {
    const verdict = analyzeContainer(scenarios.warmUpAcrossRollouts(30), thresholds);

    expect(verdict.pattern).toBe('plateau');
    expect(verdict.severity).toBe('none');
    expect(verdict.evidence[0]).toBe('left out a 4.0 h warm-up after start (150 MiB → 448 MiB)');
  });

  test('bounded 40–130 MiB cache cycles under 512 MiB are no leak', () => {
    const verdict = analyzeContainer(scenarios.boundedCacheCycles(), thresholds);

    expect(verdict.pattern).toBe('sawtooth');
    expect(verdict.severity).toBe('none');
    expect(verdict.hoursToLimit).toBeNull();
  });
});

describe('lingering series of a dead container', () => {
  const verdict = analyzeContainer(scenarios.lingeringDeadContainer(), thresholds);

  test('current value is the new container', () => {
    expect(verdict.usageBytes).toBe(150 * MIB);
  });

  test('counts one OOM kill', () => {
    expect(verdict.restarts.total).toBe(1);
    expect(verdict.restarts.oomKills).toBe(1);
  });

  test('forecasts from the dead lifetime', () => {
    // The dead container grew 318 MiB in 3 days (4.4 MiB/h); from 150 MiB that takes 198 h to 1024 MiB.
    expect(verdict.slopeBytesPerHour! / MIB).toBeCloseTo(4.42, 1);
    expect(verdict.hoursToLimit).toBeCloseTo(198, -1);
    expect(verdict.pattern).toBe('linear-growth');
  });

  test('never reads a peak above the limit', () => {
    expect(verdict.peakFractionOfLimit).toBe(0.994);
  });

  test('fresh kill mentioned, no warning', () => {
    expect(verdict.severity).toBe('none');
    expect(verdict.restarts.lastOomKillAt).toBe(NOW + 120);
    expect(verdict.evidence).toContain('1 OOM kill within the last hour at a peak of 1018 MiB (99 % of the limit); no current risk');
  });
});

describe('containers without a memory limit', () => {
  test.each([
    { name: 'limit reported as 0', limitBytes: 0 },
    { name: 'limit reported as the cgroup v1 maximum', limitBytes: 9223372036854771712 },
    { name: 'limit reported as 2^64 − 1', limitBytes: 18446744073709551615 },
    { name: 'no limit series at all', limitBytes: null },
  ])('$name: no forecast, no severity, no NaN', ({ limitBytes }) => {
    const verdict = analyzeContainer(scenarios.unlimitedContainer(limitBytes), thresholds);

    expect(verdict.pattern).toBe('no-limit');
    expect(verdict.severity).toBe('none');
    expect(verdict.limitBytes).toBeNull();
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.hoursToLimitInterval).toBeNull();
    expect(verdict.eta).toBeNull();
    expect(verdict.peakFractionOfLimit).toBeNull();
    expect(verdict.slopeBytesPerHour).toBeCloseTo((50 * MIB) / 24, -4);
    expect(verdict.evidence).toContain('no memory limit set: no time to a limit');
    expect(nonFinitePaths(verdict)).toEqual([]);
    expect(JSON.stringify(verdict)).not.toMatch(/NaN|Infinity|null%/);
  });

  test('cgroup sentinel is named as unlimited, not 0 % used', () => {
    const verdict = analyzeContainer(scenarios.unlimitedContainer(9223372036854771712), thresholds);

    expect(verdict.evidence[0]).toBe("the limit reads 9223372036854771712 bytes, the kernel's value for unlimited");
  });
});

describe('runtime heap cap below the container limit', () => {
  const verdict = analyzeContainer(scenarios.heapCapCrashLoop(), thresholds);

  test('is a crash loop, not healthy', () => {
    expect(verdict.pattern).toBe('crash-loop');
    expect(verdict.severity).toBe('warning');
  });

  test('reports the rate and the ceiling as a share of the limit', () => {
    expect(verdict.restarts.oomKills).toBe(0);
    expect(verdict.restarts.perDay).toBeGreaterThan(14);
    expect(verdict.restarts.perDay).toBeLessThan(16);
    expect(verdict.peakFractionOfLimit).toBe(0.547);
    expect(verdict.evidence[0]).toBe('restart loop ~15/day dying at about 55 % of the limit (560 MiB), not OOMKilled');
    expect(verdict.evidence[1]).toContain('--max-old-space-size');
  });

  test('gives no time to the container limit', () => {
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.eta).toBeNull();
    expect(verdict.evidence[2]).toBe('time to the container limit is not meaningful: the process dies before it gets there');
  });
});

describe('hourly restart cron hides a sizing bug', () => {
  const verdict = analyzeContainer(scenarios.hourlyCronRestarts(), thresholds);

  test('is at risk, with the peak and the restart rate', () => {
    expect(verdict.severity).toBe('critical');
    expect(verdict.pattern).toBe('oom-cycle');
    expect(verdict.peakFractionOfLimit).toBe(0.965);
    expect(verdict.restarts.perDay).toBe(24);
    expect(verdict.evidence[0]).toBe('peak ≈ 97 % of the limit; restarted 24×/day, not OOMKilled: the restarts only just beat the kernel to it');
  });

  test('forecasts nothing across the restarts', () => {
    expect(verdict.hoursToLimit).toBeNull();
  });
});

describe('Celery worker in an OOM-kill loop', () => {
  const verdict = analyzeContainer(scenarios.celeryOomLoop(), thresholds);

  test('is a critical OOM cycle, not insufficient data', () => {
    expect(verdict.pattern).toBe('oom-cycle');
    expect(verdict.severity).toBe('critical');
    expect(verdict.confidence).toBeGreaterThanOrEqual(0.9);
  });

  test('reports the loop rate and no forecast', () => {
    expect(verdict.evidence[0]).toBe('OOM-kill loop, about 20 per hour over the last day');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.restarts.oomKills).toBe(verdict.restarts.total);
    expect(verdict.limitBytes).toBe(2048 * MIB);
  });
});

describe('workers killed inside the container', () => {
  const verdict = analyzeContainer(scenarios.inContainerWorkerKills(), thresholds);

  test('is at risk as in-container OOM kills', () => {
    expect(verdict.pattern).toBe('oom-cycle');
    expect(verdict.severity).toBe('critical');
    expect(verdict.restarts.total).toBe(0);
    expect(verdict.evidence[0]).toBe(
      'repeated peaks ≥ 95 % of the limit with sudden drops but no container restarts (in-container OOM kills likely): 21 in 7 days, every ~8.0 h',
    );
  });
});

describe('nightly spike OOM', () => {
  test.each([
    { name: 'peak samples', peakSamples: true, peak: 'peak = limit' },
    { name: 'point samples that miss the spike', peakSamples: false, peak: 'peak too short for the samples to show' },
  ])('$name: not safe, no forecast, names 03:00 UTC', ({ peakSamples, peak }) => {
    const verdict = analyzeContainer(scenarios.nightlySpikeOom(peakSamples), thresholds);

    expect(verdict.severity).toBe('critical');
    expect(verdict.pattern).toBe('oom-cycle');
    expect(verdict.hoursToLimit).toBeNull();
    expect(verdict.restarts.oomKills).toBe(14);
    expect(verdict.evidence[0]).toBe(`daily OOM kill around 03:00 UTC, spike-driven, ${peak}; 14 in 14 days`);
  });
});

describe('leak masked by daily rollouts', () => {
  const verdict = analyzeContainer(scenarios.dailyRolloutsMaskLeak(), thresholds);

  test('reports the per-lifetime growth', () => {
    expect(verdict.pattern).toBe('linear-growth');
    expect(verdict.slopeBytesPerHour).toBeCloseTo((300 * MIB) / 24, -5);
    expect(verdict.evidence[1]).toBe('per-lifetime growth 12.5 MiB/h (300 MiB/day), steady in 42 of 42 earlier lifetimes; applied from the current 476 MiB');
    expect(verdict.evidence[2]).toBe(
      'leak masked by rollouts or restarts: each lifetime grows 12.5 MiB/h (300 MiB/day) and ends after about 23 h at about 688 MiB; the forecast holds if it is not redeployed',
    );
  });

  test('forecasts about 1.8 days if not redeployed', () => {
    expect(Math.abs((verdict.hoursToLimit ?? 0) / 24 - 1.83)).toBeLessThanOrEqual(0.2);
    expect(verdict.evidence[3]).toMatch(/^reaches the 1\.0 GiB limit in about 44 h if not redeployed/);
  });

  test('warns rather than pages, because rollouts usually come first', () => {
    expect(verdict.severity).toBe('warning');
  });
});

describe('one old OOM kill', () => {
  const verdict = analyzeContainer(scenarios.oldOomKill(), thresholds);

  test('is no current risk', () => {
    expect(verdict.severity).toBe('none');
    expect(verdict.pattern).toBe('flat');
    expect(verdict.hoursToLimit).toBeNull();
  });

  test('mentions the kill and its age', () => {
    expect(verdict.restarts).toMatchObject({ total: 1, oomKills: 1, perDay: 0.07 });
    expect(verdict.evidence).toContain('1 OOM kill 13 days ago at a peak of 996 MiB (97 % of the limit); no current risk');
  });
});
