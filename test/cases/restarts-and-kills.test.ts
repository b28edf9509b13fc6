/**
 * End to end through a real Prometheus: restarts, OOM kills and crash loops as cAdvisor and
 * kube-state-metrics export them (a new container `id` per container, the restart counter, the
 * last-termination reason, owners), judged by `evaluateCheck` and replayed by `runBacktest`.
 */
import { runBacktest } from '../../lambda/backtest';
import { chartKey, evaluateCheck } from '../../lambda/check';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { Sample, Verdict } from '../../lambda/types';
import { nonFinitePaths } from '../analysis/finite';
import {
  AT,
  DAY,
  GiB,
  HOUR,
  MiB,
  ksmLimit,
  lastTerminatedReason,
  restartsTotal,
  useFixturePrometheus,
  workingSet,
} from '../support/prometheus-fixture';
import { MINUTE, deploymentOwners, deploymentPod, namespaceOptions, normalNoise, samplesAt, scrapeTimes, uniformNoise } from './support/cluster';

const WEEK = 7 * DAY;
const LIVE_WINDOW: [number, number] = [AT - 10 * MINUTE, AT];

/** Evaluation instants of the scenarios that are not judged at AT. */
const C04_AT = AT + 2 * MINUTE;
const C08_AT = AT + 30 * MINUTE;
const C13_AT = AT + 3.5 * HOUR;

/** A container's lifetimes: one working-set series per container id, and the instants its containers died. */
interface Lifetimes {
  readonly series: MetricSeries[];
  readonly deaths: number[];
}

/**
 * Simulates a container that dies and restarts: each lifetime gets its own cAdvisor `id`, and the
 * working set follows `valueAt(t, ageSeconds, lifetimeSeconds)` at every scrape.
 */
function simulateLifetimes(
  namespace: string,
  pod: string,
  container: string,
  scrapes: readonly number[],
  lifetimeEnds: readonly number[],
  valueAt: (t: number, ageSeconds: number, lifetimeSeconds: number) => number,
): Lifetimes {
  const series: MetricSeries[] = [];
  let birth = scrapes[0];
  let deathIndex = lifetimeEnds.findIndex((end) => end > birth);
  let samples: Sample[] = [];
  const close = (): void => {
    if (samples.length > 0) {
      series.push(workingSet(namespace, pod, container, samples, `${container}-${birth}`));
    }
  };
  for (const t of scrapes) {
    while (deathIndex >= 0 && deathIndex < lifetimeEnds.length && t >= lifetimeEnds[deathIndex]) {
      close();
      birth = lifetimeEnds[deathIndex];
      deathIndex += 1;
      samples = [];
    }
    const death = deathIndex >= 0 && deathIndex < lifetimeEnds.length ? lifetimeEnds[deathIndex] : Infinity;
    samples.push({ t, v: valueAt(t, t - birth, death - birth) });
  }
  close();
  return { series, deaths: lifetimeEnds.filter((end) => end > scrapes[0] && end <= scrapes[scrapes.length - 1]) };
}

/** The kube-state-metrics restart counter at each scrape: deaths before it, plus 20 s for the kubelet to restart. */
function restartCounter(deaths: readonly number[]): (t: number) => number {
  return (t) => deaths.filter((death) => death + 20 <= t).length;
}

/**
 * An OOM kill at t0, 2 minutes before the evaluation, after a climb from 700 to 1018 MiB over 3
 * days under 1024 MiB. For 4 minutes cAdvisor keeps exporting the dead container frozen at
 * 1018 MiB beside the new one at 150 MiB: a per-pod sum would read 1168 MiB.
 */
function lingeringDeadContainer(): MetricSeries[] {
  const namespace = 'c04';
  const names = deploymentPod('orders', 4);
  const t0 = C04_AT - 2 * MINUTE;
  const climbStart = t0 - 3 * DAY;
  const climb = (t: number) => (700 + (318 * (t - climbStart)) / (3 * DAY)) * MiB;
  const oldTimes = scrapeTimes(climbStart, t0, HOUR, [[t0 - HOUR, t0]]);
  const frozenTimes = scrapeTimes(t0 + MINUTE, t0 + 4 * MINUTE, MINUTE);
  const newTimes = scrapeTimes(t0 + 15, C04_AT + 10 * MINUTE, MINUTE);
  const ksmTimes = scrapeTimes(climbStart, C04_AT + 10 * MINUTE, 5 * MINUTE, [[t0 - 10 * MINUTE, C04_AT + 10 * MINUTE]], 30);
  return [
    workingSet(namespace, names.pod, 'app', [...samplesAt(oldTimes, climb), ...samplesAt(frozenTimes, () => 1018 * MiB)], 'app-old'),
    workingSet(namespace, names.pod, 'app', samplesAt(newTimes, () => 150 * MiB), 'app-new'),
    ksmLimit(namespace, names.pod, 'app', samplesAt(ksmTimes, () => 1024 * MiB)),
    restartsTotal(namespace, names.pod, 'app', samplesAt(ksmTimes, (t) => (t >= t0 + 30 ? 1 : 0))),
    lastTerminatedReason(namespace, names.pod, 'app', 'OOMKilled', samplesAt(ksmTimes.filter((t) => t >= t0 + 30), () => 1)),
    ...deploymentOwners(namespace, names, ksmTimes),
  ];
}

/**
 * A Next.js container whose V8 heap cap ends each lifetime. The working set grows linearly from
 * 300 to 560 MiB over 86–106 minutes, then the process exits with Error (not OOMKilled). That
 * happens about 15 times a day, under a 1024 MiB limit.
 */
function heapCapCrashLoop(): MetricSeries[] {
  const namespace = 'c07';
  const names = deploymentPod('nextjs', 7);
  const start = AT - WEEK - 2 * HOUR;
  const scrapes = scrapeTimes(start, AT, 2 * MINUTE);
  const random = uniformNoise(707);
  const deaths: number[] = [];
  for (let t = start + 90 * MINUTE; t < AT + DAY; t += (96 + 10 * random()) * MINUTE) {
    deaths.push(Math.round(t));
  }
  const lifetimes = simulateLifetimes(namespace, names.pod, 'next', scrapes, deaths, (_t, age, lifetime) => (300 + (260 * age) / Math.min(lifetime, 106 * MINUTE)) * MiB);
  return [
    ...lifetimes.series,
    ksmLimit(namespace, names.pod, 'next', samplesAt(scrapes, () => 1024 * MiB)),
    restartsTotal(namespace, names.pod, 'next', samplesAt(scrapes, restartCounter(lifetimes.deaths))),
    lastTerminatedReason(namespace, names.pod, 'next', 'Error', samplesAt(scrapes, () => 1)),
    ...deploymentOwners(namespace, names, scrapes),
  ];
}

/**
 * A cron restarts the API container at every :00. Within the hour the working set is
 * 1000 + 930·min(m, 55)/55 MiB under a 2000 MiB limit, so point samples at :30 read a flat
 * 1507 MiB (75 %) while the peaks reach 1930 MiB (96.5 %).
 */
function hourlyRestartCron(): MetricSeries[] {
  const namespace = 'c08';
  const names = deploymentPod('vcell-api', 8);
  const start = C08_AT - 8 * DAY - 30 * MINUTE;
  const scrapes = scrapeTimes(start, C08_AT + 10 * MINUTE, 2 * MINUTE);
  const deaths = scrapes.filter((t) => t % HOUR === 0 && t > start);
  const lifetimes = simulateLifetimes(namespace, names.pod, 'api', scrapes, deaths, (_t, age) => (1000 + (930 * Math.min(age / MINUTE, 55)) / 55) * MiB);
  return [
    ...lifetimes.series,
    ksmLimit(namespace, names.pod, 'api', samplesAt(scrapes, () => 2000 * MiB)),
    restartsTotal(namespace, names.pod, 'api', samplesAt(scrapes, restartCounter(lifetimes.deaths))),
    lastTerminatedReason(namespace, names.pod, 'api', 'Error', samplesAt(scrapes, () => 1)),
    ...deploymentOwners(namespace, names, scrapes),
  ];
}

/**
 * A Celery worker OOM-killed every 2.5–4 minutes under the 2048 MiB limit of its live pod spec:
 * each container climbs from 150 MiB to the limit and is killed, 15–24 times an hour.
 */
function celeryOomLoop(): MetricSeries[] {
  const namespace = 'c10';
  const names = deploymentPod('celery-worker', 10);
  const start = AT - WEEK - 2 * HOUR;
  const scrapes = scrapeTimes(start, AT, MINUTE);
  const random = uniformNoise(1010);
  const deaths: number[] = [];
  for (let t = start + 3 * MINUTE; t < AT + HOUR; t += (195 + 45 * random()) * 1) {
    deaths.push(Math.round(t));
  }
  const lifetimes = simulateLifetimes(namespace, names.pod, 'celery', scrapes, deaths, (_t, age, lifetime) => (150 + (1898 * age) / lifetime) * MiB);
  return [
    ...lifetimes.series,
    ksmLimit(namespace, names.pod, 'celery', samplesAt(scrapes, () => 2048 * MiB)),
    restartsTotal(namespace, names.pod, 'celery', samplesAt(scrapes, restartCounter(lifetimes.deaths))),
    lastTerminatedReason(namespace, names.pod, 'celery', 'OOMKilled', samplesAt(scrapes, () => 1)),
    ...deploymentOwners(namespace, names, scrapes),
  ];
}

/**
 * Four gunicorn workers under 1024 MiB: the working set ramps from 600 to ≈1000 MiB over 8
 * hours, drops by about 250 MiB within one sample when a worker is killed and re-forked inside
 * the container, and repeats; the peaks drift up 20 MiB/day. The container never restarts.
 */
function workersKilledInsideTheContainer(): MetricSeries[] {
  const namespace = 'c11';
  const names = deploymentPod('fastapi', 11);
  const start = AT - WEEK - 3 * HOUR;
  const times = scrapeTimes(start, AT, HOUR, [LIVE_WINDOW]);
  const noise = normalNoise(1111);
  const value = (t: number) => {
    const cycle = Math.floor((t - start) / (8 * HOUR));
    const peak = Math.min(985 + (20 * cycle * 8) / 24, 1020);
    const low = cycle === 0 ? 600 : peak - 250;
    const phase = ((t - start) % (8 * HOUR)) / (7 * HOUR);
    // The kernel keeps the working set at or below the limit.
    return Math.min(low + (peak - low) * Math.min(1, phase) + 3 * noise(), 1024) * MiB;
  };
  return [
    workingSet(namespace, names.pod, 'gunicorn', samplesAt(times, value)),
    ksmLimit(namespace, names.pod, 'gunicorn', samplesAt(times, () => 1024 * MiB)),
    restartsTotal(namespace, names.pod, 'gunicorn', samplesAt(times, () => 0)),
    ...deploymentOwners(namespace, names, times),
  ];
}

/**
 * Flat at 1.5 GiB under 6 GiB, except a nightly database cleanup from 03:00 to 03:03 UTC that
 * reaches the limit; the kernel OOM-kills the container and it restarts, every day for 14 days.
 * Scrapes every 5 minutes, and every minute during the spike.
 */
function nightlySpikeOom(): MetricSeries[] {
  const namespace = 'c13';
  const names = deploymentPod('internetnl-app', 13);
  const start = C13_AT - 14 * DAY;
  const end = C13_AT + 9 * HOUR + 10 * MINUTE;
  const spikeWindows: [number, number][] = [];
  const deaths: number[] = [];
  for (let day = start - (start % DAY); day <= end; day += DAY) {
    spikeWindows.push([day + 3 * HOUR, day + 3 * HOUR + 3 * MINUTE]);
    deaths.push(day + 3 * HOUR + 3 * MINUTE + 30);
  }
  const scrapes = scrapeTimes(start, end, 5 * MINUTE, spikeWindows);
  const inSpike = (t: number) => spikeWindows.some(([from, to]) => t >= from && t <= to);
  const lifetimes = simulateLifetimes(namespace, names.pod, 'app', scrapes, deaths, (t) => (inSpike(t) ? 6 * GiB : 1.5 * GiB));
  const counter = restartCounter(lifetimes.deaths);
  return [
    ...lifetimes.series,
    ksmLimit(namespace, names.pod, 'app', samplesAt(scrapes, () => 6 * GiB)),
    restartsTotal(namespace, names.pod, 'app', samplesAt(scrapes, counter)),
    lastTerminatedReason(namespace, names.pod, 'app', 'OOMKilled', samplesAt(scrapes.filter((t) => counter(t) > 0), () => 1)),
    ...deploymentOwners(namespace, names, scrapes),
  ];
}

/** The instant of the single OOM kill of the stale-gauge scenario: 13 days before AT. */
const C17_KILL = AT - 13 * DAY;

/**
 * One OOM kill on day 1 of 14, after a climb to the 1024 MiB limit; the container then stays flat
 * at 400 MiB. The restart counter stays 1 and the last-terminated gauge shows OOMKilled ever since.
 * Scraped every 2 minutes around the kill and over the last two days, where the backtests run.
 */
function staleOomKilledGauge(): MetricSeries[] {
  const namespace = 'c17';
  const names = deploymentPod('ledger', 17);
  const start = AT - 14 * DAY;
  const scrapes = scrapeTimes(start, AT, HOUR, [[C17_KILL - 2 * HOUR, C17_KILL + 2 * DAY + 10 * MINUTE], [AT - 2 * DAY - 10 * MINUTE, AT]], 2 * MINUTE);
  const lifetimes = simulateLifetimes(namespace, names.pod, 'ledger', scrapes, [C17_KILL], (_t, age, lifetime) =>
    lifetime === DAY ? (400 + (620 * age) / DAY) * MiB : 400 * MiB,
  );
  return [
    ...lifetimes.series,
    ksmLimit(namespace, names.pod, 'ledger', samplesAt(scrapes, () => 1024 * MiB)),
    restartsTotal(namespace, names.pod, 'ledger', samplesAt(scrapes, (t) => (t >= C17_KILL + 20 ? 1 : 0))),
    lastTerminatedReason(namespace, names.pod, 'ledger', 'OOMKilled', samplesAt(scrapes.filter((t) => t >= C17_KILL + 20), () => 1)),
    ...deploymentOwners(namespace, names, scrapes),
  ];
}

/**
 * Containers in CrashLoopBackOff that have no working set at the evaluation instant: two that
 * die before cAdvisor ever reports them (exit code Error, and OOMKilled), 10 times an hour, and
 * one that runs 40 seconds at 200 MiB every 10 minutes and is waiting at the evaluation.
 */
function crashLoopBackOff(): MetricSeries[] {
  const start = AT - 2 * DAY;
  const minutes = scrapeTimes(start, AT, MINUTE);
  const series: MetricSeries[] = [];
  for (const [namespace, reason] of [
    ['backoff-unsampled', 'Error'],
    ['backoff-oom-unsampled', 'OOMKilled'],
  ] as const) {
    const names = deploymentPod('gateway', 41);
    series.push(
      ksmLimit(namespace, names.pod, 'gateway', samplesAt(minutes, () => 512 * MiB)),
      restartsTotal(namespace, names.pod, 'gateway', samplesAt(minutes, (t) => Math.floor((t - start) / (6 * MINUTE)))),
      lastTerminatedReason(namespace, names.pod, 'gateway', reason, samplesAt(minutes, () => 1)),
      ...deploymentOwners(namespace, names, minutes),
    );
  }

  const namespace = 'backoff-sparse';
  const names = deploymentPod('gateway', 42);
  const cycleSeconds = 10 * MINUTE;
  const runStarts = scrapeTimes(start + 100, AT, cycleSeconds);
  for (const runStart of runStarts) {
    const samples = samplesAt([runStart + 10, runStart + 40], () => 200 * MiB);
    series.push(workingSet(namespace, names.pod, 'gateway', samples, `gateway-${runStart}`));
  }
  series.push(
    ksmLimit(namespace, names.pod, 'gateway', samplesAt(minutes, () => 512 * MiB)),
    restartsTotal(namespace, names.pod, 'gateway', samplesAt(minutes, (t) => runStarts.filter((runStart) => runStart + 60 <= t).length)),
    lastTerminatedReason(namespace, names.pod, 'gateway', 'Error', samplesAt(minutes, () => 1)),
    ...deploymentOwners(namespace, names, minutes),
  );
  return series;
}

describe('restarts and OOM kills through a real Prometheus', () => {
  const prometheus = useFixturePrometheus(() => [
    ...lingeringDeadContainer(),
    ...heapCapCrashLoop(),
    ...hourlyRestartCron(),
    ...celeryOomLoop(),
    ...workersKilledInsideTheContainer(),
    ...nightlySpikeOom(),
    ...staleOomKilledGauge(),
    ...crashLoopBackOff(),
  ]);

  async function onlyVerdict(namespace: string, atSeconds = AT, lookbackSeconds = WEEK): Promise<Verdict> {
    const evaluation = await evaluateCheck(namespaceOptions(namespace, { lookbackSeconds }), atSeconds, prometheus.current.client(), new Map());
    expect(evaluation.verdicts).toHaveLength(1);
    expect(nonFinitePaths(evaluation.verdicts)).toEqual([]);
    return evaluation.verdicts[0];
  }

  describe('dead container lingering after an OOM kill', () => {
    test('a per-pod sum would double the memory', async () => {
      const [pod] = await prometheus.current.client().query('sum by (pod) (container_memory_working_set_bytes{namespace="c04"})', C04_AT);

      expect(pod.samples[0].v).toBe(1168 * MiB);
    });

    test('reads the new container and one OOM kill', async () => {
      const verdict = await onlyVerdict('c04', C04_AT);

      expect(verdict.usageBytes).toBe(150 * MiB);
      expect(verdict.restarts).toEqual({ total: 1, oomKills: 1, perDay: expect.any(Number), lastOomKillAt: C04_AT });
      expect(verdict.severity).toBe('none');
      expect(verdict.evidence).toContain('1 OOM kill within the last hour at a peak of 1018 MiB (99 % of the limit); no current risk');
      // The next kill comes from the dead container's growth, from 150 MiB: about 8 days away.
      expect(verdict.hoursToLimit).toBeCloseTo(198, -1);
    });

    test('no memory reading exceeds the limit', async () => {
      // A 9-day warning horizon puts the container at risk, so that the check keeps its samples for the chart.
      const evaluation = await evaluateCheck(namespaceOptions('c04', { warnDays: 9 }), C04_AT, prometheus.current.client(), new Map());
      const [verdict] = evaluation.verdicts;
      const chart = evaluation.atRiskSamples.get(chartKey(verdict))!;

      expect(verdict.peakFractionOfLimit).toBe(0.994);
      expect(Math.max(...chart.map((sample) => sample.v))).toBe(1018 * MiB);
    });
  });

  describe('Node.js heap cap crash loop', () => {
    test('reports a restart loop dying at 55 % of the limit, not headroom', async () => {
      const verdict = await onlyVerdict('c07');

      expect(verdict.pattern).toBe('crash-loop');
      expect(verdict.severity).toBe('warning');
      expect(verdict.restarts.oomKills).toBe(0);
      expect(verdict.restarts.perDay).toBeGreaterThanOrEqual(13);
      expect(verdict.restarts.perDay).toBeLessThanOrEqual(16);
      expect(verdict.peakFractionOfLimit).toBeLessThanOrEqual(0.55);
      expect(verdict.evidence[0]).toMatch(/^restart loop ~1[3-6]\/day dying at about 55 % of the limit \(5[45]\d MiB\), not OOMKilled$/);
      expect(verdict.evidence[1]).toContain('--max-old-space-size');
    });

    test('marks the time to the container limit as not meaningful', async () => {
      const verdict = await onlyVerdict('c07');

      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.eta).toBeNull();
      expect(verdict.evidence[2]).toBe('time to the container limit is not meaningful: the process dies before it gets there');
    });
  });

  describe('hourly restart cron hiding a sizing bug', () => {
    test('point samples at :30 read a flat 75 %', async () => {
      const [series] = await prometheus.current
        .client()
        .queryRange('max(container_memory_working_set_bytes{namespace="c08"})', C08_AT - DAY, C08_AT, HOUR);

      expect(new Set(series.samples.map((sample) => Math.round(sample.v / MiB)))).toEqual(new Set([1507]));
    });

    test('reports the 96 % peak and 24 restarts a day', async () => {
      const verdict = await onlyVerdict('c08', C08_AT);

      expect(verdict.severity).not.toBe('none');
      expect(verdict.pattern).toBe('oom-cycle');
      expect(verdict.peakFractionOfLimit).toBe(0.965);
      expect(verdict.restarts.perDay).toBe(24);
      expect(verdict.evidence[0]).toMatch(/^peak ≈ 9[67] % of the limit; restarted 24×\/day/);
      expect(verdict.hoursToLimit).toBeNull();
    });
  });

  describe('Celery worker in an OOM-kill loop', () => {
    test('is one critical OOM-kill loop per workload, with no forecast', async () => {
      const verdict = await onlyVerdict('c10');

      expect(verdict.id).toBe('c10/celery-worker/celery');
      expect(verdict.pattern).toBe('oom-cycle');
      expect(verdict.severity).toBe('critical');
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.evidence[0]).toMatch(/^OOM-kill loop, about (1[5-9]|2[0-4]) per hour over the last day$/);
    });

    test('measures against the 2048 MiB limit of the live pod spec', async () => {
      const verdict = await onlyVerdict('c10');

      expect(verdict.limitBytes).toBe(2048 * MiB);
      expect(verdict.restarts.oomKills).toBe(verdict.restarts.total);
      expect(verdict.restarts.perDay).toBeGreaterThanOrEqual(15 * 24);
      expect(verdict.restarts.perDay).toBeLessThanOrEqual(24 * 24);
    });

    test('notifies once and reminds once a day, not every hour', async () => {
      const result = await runBacktest(
        namespaceOptions('c10'),
        { fromSeconds: AT - 25 * HOUR, toSeconds: AT, everySeconds: HOUR },
        prometheus.current.client(),
      );

      expect(result.checks).toBe(26);
      expect(result.notifications.map((notification) => [notification.kind, notification.severity, notification.at])).toEqual([
        ['new', 'critical', AT - 25 * HOUR],
        ['reminder', 'critical', AT - HOUR],
      ]);
    });
  });

  describe('workers killed inside the container', () => {
    test('flags repeated peaks at the limit without restarts', async () => {
      const verdict = await onlyVerdict('c11');

      expect(verdict.severity).toBe('critical');
      expect(verdict.pattern).toBe('oom-cycle');
      expect(verdict.restarts.total).toBe(0);
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.evidence[0]).toMatch(
        /^repeated peaks ≥ 95 % of the limit with sudden drops but no container restarts \(in-container OOM kills likely\): \d+ in 7 days, every ~8\.0 h$/,
      );
    });
  });

  describe('nightly spike OOM', () => {
    test('reports the nightly 03:00 spike OOM without a linear forecast', async () => {
      const verdict = await onlyVerdict('c13', C13_AT);

      expect(verdict.severity).toBe('critical');
      expect(verdict.pattern).toBe('oom-cycle');
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.restarts.oomKills).toBe(7);
      expect(verdict.peakFractionOfLimit).toBe(1);
      expect(verdict.evidence[0]).toBe('daily OOM kill around 03:00 UTC, spike-driven, peak = limit; 7 in 7 days');
    });

    test('is still no safe verdict nine hours after the spike', async () => {
      const verdict = await onlyVerdict('c13', C13_AT + 9 * HOUR);

      expect(verdict.severity).toBe('critical');
      expect(verdict.evidence[0]).toMatch(/^daily OOM kill around 03:00 UTC, spike-driven, peak = limit; /);
    });
  });

  describe('CrashLoopBackOff without a working set at the check', () => {
    test('unsampled restart loop is a crash loop', async () => {
      const verdict = await onlyVerdict('backoff-unsampled');

      expect(verdict.id).toBe('backoff-unsampled/gateway/gateway');
      expect(verdict.pattern).toBe('crash-loop');
      expect(verdict.severity).toBe('warning');
      expect(verdict.usageBytes).toBeNull();
      expect(verdict.hoursToLimit).toBeNull();
      expect(verdict.restarts).toEqual({ total: 480, oomKills: 0, perDay: 240, lastOomKillAt: null });
      expect(verdict.evidence[0]).toBe('restart loop ~240/day with no memory samples, not OOMKilled: each container dies before cAdvisor reports its memory');
    });

    test('the same loop with OOMKilled is a critical OOM cycle', async () => {
      const verdict = await onlyVerdict('backoff-oom-unsampled');

      expect(verdict.pattern).toBe('oom-cycle');
      expect(verdict.severity).toBe('critical');
      expect(verdict.restarts.oomKills).toBe(480);
      expect(verdict.evidence[0]).toBe('OOM-kill loop ~240/day with no memory samples: each container is killed before cAdvisor reports its memory');
    });

    test('a container waiting in back-off at the check is still judged', async () => {
      const verdict = await onlyVerdict('backoff-sparse');

      expect(verdict.pattern).toBe('crash-loop');
      expect(verdict.severity).toBe('warning');
      expect(verdict.usageBytes).toBe(200 * MiB);
      expect(verdict.evidence[0]).toBe('restart loop ~144/day dying at about 40 % of the limit (200 MiB), not OOMKilled');
    });
  });

  describe('stale OOMKilled gauge', () => {
    test('one old OOM kill is no current risk', async () => {
      const verdict = await onlyVerdict('c17');

      expect(verdict.severity).toBe('none');
      expect(verdict.pattern).toBe('flat');
      expect(verdict.restarts.total).toBe(0);
    });

    test('a 14-day lookback mentions the kill 13 days ago', async () => {
      const verdict = await onlyVerdict('c17', AT, 14 * DAY);

      expect(verdict.severity).toBe('none');
      expect(verdict.restarts).toEqual({ total: 1, oomKills: 1, perDay: 0.07, lastOomKillAt: expect.any(Number) });
      expect(AT - verdict.restarts.lastOomKillAt!).toBeGreaterThan(12.5 * DAY);
      expect(verdict.evidence).toContainEqual(expect.stringMatching(/^1 OOM kill 13 days ago at a peak of 10[12]\d MiB \((99|100) % of the limit\); no current risk$/));
    });

    test('two days of hourly checks send nothing', async () => {
      const result = await runBacktest(
        namespaceOptions('c17'),
        { fromSeconds: AT - 2 * DAY, toSeconds: AT, everySeconds: HOUR },
        prometheus.current.client(),
      );

      expect(result.checks).toBe(49);
      expect(result.notifications).toEqual([]);
    });

    test('the climb and the kill alert once, remind once and resolve once', async () => {
      const result = await runBacktest(
        namespaceOptions('c17'),
        { fromSeconds: C17_KILL - HOUR, toSeconds: C17_KILL + 2 * DAY, everySeconds: HOUR },
        prometheus.current.client(),
      );

      // Before the kill the container climbs to 99 % of its limit, which is critical. For two hours
      // after it, the restarted container is expected to climb like the lifetime that ended (the
      // open critical alert stays); once it has stayed flat it is not, and the alert drops to a
      // warning at once. The fresh OOM kill keeps that warning for a day; then the alert resolves.
      const hoursAfterKill = (seconds: number) => (seconds - C17_KILL) / HOUR;
      expect(result.notifications.map((notification) => [notification.kind, notification.severity, hoursAfterKill(notification.at)])).toEqual([
        ['new', 'critical', -1],
        ['reminder', 'warning', 2],
        ['resolved', 'resolved', 28],
      ]);
    });
  });
});
