import type { MetricSeries } from '../local-prometheus/openmetrics';
import { simulateWorkload, type SimulationWindow } from './kube-simulator';
import { gaussian, seededRandom } from './random';

const MB = 1e6;
const GIB = 1024 ** 3;
const HOUR = 3600;
const DAY = 86400;

/** The generated incident: its series and the facts a report is judged against. */
export interface DemoScenario {
  readonly series: MetricSeries[];
  readonly window: SimulationWindow;
  /** Unix seconds of each OOM kill of the leaking uwsgi container. */
  readonly oomKillSeconds: number[];
  /** Unix seconds at which worker recycling was rolled out. */
  readonly fixSeconds: number;
}

/** Days of history before the fix: long enough for two OOM kills of the 30 MB/h leak. */
export const DAYS_BEFORE_FIX = 18;
/** Days of history after the fix: long enough to show that no warning follows. */
export const DAYS_AFTER_FIX = 5;

/**
 * Builds the motivating incident. A mostly idle Django service runs uwsgi workers whose working
 * set rises in a straight line, about 30 MB/h from 500 MB, until the kernel kills the container
 * at its 6 GiB limit (every 8 days or so). A celery worker beside it uses a steady 160 MB.
 * Then worker recycling (uwsgi max-requests, reload-on-rss) is rolled out: memory stays in a
 * 400-600 MB sawtooth and the limit drops to 2 GiB.
 *
 * @param endSeconds - Unix seconds of the last sample; the data starts 23 days earlier
 */
export function buildDemoScenario(endSeconds: number, scrapeSeconds = 120): DemoScenario {
  const startSeconds = endSeconds - (DAYS_BEFORE_FIX + DAYS_AFTER_FIX) * DAY;
  const fixSeconds = startSeconds + DAYS_BEFORE_FIX * DAY;
  const window = { startSeconds, endSeconds, scrapeSeconds };
  const random = seededRandom(20261204);

  const uwsgi = simulateWorkload(
    {
      namespace: 'dojo',
      deployment: 'dojo-django',
      container: 'uwsgi',
      rollouts: [
        {
          startSeconds,
          templateHash: '7c9f8b6d4',
          podSuffix: 'x2k9p',
          limitBytes: 6 * GIB,
          memoryBytes: (ageSeconds) => 500 * MB + (30 * MB * ageSeconds) / HOUR + gaussian(random, 8 * MB),
        },
        {
          startSeconds: fixSeconds,
          templateHash: '5d8b7f9c2',
          podSuffix: 'q7m4w',
          limitBytes: 2 * GIB,
          // Each worker is recycled after it grows about 200 MB, every 6 hours or so.
          memoryBytes: (ageSeconds) => 400 * MB + ((ageSeconds % (6 * HOUR)) / (6 * HOUR)) * 200 * MB + gaussian(random, 8 * MB),
        },
      ],
    },
    window,
  );

  const celery = simulateWorkload(
    {
      namespace: 'dojo',
      deployment: 'dojo-celery',
      container: 'celery',
      rollouts: [
        {
          startSeconds,
          templateHash: '6f4c8d7b5',
          podSuffix: 'h3n8v',
          limitBytes: 1 * GIB,
          memoryBytes: () => 160 * MB + gaussian(random, 3 * MB),
        },
      ],
    },
    window,
  );

  return {
    series: [...uwsgi.series, ...celery.series],
    window,
    oomKillSeconds: uwsgi.oomKillSeconds,
    fixSeconds,
  };
}
