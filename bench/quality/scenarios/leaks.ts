/** Leaks: memory that grows toward the limit, in every shape the suite covers. */
import type { SimulationWindow } from '../../../lambda/demo/kube-simulator';
import { gaussian, seededRandom } from '../../../lambda/demo/random';
import type { QualityScenario } from '../scenario';
import { dropSamples, mapSamples } from '../series-edits';
import { DAY, GIB, HOUR, MB, linearCrossingSeconds, simulateDeployment } from './builders';

/** A straight leak from `startBytes`, restarting there after every OOM kill. */
interface LinearLeak {
  readonly startBytes: number;
  readonly bytesPerHour: number;
  readonly noiseBytes: number;
  readonly limitBytes: number;
  readonly seed: number;
}

function linearMemory(leak: LinearLeak): (ageSeconds: number) => number {
  const random = seededRandom(leak.seed);
  return (ageSeconds) => leak.startBytes + (leak.bytesPerHour * ageSeconds) / HOUR + gaussian(random, leak.noiseBytes);
}

/** Returns the kill after the window: one more leak cycle after the last kill (or the window start). */
function projectedOom(leak: LinearLeak, oomKillSeconds: readonly number[], fromSeconds: number): number {
  return linearCrossingSeconds(oomKillSeconds.at(-1) ?? fromSeconds, leak.startBytes, leak.bytesPerHour, leak.limitBytes);
}

/** Builds a linear leak in its own namespace, with its projected kill after the window. */
function linearLeakScenario(name: string, description: string, leak: LinearLeak, window: SimulationWindow): QualityScenario {
  const simulated = simulateDeployment(name, 'api', 'app', [{ atSeconds: window.startSeconds, limitBytes: leak.limitBytes, memoryBytes: linearMemory(leak) }], window);
  return {
    name,
    description,
    group: 'leak',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: projectedOom(leak, simulated.oomKillSeconds, window.startSeconds),
  };
}

/**
 * Builds the motivating incident: uwsgi workers leak about 30 MB/h from 500 MB to the 6 GiB limit
 * and are OOM-killed every 8.25 days, beside a celery worker holding a steady 160 MB.
 */
export function motivatingUwsgiLeak(window: SimulationWindow): QualityScenario {
  const name = 'uwsgi-leak';
  const leak: LinearLeak = { startBytes: 500 * MB, bytesPerHour: 30 * MB, noiseBytes: 8 * MB, limitBytes: 6 * GIB, seed: 101 };
  const uwsgi = simulateDeployment(name, 'dojo-django', 'uwsgi', [{ atSeconds: window.startSeconds, limitBytes: leak.limitBytes, memoryBytes: linearMemory(leak) }], window);

  const random = seededRandom(102);
  const celery = simulateDeployment(name, 'dojo-celery', 'celery', [{ atSeconds: window.startSeconds, limitBytes: GIB, memoryBytes: () => 160 * MB + gaussian(random, 3 * MB) }], window);
  return {
    name,
    description: 'uwsgi leaks 30 MB/h from 500 MB to 6 GiB, OOM-killed every 8.25 d; steady celery beside it',
    group: 'leak',
    series: [...uwsgi.series, ...celery.series],
    oomKillSeconds: uwsgi.oomKillSeconds,
    projectedOomSeconds: projectedOom(leak, uwsgi.oomKillSeconds, window.startSeconds),
  };
}

/** Builds straight leaks at 5, 30 and 120 MB/h, OOM-killed every 9.25, 5.3 and 2.8 days. */
export function linearLeaks(window: SimulationWindow): QualityScenario[] {
  return [
    linearLeakScenario('leak-5mbh', '5 MB/h from 500 MB to 1.5 GiB, OOM every 9.25 d', { startBytes: 500 * MB, bytesPerHour: 5 * MB, noiseBytes: 5 * MB, limitBytes: 1.5 * GIB, seed: 111 }, window),
    linearLeakScenario('leak-30mbh', '30 MB/h from 500 MB to 4 GiB, OOM every 5.3 d', { startBytes: 500 * MB, bytesPerHour: 30 * MB, noiseBytes: 8 * MB, limitBytes: 4 * GIB, seed: 112 }, window),
    linearLeakScenario('leak-120mbh', '120 MB/h from 500 MB to 8 GiB, OOM every 2.8 d', { startBytes: 500 * MB, bytesPerHour: 120 * MB, noiseBytes: 10 * MB, limitBytes: 8 * GIB, seed: 113 }, window),
    linearLeakScenario('noisy-leak', '20 MB/h with 50 MB noise (σ) from 500 MB to 3 GiB, OOM every ~5.6 d', { startBytes: 500 * MB, bytesPerHour: 20 * MB, noiseBytes: 50 * MB, limitBytes: 3 * GIB, seed: 114 }, window),
  ];
}

/** Builds a step leak: +300 MB every 12 h from 600 MB, flat in between, OOM-killed at the 13th step (6.5 d). */
export function stepLeak(window: SimulationWindow): QualityScenario {
  const name = 'step-leak';
  const random = seededRandom(121);
  const stepHours = 12;
  const memoryBytes = (ageSeconds: number): number => 600 * MB + 300 * MB * Math.floor(ageSeconds / (stepHours * HOUR)) + gaussian(random, 5 * MB);
  const limitBytes = 4 * GIB;
  const simulated = simulateDeployment(name, 'api', 'app', [{ atSeconds: window.startSeconds, limitBytes, memoryBytes }], window);

  const stepsToLimit = Math.ceil((limitBytes - 600 * MB) / (300 * MB));
  const lastStart = simulated.oomKillSeconds.at(-1) ?? window.startSeconds;
  return {
    name,
    description: '+300 MB every 12 h from 600 MB to 4 GiB, OOM every 6.5 d',
    group: 'leak',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: lastStart + stepsToLimit * stepHours * HOUR,
  };
}

/**
 * Builds a 30 MB/h leak whose cAdvisor series has scrape gaps of 4 to 10 hours, one of them
 * ending just before the first OOM kill. kube-state-metrics series have no gaps.
 */
export function leakWithGaps(window: SimulationWindow): QualityScenario {
  const name = 'gappy-leak';
  const leak: LinearLeak = { startBytes: 500 * MB, bytesPerHour: 30 * MB, noiseBytes: 8 * MB, limitBytes: 4 * GIB, seed: 131 };
  const simulated = simulateDeployment(name, 'api', 'app', [{ atSeconds: window.startSeconds, limitBytes: leak.limitBytes, memoryBytes: linearMemory(leak) }], window);

  const gaps = [
    [2.5 * DAY, 5 * HOUR],
    [4.95 * DAY, 7 * HOUR],
    [9 * DAY, 4 * HOUR],
    [13.5 * DAY, 10 * HOUR],
  ].map(([offsetSeconds, lengthSeconds]) => [window.startSeconds + offsetSeconds, window.startSeconds + offsetSeconds + lengthSeconds]);
  const inGap = (t: number): boolean => gaps.some(([from, to]) => t >= from && t < to);
  return {
    name,
    description: '30 MB/h to 4 GiB with cAdvisor gaps of 5, 7, 4 and 10 h (one ends just before an OOM)',
    group: 'leak',
    series: dropSamples(simulated.series, (metric, sample) => metric === 'container_memory_working_set_bytes' && inGap(sample.t)),
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: projectedOom(leak, simulated.oomKillSeconds, window.startSeconds),
  };
}

/** Builds a 30 MB/h leak that rollouts on day 4 and day 12 reset before it reaches the limit. */
export function leakAcrossRollouts(window: SimulationWindow): QualityScenario {
  const name = 'leak-rollouts';
  const leak: LinearLeak = { startBytes: 500 * MB, bytesPerHour: 30 * MB, noiseBytes: 8 * MB, limitBytes: 4 * GIB, seed: 141 };
  const rollouts = [0, 4, 12].map((day, index) => ({
    atSeconds: window.startSeconds + day * DAY,
    limitBytes: leak.limitBytes,
    memoryBytes: linearMemory({ ...leak, seed: leak.seed + index }),
  }));
  const simulated = simulateDeployment(name, 'api', 'app', rollouts, window);

  const lastStart = Math.max(simulated.oomKillSeconds.at(-1) ?? window.startSeconds, rollouts[rollouts.length - 1].atSeconds);
  const containerStarts = [...rollouts.map((rollout) => rollout.atSeconds), ...simulated.oomKillSeconds].sort((a, b) => a - b);
  const projected = linearCrossingSeconds(lastStart, leak.startBytes, leak.bytesPerHour, leak.limitBytes);
  return {
    name,
    description: '30 MB/h to 4 GiB, rollouts on day 4 and 12 reset it; OOM on days 9.3 and 17.3',
    group: 'leak',
    series: simulated.series,
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: projected,
    // As with the masked leak, the kill to warn about is the one the current container reaches if
    // it is not redeployed: no checker can know of the next rollout.
    nextOomAfter: (atSeconds) => {
      const currentStart = containerStarts.filter((seconds) => seconds < atSeconds).at(-1) ?? window.startSeconds;
      const unlessRedeployed = linearCrossingSeconds(currentStart, leak.startBytes, leak.bytesPerHour, leak.limitBytes);
      const nextKill = [...simulated.oomKillSeconds, projected].find((seconds) => seconds >= atSeconds) ?? Number.POSITIVE_INFINITY;
      // Noise can delay the real kill a little past the computed crossing.
      return unlessRedeployed >= atSeconds ? Math.min(unlessRedeployed, nextKill) : nextKill;
    },
  };
}

/**
 * Builds a 30 MB/h leak whose limit is raised in place from 3 GiB to 6 GiB on day 3, before the
 * kill due on day 3.8. The container keeps running, so the forecast must move to the new limit.
 */
export function leakWithRaisedLimit(window: SimulationWindow): QualityScenario {
  const name = 'limit-raised';
  const leak: LinearLeak = { startBytes: 500 * MB, bytesPerHour: 30 * MB, noiseBytes: 8 * MB, limitBytes: 6 * GIB, seed: 151 };
  const oldLimitBytes = 3 * GIB;
  const raisedAtSeconds = window.startSeconds + 3 * DAY;
  const simulated = simulateDeployment(name, 'api', 'app', [{ atSeconds: window.startSeconds, limitBytes: leak.limitBytes, memoryBytes: linearMemory(leak) }], window);

  const series = mapSamples(simulated.series, 'kube_pod_container_resource_limits', (sample) =>
    sample.t < raisedAtSeconds ? { t: sample.t, v: oldLimitBytes } : sample,
  );
  const killDueAtOldLimit = linearCrossingSeconds(window.startSeconds, leak.startBytes, leak.bytesPerHour, oldLimitBytes);
  const projected = projectedOom(leak, simulated.oomKillSeconds, window.startSeconds);
  return {
    name,
    description: '30 MB/h; limit raised in place 3 → 6 GiB on day 3 (kill was due day 3.8); OOM days 8.25, 16.5',
    group: 'leak',
    series,
    oomKillSeconds: simulated.oomKillSeconds,
    projectedOomSeconds: projected,
    // Before the raise, the kill that the old limit would have caused is the one to warn about.
    nextOomAfter: (atSeconds) => {
      if (atSeconds < raisedAtSeconds) {
        return killDueAtOldLimit;
      }
      return [...simulated.oomKillSeconds, projected].find((seconds) => seconds >= atSeconds) ?? null;
    },
  };
}

/** Builds every leak scenario. */
export function leakScenarios(window: SimulationWindow): QualityScenario[] {
  return [motivatingUwsgiLeak(window), ...linearLeaks(window), stepLeak(window), leakWithGaps(window), leakAcrossRollouts(window), leakWithRaisedLimit(window)];
}
