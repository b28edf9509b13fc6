/**
 * Failure cases reported by engineers, reduced to the shape of their data. They cover warm-ups
 * after rollouts, page cache, lingering series of dead containers and missing limits. They also
 * cover crash loops, restart crons, OOM-kill loops, kills inside the container, nightly spikes,
 * leaks masked by rollouts and a stale OOMKilled gauge.
 */
import type { SimulationWindow } from '../../../lambda/demo/kube-simulator';
import type { MetricSeries } from '../../../lambda/local-prometheus/openmetrics';
import { gaussian, seededRandom } from '../../../lambda/demo/random';
import type { QualityScenario } from '../scenario';
import { gaugeLike, mapLabels, mapSamples, withoutDuplicates } from '../series-edits';
import { DAY, GIB, HOUR, MIB, simulateDeployment } from './builders';

/** Series of one pod, picked by the pod name prefix. */
function seriesOfPodsStartingWith(series: readonly MetricSeries[], podPrefix: string): MetricSeries[] {
  return series.filter((one) => one.labels.pod?.startsWith(podPrefix) && one.name === 'container_memory_working_set_bytes' && one.labels.container !== undefined);
}

/**
 * Builds pods that climb steeply after each start and level off (450 − 300·e^(−h) MiB) under a
 * 1024 MiB limit, with rollouts every 2 days and a last one 2 hours before the end.
 */
export function warmUpAfterRollouts(window: SimulationWindow): QualityScenario {
  const name = 'c01-warm-up';
  const random = seededRandom(201);
  const memoryBytes = (ageSeconds: number): number => (450 - 300 * Math.exp(-ageSeconds / HOUR)) * MIB + gaussian(random, 5 * MIB);
  const rolloutSeconds: number[] = [];
  for (let t = window.startSeconds; t < window.endSeconds - 2 * DAY; t += 2 * DAY) {
    rolloutSeconds.push(t);
  }
  rolloutSeconds.push(window.endSeconds - 2 * HOUR);
  const simulated = simulateDeployment(name, 'keystone', 'api', rolloutSeconds.map((atSeconds) => ({ atSeconds, limitBytes: 1024 * MIB, memoryBytes })), window);
  return {
    name,
    description: 'warm-up 150 → 450 MiB after each rollout (every 2 d), limit 1 GiB',
    group: 'benign',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
  };
}

/** Builds a cache that rises concavely from 40 to 130 MiB over 10 hours, drops back and repeats, under 512 MiB. */
export function boundedCacheCycles(window: SimulationWindow): QualityScenario {
  const name = 'c01-cycles';
  const random = seededRandom(202);
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number => {
    const cycleHours = ((atSeconds - window.startSeconds) % (10 * HOUR)) / HOUR;
    return (40 + (90 * (1 - Math.exp(-cycleHours / 5))) / (1 - Math.exp(-2))) * MIB + gaussian(random, MIB);
  };
  const simulated = simulateDeployment(name, 'postgres', 'postgres', [{ atSeconds: window.startSeconds, limitBytes: 512 * MIB, memoryBytes }], window);
  return {
    name,
    description: 'cache cycles 40 → 130 MiB every 10 h (+40 %/h at first), limit 512 MiB',
    group: 'benign',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
  };
}

/**
 * Builds a flat 520 MiB working set beside page cache that grows 150 MiB/day to 1100 MiB, so
 * that `container_memory_usage_bytes` climbs while the working set does not. Limit 4 GiB.
 */
export function pageCacheBesideWorkingSet(window: SimulationWindow): QualityScenario {
  const name = 'c02-page-cache';
  const random = seededRandom(203);
  const simulated = simulateDeployment(name, 'image-server', 'sipi', [{ atSeconds: window.startSeconds, limitBytes: 4 * GIB, memoryBytes: () => 520 * MIB + gaussian(random, 10 * MIB) }], window);

  const cacheBytes = (t: number): number => Math.min(100 + (150 * (t - window.startSeconds)) / DAY, 1100) * MIB;
  const extra: MetricSeries[] = [];
  for (const workingSet of seriesOfPodsStartingWith(simulated.series, 'image-server')) {
    const bytesAt = new Map(workingSet.samples.map((sample) => [sample.t, sample.v]));
    extra.push(gaugeLike(workingSet, 'container_memory_cache', workingSet.labels, cacheBytes));
    extra.push(gaugeLike(workingSet, 'container_memory_usage_bytes', workingSet.labels, (t) => (bytesAt.get(t) ?? 0) + cacheBytes(t)));
  }
  return {
    name,
    description: 'working set flat 520 MiB; page cache +150 MiB/d to 1.1 GiB inflates usage, limit 4 GiB',
    group: 'benign',
    series: [...simulated.series, ...extra],
    oomKillSeconds: simulated.oomKillSeconds,
  };
}

/**
 * Builds a leak of 108 MiB/day toward 1024 MiB (first container from 500 MiB, later ones from
 * 150 MiB). After each OOM kill the dead container's series stays for one more scrape, frozen at
 * 1018 MiB, beside the new container's.
 */
export function lingeringDeadContainer(window: SimulationWindow): QualityScenario {
  const name = 'c04-lingering';
  const random = seededRandom(204);
  const bytesPerHour = (108 * MIB) / 24;
  const memoryBytes = (ageSeconds: number, atSeconds: number): number => {
    const startBytes = atSeconds - ageSeconds <= window.startSeconds ? 500 * MIB : 150 * MIB;
    return startBytes + (bytesPerHour * ageSeconds) / HOUR + gaussian(random, 2 * MIB);
  };
  const simulated = simulateDeployment(name, 'app', 'app', [{ atSeconds: window.startSeconds, limitBytes: 1024 * MIB, memoryBytes }], window);

  const kills = new Set(simulated.oomKillSeconds);
  const series = simulated.series.map((one) => {
    const killed = one.name === 'container_memory_working_set_bytes' && one.labels.container !== undefined && kills.has(one.samples.at(-1)?.t ?? NaN);
    const lastSeconds = one.samples.at(-1)?.t ?? 0;
    if (!killed || lastSeconds + 180 > window.endSeconds) {
      return one;
    }
    return { ...one, samples: [...one.samples, { t: lastSeconds + 180, v: 1018 * MIB }] };
  });
  const lastKill = simulated.oomKillSeconds.at(-1) ?? window.startSeconds;
  return {
    name,
    description: 'leak 108 MiB/d to 1 GiB; dead container series lingers at 1018 MiB after each OOM',
    group: 'leak',
    series,
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: lastKill + ((1024 - 150) / 108) * DAY,
  };
}

/**
 * Builds three containers without a memory limit, each growing 50 MiB/day from 400 MiB: the
 * cAdvisor limit reads 0 for one, the cgroup v1 maximum for another, and the third has no limit
 * series at all. kube-state-metrics exports no limit for any of them.
 */
export function containersWithoutLimit(window: SimulationWindow): QualityScenario {
  const name = 'c06-no-limit';
  const variants = [
    { deployment: 'zero-limit', specLimitBytes: 0 as number | null },
    { deployment: 'sentinel-limit', specLimitBytes: 9223372036854771712 as number | null },
    { deployment: 'no-limit-series', specLimitBytes: null },
  ];
  const series: MetricSeries[] = [];
  variants.forEach((variant, index) => {
    const random = seededRandom(205 + index);
    const memoryBytes = (ageSeconds: number): number => 400 * MIB + (50 * MIB * ageSeconds) / DAY + gaussian(random, 2 * MIB);
    const simulated = simulateDeployment(name, variant.deployment, 'app', [{ atSeconds: window.startSeconds, limitBytes: null, memoryBytes }], window);
    series.push(...simulated.series);
    if (variant.specLimitBytes !== null) {
      const specLimitBytes = variant.specLimitBytes;
      for (const workingSet of seriesOfPodsStartingWith(simulated.series, variant.deployment)) {
        series.push(gaugeLike(workingSet, 'container_spec_memory_limit_bytes', workingSet.labels, () => specLimitBytes));
      }
    }
  });
  return {
    name,
    description: 'three containers +50 MiB/d, no limit: spec limit 0, cgroup maximum, no series',
    group: 'benign',
    series,
    oomKillSeconds: [],
  };
}

/**
 * Builds a Node.js service that runs flat at 350 MiB for 10 days, then, after a release, dies
 * every 96 minutes at 560 MiB of its 1024 MiB limit (the V8 heap cap), with reason Error.
 */
export function heapCapCrashLoop(window: SimulationWindow): QualityScenario {
  const name = 'c07-crash-loop';
  const random = seededRandom(208);
  const releaseSeconds = window.startSeconds + 10 * DAY;
  const ceilingBytes = 560 * MIB;
  const simulated = simulateDeployment(
    name,
    'nextjs',
    'web',
    [
      { atSeconds: window.startSeconds, limitBytes: 1024 * MIB, memoryBytes: () => 350 * MIB + gaussian(random, 3 * MIB) },
      // The simulator restarts a container at its limit, so the heap cap serves as the limit here.
      // The real limit and termination reason are written back below.
      { atSeconds: releaseSeconds, limitBytes: ceilingBytes, memoryBytes: (ageSeconds) => 300 * MIB + (260 * MIB * ageSeconds) / (96 * 60) },
    ],
    window,
  );
  const series = asRestartsBelowLimit(simulated.series, 1024 * MIB);
  return {
    name,
    description: 'from day 10, dies every 96 min at 560 MiB of 1 GiB (heap cap), reason Error',
    group: 'risk',
    series,
    oomKillSeconds: [],
    nonOomRisk: { level: 'warning', fromSeconds: releaseSeconds },
  };
}

/**
 * Builds a JVM restarted by a cron job at every full hour. Within the hour its working set climbs
 * from 1000 to 1930 MiB by minute 55 and stays there. The limit is 2000 MiB (peak ≈ 96 %).
 */
export function hourlyCronRestarts(window: SimulationWindow): QualityScenario {
  const name = 'c08-hourly-restarts';
  const peakBytes = 1931 * MIB;
  const memoryBytes = (ageSeconds: number): number =>
    ageSeconds >= HOUR ? peakBytes : (1000 + (930 * Math.min(ageSeconds / 60, 55)) / 55) * MIB;
  // As in the crash loop, the peak serves as the limit so that the simulator restarts there.
  const simulated = simulateDeployment(name, 'vcell-api', 'api', [{ atSeconds: window.startSeconds, limitBytes: peakBytes, memoryBytes }], window);
  return {
    name,
    description: 'restarted at every full hour by a cron; peaks 1930 of 2000 MiB (96 %), never OOMKilled',
    group: 'risk',
    series: asRestartsBelowLimit(simulated.series, 2000 * MIB),
    oomKillSeconds: [],
    nonOomRisk: { level: 'critical', fromSeconds: window.startSeconds },
  };
}

/** Rewrites simulated kills as restarts below the limit: the real limit, and reason Error instead of OOMKilled. */
function asRestartsBelowLimit(series: readonly MetricSeries[], limitBytes: number): MetricSeries[] {
  const withLimit = mapSamples(series, 'kube_pod_container_resource_limits', (sample) => ({ t: sample.t, v: limitBytes }));
  return mapLabels(withLimit, (labels, metric) => (metric === 'kube_pod_container_status_last_terminated_reason' ? { ...labels, reason: 'Error' } : labels));
}

/**
 * Builds a Celery worker that uses 600 MiB for 14 days. Then a release makes a task balloon, and
 * the container is OOM-killed every 6 minutes at its 2048 MiB limit.
 */
export function celeryOomLoop(window: SimulationWindow): QualityScenario {
  const name = 'c10-oom-loop';
  const random = seededRandom(210);
  const releaseSeconds = window.startSeconds + 14 * DAY;
  const limitBytes = 2048 * MIB;
  const simulated = simulateDeployment(
    name,
    'celery',
    'worker',
    [
      { atSeconds: window.startSeconds, limitBytes, memoryBytes: () => 600 * MIB + gaussian(random, 10 * MIB) },
      { atSeconds: releaseSeconds, limitBytes, memoryBytes: (ageSeconds) => (ageSeconds >= 360 ? limitBytes : (150 + random() * 1850) * MIB) },
    ],
    window,
  );
  return {
    name,
    description: 'flat 600 MiB, then from day 14 OOM-killed every 6 min at 2 GiB',
    group: 'risk',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
    // The loop goes on after the window.
    projectedOomSeconds: (simulated.oomKillSeconds.at(-1) ?? releaseSeconds) + 360,
  };
}

/**
 * Builds gunicorn workers killed inside the container: the working set ramps for 7 hours to a
 * peak, holds for an hour and drops 250 MiB with no container restart. Peaks start at 880 MiB
 * and drift up 20 MiB/day, capped at 1005 MiB of the 1024 MiB limit (98 %, so that noise never
 * reaches the limit and the container is never restarted). Drops from a peak of 95 %
 * of the limit or more are counted as OOM kills of a worker.
 */
export function inContainerWorkerKills(window: SimulationWindow): QualityScenario {
  const name = 'c11-in-container';
  const random = seededRandom(211);
  const limitBytes = 1024 * MIB;
  const cycleSeconds = 8 * HOUR;
  const peakMib = (cycle: number): number => Math.min(880 + (20 * cycle * 8) / 24, 1005);
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number => {
    const cycle = Math.floor((atSeconds - window.startSeconds) / cycleSeconds);
    const phase = ((atSeconds - window.startSeconds) % cycleSeconds) / (7 * HOUR);
    const peak = peakMib(cycle);
    return (peak - 250 + 250 * Math.min(1, phase)) * MIB + gaussian(random, 2 * MIB);
  };
  const simulated = simulateDeployment(name, 'fastapi', 'gunicorn', [{ atSeconds: window.startSeconds, limitBytes, memoryBytes }], window);

  const workerKills: number[] = [];
  let cycle = 0;
  for (; window.startSeconds + (cycle + 1) * cycleSeconds <= window.endSeconds; cycle += 1) {
    if (peakMib(cycle) * MIB >= 0.95 * limitBytes) {
      workerKills.push(window.startSeconds + (cycle + 1) * cycleSeconds);
    }
  }
  return {
    name,
    description: '8 h ramps, 250 MiB drops without restarts; peaks 880 → 1005 of 1024 MiB (≥ 95 % from day 5)',
    group: 'risk',
    series: simulated.series,
    oomKillSeconds: [...simulated.oomKillSeconds, ...workerKills].sort((a, b) => a - b),
    // The cycle that straddles the window end kills a worker too.
    projectedOomSeconds: window.startSeconds + (cycle + 1) * cycleSeconds,
    killsBelowLimit: true,
  };
}

/** Builds a flat 1.5 GiB container that a nightly cleanup drives to its 6 GiB limit at 03:00 UTC: OOM-killed every day. */
export function nightlySpikeOom(window: SimulationWindow): QualityScenario {
  const name = 'c13-nightly-spike';
  const random = seededRandom(213);
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number => {
    const secondOfDay = ((atSeconds % DAY) + DAY) % DAY;
    return secondOfDay >= 3 * HOUR && secondOfDay < 3 * HOUR + 180 ? 6 * GIB : 1.5 * GIB + gaussian(random, 20 * MIB);
  };
  const simulated = simulateDeployment(name, 'internet-nl', 'app', [{ atSeconds: window.startSeconds, limitBytes: 6 * GIB, memoryBytes }], window);
  return {
    name,
    description: 'flat 1.5 GiB; a 03:00 UTC cleanup spikes to the 6 GiB limit, OOM-killed daily',
    group: 'risk',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
    // The cleanup runs again the night after the window.
    projectedOomSeconds: (simulated.oomKillSeconds.at(-1) ?? window.startSeconds) + DAY,
  };
}

/** A Deployment name of 60 characters: its pods' names are cut to 58 characters before the random suffix. */
const LONG_DEPLOYMENT_NAME = 'payments-settlement-reconciliation-worker-eu-card-network-v2';

/**
 * Builds two Deployments of 3 replicas each, rolled out daily at 14:00 UTC. Each pod grows
 * 300 MiB/day from 400 MiB and would reach its 1024 MiB limit after 2.08 days, but is replaced
 * after at most one day at ≈700 MiB. The second Deployment's name has 60 characters, so its pod
 * names are truncated as Kubernetes does and carry neither the full name nor the template hash.
 */
export function rolloutMaskedLeak(window: SimulationWindow): QualityScenario {
  const name = 'c15-masked-leak';
  const limitBytes = 1024 * MIB;
  const rolloutSeconds = [window.startSeconds];
  for (let t = window.startSeconds + 14 * HOUR; t < window.endSeconds; t += DAY) {
    rolloutSeconds.push(t);
  }

  const series: MetricSeries[] = [];
  for (const deployment of ['checkout-api', LONG_DEPLOYMENT_NAME]) {
    for (let replica = 0; replica < 3; replica += 1) {
      const random = seededRandom(215 + replica + (deployment === 'checkout-api' ? 0 : 10));
      const memoryBytes = (ageSeconds: number): number => 400 * MIB + (300 * MIB * ageSeconds) / DAY + gaussian(random, 3 * MIB);
      const simulated = simulateDeployment(name, deployment, 'app', rolloutSeconds.map((atSeconds) => ({ atSeconds, limitBytes, memoryBytes })), window, replica);
      series.push(...simulated.series);
    }
  }

  const truncated = mapLabels(withoutDuplicates(series), (labels) => {
    if (labels.pod?.startsWith(LONG_DEPLOYMENT_NAME)) {
      const suffix = labels.pod.slice(-5);
      const replicaSet = labels.pod.slice(0, -6);
      return { ...labels, pod: `${replicaSet}-`.slice(0, 58) + suffix };
    }
    return labels;
  });
  const lifetimeToLimitSeconds = ((1024 - 400) / 300) * DAY;
  return {
    name,
    description: '2 Deployments × 3 pods, +300 MiB/d per pod, daily rollouts mask it (limit after 2.08 d)',
    group: 'leak',
    series: truncated,
    oomKillSeconds: [],
    // If not redeployed, the current pods reach the limit 2.08 days after they started.
    nextOomAfter: (atSeconds) => {
      // At a rollout instant the old pods still serve, so the pods current at an instant started before it.
      const currentStart = rolloutSeconds.filter((seconds) => seconds < atSeconds).at(-1) ?? window.startSeconds;
      return currentStart + lifetimeToLimitSeconds;
    },
  };
}

/**
 * Builds a container OOM-killed once, two days before the shared window starts (so three days
 * before the first check), that then runs flat at 400 MiB; the OOMKilled gauge stays 1.
 */
export function staleOomKilledGauge(window: SimulationWindow): QualityScenario {
  const name = 'c17-old-oom';
  const random = seededRandom(217);
  const limitBytes = 1024 * MIB;
  // This scenario alone starts earlier, so that its kill is old news by the first check.
  const ownWindow = { ...window, startSeconds: window.startSeconds - 2 * DAY };
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number =>
    atSeconds <= ownWindow.startSeconds ? limitBytes : 400 * MIB + gaussian(random, 3 * MIB);
  const simulated = simulateDeployment(name, 'core-ng', 'app', [{ atSeconds: ownWindow.startSeconds, limitBytes, memoryBytes }], ownWindow);
  return {
    name,
    description: 'one OOM kill 3 d before the first check, then flat 400 of 1024 MiB; OOMKilled gauge stays 1',
    group: 'benign',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
  };
}

/** Builds every case scenario. */
export function caseScenarios(window: SimulationWindow): QualityScenario[] {
  return [
    warmUpAfterRollouts(window),
    boundedCacheCycles(window),
    pageCacheBesideWorkingSet(window),
    lingeringDeadContainer(window),
    containersWithoutLimit(window),
    heapCapCrashLoop(window),
    hourlyCronRestarts(window),
    celeryOomLoop(window),
    inContainerWorkerKills(window),
    nightlySpikeOom(window),
    rolloutMaskedLeak(window),
    staleOomKilledGauge(window),
  ];
}
