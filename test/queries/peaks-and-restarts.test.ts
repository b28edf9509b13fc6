import { CheckOptions } from '../../lambda/config/check-options';
import { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { fetchContainerHistories } from '../../lambda/queries/fetch-histories';
import { ContainerHistory } from '../../lambda/types';
import {
  AT,
  DAY,
  GiB,
  HOUR,
  MiB,
  constant,
  ksmLimit,
  lastTerminatedReason,
  liveSamples,
  restartsTotal,
  sampleEvery,
  useFixturePrometheus,
  workingSet,
} from '../support/prometheus-fixture';

const WEEK = 7 * DAY;
/** Evaluations at half past the hour, where point samples miss what happens around the hour. */
const AT_HALF_PAST = AT + 30 * 60;

/** C08: a cron restarts the pod at every :00; within the hour the working set climbs to 1930 MiB by :55. */
function hourlyRestartScenario(): MetricSeries[] {
  const pod = 'api-5f6c7d8b9b-t4v6w';
  const start = AT_HALF_PAST - WEEK - HOUR;
  const series: MetricSeries[] = [];
  for (let hour = start - (start % HOUR); hour <= AT_HALF_PAST; hour += HOUR) {
    const samples = sampleEvery(hour, Math.min(hour + HOUR - 60, AT_HALF_PAST + 600), 60, (t) => {
      const minute = (t - hour) / 60;
      return (1000 + (930 * Math.min(minute, 55)) / 55) * MiB;
    });
    series.push(workingSet('c08', pod, 'api', samples, `container-${hour}`));
  }
  series.push(ksmLimit('c08', pod, 'api', sampleEvery(start, AT_HALF_PAST + 600, 300, constant(2000 * MiB))));
  series.push(restartsTotal('c08', pod, 'api', sampleEvery(start, AT_HALF_PAST + 600, 60, (t) => Math.floor((t - start) / HOUR))));
  return series;
}

/** C13: flat at 1.5 GiB, a spike to the 6 GiB limit every day 03:00–03:03, then an OOM kill and a restart. */
function nightlySpikeScenario(): MetricSeries[] {
  const pod = 'web-6b7c8d9f5-m2n4p';
  const start = AT_HALF_PAST - WEEK - HOUR;
  const firstDay = start - (start % DAY);
  const series: MetricSeries[] = [];
  let containerStart = start;
  for (let day = firstDay; day <= AT_HALF_PAST; day += DAY) {
    const kill = day + 3 * HOUR + 180;
    const end = Math.min(kill, AT_HALF_PAST + 600);
    if (end > containerStart) {
      const samples = sampleEvery(containerStart, end, 60, (t) => (t >= day + 3 * HOUR && t <= kill ? 6 * GiB : 1.5 * GiB));
      series.push(workingSet('c13', pod, 'web', samples, `container-${day}`));
    }
    containerStart = kill + 20;
  }
  if (containerStart < AT_HALF_PAST) {
    series.push(workingSet('c13', pod, 'web', sampleEvery(containerStart, AT_HALF_PAST + 600, 60, constant(1.5 * GiB)), 'container-last'));
  }
  const killsBefore = (t: number) => Math.floor((t - firstDay - 3 * HOUR - 200) / DAY) + 1;
  series.push(ksmLimit('c13', pod, 'web', sampleEvery(start, AT_HALF_PAST + 600, 300, constant(6 * GiB))));
  series.push(restartsTotal('c13', pod, 'web', sampleEvery(start, AT_HALF_PAST + 600, 60, (t) => Math.max(0, killsBefore(t)))));
  series.push(lastTerminatedReason('c13', pod, 'web', 'OOMKilled', sampleEvery(start, AT_HALF_PAST + 600, 60, (t) => (killsBefore(t) > 0 ? 1 : 0))));
  return series;
}

/** C17: one OOM kill 13 days ago; the last-terminated gauge has shown OOMKilled ever since. */
function staleOomGaugeScenario(): MetricSeries[] {
  const pod = 'cache-0';
  const start = AT_HALF_PAST - 14 * DAY;
  const kill = start + DAY;
  return [
    workingSet('c17', pod, 'cache', liveSamples(start, AT_HALF_PAST, constant(400 * MiB)), 'first'),
    ksmLimit('c17', pod, 'cache', liveSamples(start, AT_HALF_PAST, constant(1024 * MiB))),
    restartsTotal('c17', pod, 'cache', liveSamples(start, AT_HALF_PAST, (t) => (t >= kill ? 1 : 0))),
    lastTerminatedReason('c17', pod, 'cache', 'OOMKilled', liveSamples(kill, AT_HALF_PAST, constant(1))),
  ];
}

function options(selector: string, lookbackSeconds = WEEK): CheckOptions {
  return { prometheusUrl: 'unused', selector, lookbackSeconds, warnDays: 7, criticalDays: 2 };
}

function peakBytes(history: ContainerHistory): number {
  return Math.max(...history.usageByContainerId.flat().map((sample) => sample.v));
}

describe('peaks and restarts', () => {
  const prometheus = useFixturePrometheus(() => [...hourlyRestartScenario(), ...nightlySpikeScenario(), ...staleOomGaugeScenario()]);

  test('C08: point samples at :30 see only 75 % of the limit', async () => {
    const points = await prometheus.current
      .client()
      .queryRange('max(container_memory_working_set_bytes{namespace="c08"})', AT_HALF_PAST - DAY, AT_HALF_PAST, HOUR);

    const values = new Set(points[0].samples.map((sample) => Math.round(sample.v / MiB)));
    expect(values).toEqual(new Set([1507]));
  });

  test('C08: hourly restarts keep 96 % peaks', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="c08"'), AT_HALF_PAST);

    expect(histories).toHaveLength(1);
    const [history] = histories;
    expect(peakBytes(history) / history.limitBytes!).toBeCloseTo(1930 / 2000, 3);
    expect(history.usageByContainerId.length).toBeGreaterThanOrEqual(7 * 24);
    const beforeRestart = history.usageByContainerId.slice(-8, -1).map((array) => Math.round(array.at(-1)!.v / MiB));
    expect(beforeRestart).toEqual([1930, 1930, 1930, 1930, 1930, 1930, 1930]);
    expect(Math.round(history.usageByContainerId.at(-1)!.at(-1)!.v / MiB)).toBe(1507);
    expect(history.restarts).toHaveLength(7 * 24);
    expect(history.restarts.every((event) => event.count === 1 && !event.oomKilled)).toBe(true);
  });

  test('C13: a 3-minute nightly spike appears at 100 % of the limit', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="c13"'), AT_HALF_PAST);

    expect(histories).toHaveLength(1);
    const [history] = histories;
    expect(peakBytes(history)).toBe(6 * GiB);
    const spikeTimes = history.usageByContainerId
      .flat()
      .filter((sample) => sample.v === 6 * GiB)
      .map((sample) => new Date(sample.t * 1000).toISOString().slice(11, 16));
    expect(new Set(spikeTimes)).toEqual(new Set(['03:30']));
    expect(spikeTimes).toHaveLength(7);
    expect(history.restarts).toHaveLength(7);
    expect(history.restarts.every((event) => event.oomKilled && event.count === 1)).toBe(true);
    expect(history.restarts.map((event) => new Date(event.t * 1000).toISOString().slice(11, 16))).toEqual(Array(7).fill('03:30'));
  });

  test('C17: a stale OOMKilled gauge makes no restart in the last 7 days', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="c17"'), AT_HALF_PAST);

    expect(histories).toHaveLength(1);
    expect(histories[0].restarts).toEqual([]);
  });

  test('C17: the one OOM kill appears once in a 14-day lookback', async () => {
    const { histories } = await fetchContainerHistories(prometheus.current.client(), options('namespace="c17"', 14 * DAY), AT_HALF_PAST, {
      stepSeconds: HOUR,
    });

    expect(histories[0].restarts).toEqual([{ t: AT_HALF_PAST - 13 * DAY, count: 1, oomKilled: true }]);
  });
});
