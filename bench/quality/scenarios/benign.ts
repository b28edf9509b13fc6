/** Shapes that never reach the limit, so any alert on them is a false alert. */
import type { SimulationWindow } from '../../../lambda/demo/kube-simulator';
import { gaussian, seededRandom } from '../../../lambda/demo/random';
import type { QualityScenario } from '../scenario';
import { DAY, GIB, HOUR, MB, type RolloutSpec, simulateDeployment } from './builders';

/** Builds a one-Deployment scenario of the benign group. */
function benignScenario(name: string, description: string, rollouts: readonly RolloutSpec[], window: SimulationWindow): QualityScenario {
  const simulated = simulateDeployment(name, 'api', 'app', rollouts, window);
  return { name, description, group: 'benign', series: simulated.series, oomKillSeconds: simulated.oomKillSeconds };
}

/** Builds uwsgi worker recycling: memory climbs 400 → 600 MB over 6 hours, drops when workers are replaced, limit 2 GiB. */
export function recycledWorkersSawtooth(window: SimulationWindow): QualityScenario {
  const random = seededRandom(301);
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number =>
    400 * MB + (((atSeconds - window.startSeconds) % (6 * HOUR)) / (6 * HOUR)) * 200 * MB + gaussian(random, 8 * MB);
  return benignScenario('recycled-sawtooth', 'worker recycling: 400 → 600 MB every 6 h, limit 2 GiB', [{ atSeconds: window.startSeconds, limitBytes: 2 * GIB, memoryBytes }], window);
}

/** Builds a garbage-collection sawtooth: 1.2 → 1.8 GB in 40 minutes, then a full collection, limit 3 GiB. */
export function garbageCollectionSawtooth(window: SimulationWindow): QualityScenario {
  const random = seededRandom(302);
  const periodSeconds = 40 * 60;
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number =>
    1200 * MB + (((atSeconds - window.startSeconds) % periodSeconds) / periodSeconds) * 600 * MB + gaussian(random, 10 * MB);
  return benignScenario('gc-sawtooth', 'GC sawtooth 1.2 → 1.8 GB every 40 min, limit 3 GiB', [{ atSeconds: window.startSeconds, limitBytes: 3 * GIB, memoryBytes }], window);
}

/** Builds a warm-up to a plateau (1500 − 1200·e^(−age/3h) MB) after rollouts every 3 days, limit 2 GiB. */
export function warmUpPlateau(window: SimulationWindow): QualityScenario {
  const random = seededRandom(303);
  const memoryBytes = (ageSeconds: number): number => (1500 - 1200 * Math.exp(-ageSeconds / (3 * HOUR))) * MB + gaussian(random, 5 * MB);
  const rollouts: RolloutSpec[] = [];
  for (let t = window.startSeconds; t < window.endSeconds; t += 3 * DAY) {
    rollouts.push({ atSeconds: t === window.startSeconds ? t : t + 9 * HOUR, limitBytes: 2 * GIB, memoryBytes });
  }
  return benignScenario('warm-up-plateau', 'warm-up 300 → 1500 MB (τ 3 h) after rollouts every 3 d, limit 2 GiB', rollouts, window);
}

/** Builds a daily traffic cycle: 1000 ± 400 MB, peaking at 14:00 UTC, limit 2 GiB. */
export function dailyCycle(window: SimulationWindow): QualityScenario {
  const random = seededRandom(304);
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number =>
    1000 * MB + 400 * MB * Math.sin((2 * Math.PI * (atSeconds - 8 * HOUR)) / DAY) + gaussian(random, 10 * MB);
  return benignScenario('daily-cycle', 'daily cycle 600 → 1400 MB, limit 2 GiB', [{ atSeconds: window.startSeconds, limitBytes: 2 * GIB, memoryBytes }], window);
}

/** Builds a flat 800 MB container with single-scrape spikes to 1.6 GB about every 36 hours, limit 2 GiB. */
export function isolatedSpikes(window: SimulationWindow): QualityScenario {
  const random = seededRandom(305);
  const spikeSeconds = new Set<number>();
  for (let t = window.startSeconds + 20 * HOUR; t < window.endSeconds; t += 36 * HOUR) {
    const jitterScrapes = Math.floor(random() * 100) - 50;
    spikeSeconds.add(t + jitterScrapes * window.scrapeSeconds);
  }
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number => (spikeSeconds.has(atSeconds) ? 1600 * MB : 800 * MB + gaussian(random, 5 * MB));
  return benignScenario('isolated-spikes', 'flat 800 MB, one-scrape spikes to 1.6 GB every ~36 h, limit 2 GiB', [{ atSeconds: window.startSeconds, limitBytes: 2 * GIB, memoryBytes }], window);
}

/** Builds a level shift from 600 MB to 1100 MB on day 8 without a restart, limit 2 GiB. */
export function levelShift(window: SimulationWindow): QualityScenario {
  const random = seededRandom(306);
  const shiftSeconds = window.startSeconds + 8 * DAY;
  const memoryBytes = (_ageSeconds: number, atSeconds: number): number => (atSeconds >= shiftSeconds ? 1100 : 600) * MB + gaussian(random, 5 * MB);
  return benignScenario('level-shift', 'flat 600 MB, shifts to 1.1 GB on day 8 (no restart), limit 2 GiB', [{ atSeconds: window.startSeconds, limitBytes: 2 * GIB, memoryBytes }], window);
}

/** Builds a slow decline of 2 MB/h from 1.5 GB, limit 2 GiB. */
export function slowDecline(window: SimulationWindow): QualityScenario {
  const random = seededRandom(307);
  const memoryBytes = (ageSeconds: number): number => 1500 * MB - (2 * MB * ageSeconds) / HOUR + gaussian(random, 5 * MB);
  return benignScenario('slow-decline', 'declines 2 MB/h from 1.5 GB, limit 2 GiB', [{ atSeconds: window.startSeconds, limitBytes: 2 * GIB, memoryBytes }], window);
}

/** Builds a flat 700 MB container, limit 1 GiB (65 %). */
export function flat(window: SimulationWindow): QualityScenario {
  const random = seededRandom(308);
  return benignScenario('flat', 'flat 700 MB, limit 1 GiB', [{ atSeconds: window.startSeconds, limitBytes: GIB, memoryBytes: () => 700 * MB + gaussian(random, 5 * MB) }], window);
}

/** Builds a container without a limit that leaks 30 MB/h: no limit, so nothing to forecast against. */
export function leakWithoutLimit(window: SimulationWindow): QualityScenario {
  const random = seededRandom(309);
  const memoryBytes = (ageSeconds: number): number => 500 * MB + (30 * MB * ageSeconds) / HOUR + gaussian(random, 8 * MB);
  return benignScenario('no-limit-leak', 'leaks 30 MB/h from 500 MB with no limit at all', [{ atSeconds: window.startSeconds, limitBytes: null, memoryBytes }], window);
}

/** Builds every benign scenario. */
export function benignScenarios(window: SimulationWindow): QualityScenario[] {
  return [
    recycledWorkersSawtooth(window),
    garbageCollectionSawtooth(window),
    warmUpPlateau(window),
    dailyCycle(window),
    isolatedSpikes(window),
    levelShift(window),
    slowDecline(window),
    flat(window),
    leakWithoutLimit(window),
  ];
}
