/**
 * Named synthetic scenarios: the motivating uwsgi leak and its fix, each memory pattern with a
 * near miss, and the reduced shapes of the real-world failure cases. Every scenario is
 * deterministic (fixed seeds).
 */
import type { ContainerHistory, RestartEvent, Sample } from '../../lambda/types';
import { createSeededRandom } from '../../lambda/analysis/seeded-random';
import { containerHistory, DAY, GIB, HOUR, MB, MIB, NOW, restartEvents, samplePeakPerStep, sampleSeries, splitAt } from './generators';

const LEAK_START_BYTES = 500 * MB;
const LEAK_BYTES_PER_HOUR = 30 * MB;
const UWSGI_LIMIT_BYTES = 6 * GIB;

/** Options of the motivating leak. */
export interface LeakOptions {
  /** Hours since the container started, at NOW. */
  readonly ageHours: number;
  readonly noiseBytes?: number;
  readonly gaps?: readonly (readonly [number, number])[];
  readonly seed?: number;
}

/** Builds the motivating leak: 30 MB/h from 500 MB toward a 6 GiB limit, 7-day lookback. */
export function motivatingLeak(options: LeakOptions): ContainerHistory {
  const start = NOW - options.ageHours * HOUR;
  const from = Math.max(start, NOW - 7 * DAY);
  const samples = sampleSeries((t) => LEAK_START_BYTES + (LEAK_BYTES_PER_HOUR * (t - start)) / HOUR, {
    from,
    to: NOW,
    noiseBytes: options.noiseBytes,
    gaps: options.gaps,
    seed: options.seed,
  });
  return containerHistory({ usageByContainerId: [samples], limitBytes: UWSGI_LIMIT_BYTES });
}

/** Hours until the motivating leak of `ageHours` reaches `limitBytes`. */
export function leakHoursToLimit(ageHours: number, limitBytes = UWSGI_LIMIT_BYTES): number {
  return (limitBytes - (LEAK_START_BYTES + LEAK_BYTES_PER_HOUR * ageHours)) / LEAK_BYTES_PER_HOUR;
}

/**
 * Builds the motivating leak across an OOM kill 80 hours ago: the old container reached the
 * limit, and the new one started again from 500 MB. With `withContainerIds` each container is
 * its own series. Without, one series and the restart counter show the restart.
 */
export function leakAcrossRestart(withContainerIds: boolean): ContainerHistory {
  const killTime = NOW - 80 * HOUR;
  const value = (t: number): number =>
    t <= killTime ? UWSGI_LIMIT_BYTES - (LEAK_BYTES_PER_HOUR * (killTime - t)) / HOUR : LEAK_START_BYTES + (LEAK_BYTES_PER_HOUR * (t - killTime)) / HOUR;
  const samples = sampleSeries((t) => Math.min(value(t), UWSGI_LIMIT_BYTES), { from: NOW - 7 * DAY, to: NOW, noiseBytes: 10 * MB, seed: 3 });
  const restarts = restartEvents([killTime + HOUR], true);
  const usageByContainerId = withContainerIds ? splitAt(samples, [killTime + HOUR]) : [samples];
  return containerHistory({ usageByContainerId, restarts, limitBytes: UWSGI_LIMIT_BYTES });
}

/** Builds a step leak: +300 MB every 12 h from 500 MB, 7 days, 10 MB noise. */
export function stepLeak(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const samples = sampleSeries((t) => LEAK_START_BYTES + 300 * MB * Math.floor((t - start) / (12 * HOUR)), { from: start, to: NOW, noiseBytes: 10 * MB, seed: 5 });
  return containerHistory({ usageByContainerId: [samples], limitBytes: UWSGI_LIMIT_BYTES });
}

/** Builds the motivating leak, 140 h old, whose limit was raised in place from 4 GiB to 8 GiB 48 hours ago. */
export function leakWithRaisedLimit(): ContainerHistory {
  return { ...motivatingLeak({ ageHours: 140, noiseBytes: 10 * MB, seed: 11 }), limitBytes: 8 * GIB };
}

/** Builds the state after the fix: recycled uwsgi workers, a 400–600 MB sawtooth of 6-hour cycles under 2 GiB. */
export function recycledWorkersSawtooth(peakRiseBytesPerHour = 0): ContainerHistory {
  const start = NOW - 7 * DAY;
  const noise = createSeededRandom(17);
  const jitter = new Map<number, number>();
  const value = (t: number): number => {
    const cycle = Math.floor((t - start) / (6 * HOUR));
    if (!jitter.has(cycle)) {
      jitter.set(cycle, (noise() - 0.5) * 16 * MB);
    }
    const phase = ((t - start) % (6 * HOUR)) / (6 * HOUR);
    return 400 * MB + phase * 200 * MB + (jitter.get(cycle) ?? 0) + (peakRiseBytesPerHour * (t - start)) / HOUR;
  };
  return containerHistory({ usageByContainerId: [samplePeakPerStep(value, start + HOUR, NOW)], limitBytes: 2 * GIB });
}

/** Builds a JVM garbage-collection sawtooth: 1.0 → 1.5 GiB over 4 hours, then a collection, under 3 GiB. */
export function garbageCollectionSawtooth(): ContainerHistory {
  const start = NOW - 5 * DAY;
  const samples = sampleSeries((t) => GIB + (((t - start) % (4 * HOUR)) / (4 * HOUR)) * 0.5 * GIB * (4 / 3), { from: start, to: NOW, noiseBytes: 5 * MIB, seed: 19 });
  return containerHistory({ id: 'shop/orders/jvm', usageByContainerId: [samples], limitBytes: 3 * GIB });
}

/** Returns the warm-up of one pod: 450 − 300·exp(−h/1h) MiB plus noise. */
function warmUpValue(ageHours: number, noise: number): number {
  return (450 - 300 * Math.exp(-ageHours)) * MIB + noise;
}

/**
 * Builds start-up ramps across rollouts: pods at day 1, 3 and 5 and 2 hours ago, each warming
 * up to 450 MiB under 1024 MiB. The live pod has 3 samples (150, 340, 409 MiB), or more with a
 * larger `liveAgeHours`.
 */
export function warmUpAcrossRollouts(liveAgeHours = 2): ContainerHistory {
  const lookbackStart = NOW - 7 * DAY;
  const rollouts = [lookbackStart, lookbackStart + DAY, lookbackStart + 3 * DAY, lookbackStart + 5 * DAY, NOW - liveAgeHours * HOUR];
  const random = createSeededRandom(23);
  const noise = (): number => (random() - 0.5) * 2 * 5 * MIB;
  const pods = rollouts.map((start, index) => {
    const end = index + 1 < rollouts.length ? rollouts[index + 1] - HOUR : NOW;
    const samples: Sample[] = [];
    for (let t = start; t <= end; t += HOUR) {
      samples.push({ t, v: warmUpValue((t - start) / HOUR, index === rollouts.length - 1 && t - start < 3 * HOUR ? 0 : noise()) });
    }
    return { pod: `cache-7d9f-${index}`, samples };
  });
  const live = pods[pods.length - 1];
  return containerHistory({
    id: 'db/cache/app',
    labels: { namespace: 'db', pod: live.pod, container: 'app' },
    usageByContainerId: [live.samples],
    earlierPods: pods.slice(0, -1),
    limitBytes: 1024 * MIB,
  });
}

/** Builds a bounded cycling cache: 40 → 130 MiB concave over 10 h, back to 40 MiB, for 7 days under 512 MiB. */
export function boundedCacheCycles(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const value = (t: number): number => {
    const age = ((t - start) % (10 * HOUR)) / HOUR;
    return (40 + (90 * (1 - Math.exp(-age / 5))) / (1 - Math.exp(-2))) * MIB;
  };
  const samples = sampleSeries(value, { from: start, to: NOW, noiseBytes: 1 * MIB, seed: 29 });
  return containerHistory({ id: 'db/postgres/postgres', usageByContainerId: [samples], limitBytes: 512 * MIB });
}

/** Builds a 24-hour traffic cycle of ±200 MB around 800 MB under 2 GiB, optionally on top of a leak. */
export function dailyCycle(leakBytesPerHour = 0): ContainerHistory {
  const start = NOW - 7 * DAY;
  const value = (t: number): number => 800 * MB + 200 * MB * Math.sin((2 * Math.PI * (t - 8 * HOUR)) / DAY) + (leakBytesPerHour * (t - start)) / HOUR;
  const samples = sampleSeries(value, { from: start, to: NOW, noiseBytes: 10 * MB, seed: 31 });
  return containerHistory({ id: 'web/frontend/node', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/** Builds flat 500 MB with isolated one-hour spikes to `spikeBytes`, under 2 GiB. */
export function isolatedSpikes(spikeBytes = 1200 * MB): ContainerHistory {
  const spikeTimes = new Set([NOW - 130 * HOUR, NOW - 77 * HOUR, NOW - 20 * HOUR]);
  const samples = sampleSeries((t) => (spikeTimes.has(t) ? spikeBytes : 500 * MB), { from: NOW - 7 * DAY, to: NOW, noiseBytes: 5 * MB, seed: 37 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/** Builds a one-off jump from 400 MB to 700 MB 80 hours ago, flat before and after, under 2 GiB. */
export function levelShift(): ContainerHistory {
  const samples = sampleSeries((t) => (t >= NOW - 80 * HOUR ? 700 * MB : 400 * MB), { from: NOW - 7 * DAY, to: NOW, noiseBytes: 5 * MB, seed: 41 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/** Builds a slow decline from 1200 MB to 900 MB over 7 days, under 2 GiB. */
export function slowDecline(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const samples = sampleSeries((t) => 1200 * MB - (300 * MB * (t - start)) / (7 * DAY), { from: start, to: NOW, noiseBytes: 10 * MB, seed: 43 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/** Builds flat memory at `levelBytes` under `limitBytes`, with `noiseBytes` of noise. */
export function flat(levelBytes = 400 * MB, limitBytes = 1 * GIB, noiseBytes = 10 * MB): ContainerHistory {
  const samples = sampleSeries(() => levelBytes, { from: NOW - 7 * DAY, to: NOW, noiseBytes, seed: 47 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes });
}

/** Builds a slow leak hidden in noise: 2 MB/h from 300 MB with 20 MB noise, under 1 GiB. */
export function slowNoisyLeak(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const samples = sampleSeries((t) => 300 * MB + (2 * MB * (t - start)) / HOUR, { from: start, to: NOW, noiseBytes: 20 * MB, seed: 53 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: GIB });
}

/** Builds a cache that fills at 20 MB/h for 40 hours and then stays full, under 2 GiB. */
export function cacheFillsThenStops(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const samples = sampleSeries((t) => 300 * MB + 20 * MB * Math.min(40, (t - start) / HOUR), { from: start, to: NOW, noiseBytes: 5 * MB, seed: 59 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/** Builds a warm-up from 150 MB to 500 MB in 3 hours, then a real leak of 10 MB/h, under 2 GiB. */
export function warmUpThenLeak(): ContainerHistory {
  const start = NOW - 60 * HOUR;
  const value = (t: number): number => {
    const age = (t - start) / HOUR;
    return age < 3 ? 150 * MB + (350 * MB * age) / 3 : 500 * MB + 10 * MB * (age - 3);
  };
  const samples = sampleSeries(value, { from: start, to: NOW, noiseBytes: 3 * MB, seed: 61 });
  return containerHistory({ id: 'web/api/app', usageByContainerId: [samples], limitBytes: 2 * GIB });
}

/**
 * Builds a dead container's lingering series. The working set climbs 700 → 1018 MiB over 3 days
 * until an OOM kill 2 minutes before the evaluation. The dead container's series lingers, frozen
 * at 1018 MiB, beside the new one at 150 MiB.
 */
export function lingeringDeadContainer(): ContainerHistory {
  const evaluatedAt = NOW + 2 * 60;
  const killTime = NOW;
  const old = sampleSeries((t) => 700 * MIB + (318 * MIB * (t - (killTime - 3 * DAY))) / (3 * DAY), { from: evaluatedAt - 3 * DAY, to: evaluatedAt - HOUR });
  old.push({ t: evaluatedAt, v: 1018 * MIB });
  return containerHistory({
    id: 'shop/app/app',
    labels: { namespace: 'shop', pod: 'app-5f7d9c-abcde', container: 'app' },
    usageByContainerId: [old, [{ t: evaluatedAt, v: 150 * MIB }]],
    restarts: restartEvents([evaluatedAt], true),
    limitBytes: 1024 * MIB,
    evaluatedAt,
  });
}

/** Builds 400 MiB + 50 MiB/day over 14 days with a limit reported as `limitBytes`. */
export function unlimitedContainer(limitBytes: number | null): ContainerHistory {
  const start = NOW - 14 * DAY;
  const samples = sampleSeries((t) => 400 * MIB + (50 * MIB * (t - start)) / DAY, { from: start, to: NOW, noiseBytes: 2 * MIB, seed: 67 });
  return containerHistory({ id: 'batch/etl/worker', usageByContainerId: [samples], limitBytes });
}

/**
 * Builds a Node.js crash loop. Each lifetime grows linearly from 300 to 560 MiB over about
 * 96 minutes and ends with Error (not OOMKilled), about 15 times a day, under 1 GiB.
 */
export function heapCapCrashLoop(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const random = createSeededRandom(71);
  const deaths: number[] = [];
  for (let t = start; t < NOW; ) {
    t += (86 + random() * 20) * 60;
    deaths.push(t);
  }
  const value = (t: number): number => {
    const index = deaths.findIndex((death) => death >= t);
    const birth = index <= 0 ? start : deaths[index - 1];
    const death = index < 0 ? NOW + 96 * 60 : deaths[index];
    return 300 * MIB + (260 * MIB * (t - birth)) / (death - birth);
  };
  const samples = samplePeakPerStep(value, start + HOUR, NOW);
  const restarts = countPerStep(deaths, samples, false);
  return containerHistory({
    id: 'web/nextjs/next',
    labels: { namespace: 'web', pod: 'nextjs-6c8f7-q2w3e', container: 'next' },
    usageByContainerId: [samples],
    restarts,
    limitBytes: 1024 * MIB,
  });
}

/**
 * Builds a container that a cron restarts every hour at :00. Within the hour the working set is
 * 1000 + 930·min(m, 55)/55 MiB under a 2000 MiB limit. Samples are peaks of the hour ending at :30.
 */
export function hourlyCronRestarts(): ContainerHistory {
  const evaluatedAt = NOW + 30 * 60;
  const value = (t: number): number => {
    const minute = ((t % HOUR) + HOUR) % HOUR / 60;
    return (1000 + (930 * Math.min(minute, 55)) / 55) * MIB;
  };
  const samples = samplePeakPerStep(value, evaluatedAt - 7 * DAY, evaluatedAt);
  const restarts = restartEvents(samples.slice(1).map((sample) => sample.t), false);
  return containerHistory({
    id: 'vcell/api/api',
    labels: { namespace: 'vcell', pod: 'api-7b9c-zx8y', container: 'api' },
    usageByContainerId: [samples],
    restarts,
    limitBytes: 2000 * MIB,
    evaluatedAt,
  });
}

/**
 * Builds a Celery worker OOM-killed every 2.5–4 minutes. Hourly samples land anywhere in a
 * lifetime (uniform 150–2000 MiB), and the restart counter rises 15–24 an hour with OOMKilled.
 */
export function celeryOomLoop(): ContainerHistory {
  const random = createSeededRandom(73);
  const samples = sampleSeries(() => (150 + random() * 1850) * MIB, { from: NOW - 7 * DAY, to: NOW });
  const restarts: RestartEvent[] = samples.slice(1).map((sample) => ({ t: sample.t, count: 15 + Math.floor(random() * 10), oomKilled: true }));
  return containerHistory({
    id: 'celery/worker/celery',
    labels: { namespace: 'celery', pod: 'worker-5d6f-k9j8', container: 'celery' },
    usageByContainerId: [samples],
    restarts,
    limitBytes: 2048 * MIB,
  });
}

/**
 * Builds gunicorn workers killed inside the container. The working set ramps over 8 hours to a
 * peak near 1000 MiB, drops by about 250 MiB in one sample, and repeats. The peaks drift up
 * 20 MiB/day (capped below the 1024 MiB limit). No restarts.
 */
export function inContainerWorkerKills(): ContainerHistory {
  const start = NOW - 7 * DAY;
  const value = (t: number): number => {
    const cycle = Math.floor((t - start) / (8 * HOUR));
    const peak = Math.min(985 + (20 * (cycle * 8)) / 24, 1020);
    const low = cycle === 0 ? 600 : peak - 250;
    const phase = ((t - start) % (8 * HOUR)) / (7 * HOUR);
    return (low + (peak - low) * Math.min(1, phase)) * MIB;
  };
  const samples = sampleSeries(value, { from: start, to: NOW, noiseBytes: 3 * MIB, seed: 79 });
  return containerHistory({
    id: 'api/fastapi/gunicorn',
    labels: { namespace: 'api', pod: 'fastapi-8d7c-p0o9', container: 'gunicorn' },
    usageByContainerId: [samples],
    limitBytes: 1024 * MIB,
  });
}

/**
 * Builds a nightly cleanup spike from a flat 1.5 GiB to the 6 GiB limit at 03:00–03:03 UTC,
 * OOMKilled and restarted every day for 14 days. Samples are taken at :30. With `peakSamples`
 * each sample is the peak of its hour, so the 03:30 sample shows 6 GiB. Without, point samples
 * miss the spike.
 */
export function nightlySpikeOom(peakSamples: boolean): ContainerHistory {
  const evaluatedAt = NOW + 12.5 * HOUR;
  const value = (t: number): number => {
    const secondOfDay = ((t % DAY) + DAY) % DAY;
    return secondOfDay >= 3 * HOUR && secondOfDay <= 3 * HOUR + 180 ? 6 * GIB : 1.5 * GIB;
  };
  const from = evaluatedAt - 14 * DAY;
  const samples = peakSamples ? samplePeakPerStep(value, from, evaluatedAt, HOUR, 30) : sampleSeries(value, { from, to: evaluatedAt, noiseBytes: 20 * MIB, seed: 83 });
  const killSteps = samples.filter((sample) => ((sample.t % DAY) + DAY) % DAY === 3.5 * HOUR).map((sample) => sample.t);
  return containerHistory({
    id: 'internetnl/app/app',
    labels: { namespace: 'internetnl', pod: 'app-6b7c-l1k2', container: 'app' },
    usageByContainerId: [samples],
    restarts: restartEvents(killSteps, true),
    limitBytes: 6 * GIB,
    evaluatedAt,
  });
}

/**
 * Builds a deployment with 3 replicas rolled out every day for 14 days. Each pod grows from
 * 400 MiB at 300 MiB/day under 1024 MiB. The live pod is 6 hours old, at about 475 MiB.
 */
export function dailyRolloutsMaskLeak(): ContainerHistory {
  const random = createSeededRandom(89);
  const noise = (): number => (random() - 0.5) * 2 * 5 * MIB;
  const liveStart = NOW - 6 * HOUR;
  const podValue = (start: number, t: number): number => 400 * MIB + (300 * MIB * (t - start)) / DAY + noise();
  const earlierPods: { pod: string; samples: Sample[] }[] = [];
  for (let day = 14; day >= 1; day -= 1) {
    const start = liveStart - day * DAY;
    for (let replica = 0; replica < 3; replica += 1) {
      const samples: Sample[] = [];
      for (let t = start; t < start + DAY; t += HOUR) {
        samples.push({ t, v: podValue(start, t) });
      }
      earlierPods.push({ pod: `checkout-api-${day}-${replica}`, samples });
    }
  }
  const live: Sample[] = [];
  for (let t = liveStart; t <= NOW; t += HOUR) {
    live.push({ t, v: podValue(liveStart, t) });
  }
  return containerHistory({
    id: 'shop/checkout-api/app',
    labels: { namespace: 'shop', pod: 'checkout-api-0-0', container: 'app' },
    usageByContainerId: [live],
    earlierPods,
    limitBytes: 1024 * MIB,
  });
}

/** Builds one OOM kill on day 1 of 14, then flat at 400 of 1024 MiB. The restart counter stays at 1. */
export function oldOomKill(): ContainerHistory {
  const start = NOW - 14 * DAY;
  const killTime = start + DAY;
  const samples = sampleSeries((t) => (t < killTime ? 400 * MIB + (620 * MIB * (t - start)) / DAY : 400 * MIB), { from: start, to: NOW, noiseBytes: 3 * MIB, seed: 97 });
  return containerHistory({
    id: 'azure/app/app',
    labels: { namespace: 'azure', pod: 'app-4f5g-h6j7', container: 'app' },
    usageByContainerId: splitAt(samples, [killTime]),
    restarts: restartEvents([killTime], true),
    limitBytes: 1024 * MIB,
  });
}

/** Counts, for each sample step (t − 1 h, t], the instants that fall in it, as restart events. */
function countPerStep(instants: readonly number[], samples: readonly Sample[], oomKilled: boolean): RestartEvent[] {
  const events: RestartEvent[] = [];
  for (const sample of samples) {
    const count = instants.filter((t) => t > sample.t - HOUR && t <= sample.t).length;
    if (count > 0) {
      events.push({ t: sample.t, count, oomKilled });
    }
  }
  return events;
}
