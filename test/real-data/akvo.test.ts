/**
 * The checker on real production data: five days of a GKE cluster during a memory incident
 * (akvo-rsr, 2025-08-27 to 2025-09-01), exported from Grafana, converted to cAdvisor and
 * kube-state-metrics series and backfilled into a real Prometheus.
 *
 * The export contains no limit series. The reports container sits at up to 4085 MiB, so the limit
 * is taken to be 4 GiB and exported for it alone; the other containers have no limit, as far as
 * the data tells. A second check gives every container 4 GiB as `--limit` would, to see their
 * shapes judged against a limit.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runBacktest } from '../../lambda/backtest';
import { evaluateCheck } from '../../lambda/check';
import { CheckOptions } from '../../lambda/config/check-options';
import { LocalPrometheusWithData, startPrometheusWithData } from '../../lambda/local-prometheus/server';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { Verdict } from '../../lambda/types';
import { nonFinitePaths } from '../analysis/finite';
import { AKVO_NAMESPACE, AkvoConversion, convertAkvoExport } from './akvo-converter';

const DATA_DIR = resolve(__dirname, '../../../shared/data/real/akvo__akvo-rsr__prometheus-metrics');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const HOUR = 3600;
const DAY = 86400;

/** The containers whose memory stays flat for the whole five days. */
const FLAT_CONTAINERS = ['cloudsql-proxy', 'rsr-nginx', 'rsr-statsd-to-prometheus', 'memcached-exporter', 'rsr-memcached'];

const dataPresent = existsSync(DATA_DIR);
if (!dataPresent) {
  console.log(`Skipping the akvo real-data tests: the shared data folder ${DATA_DIR} is absent.`);
}

(dataPresent ? describe : describe.skip)('akvo-rsr production export through a real Prometheus', () => {
  let conversion: AkvoConversion;
  let server: LocalPrometheusWithData;

  beforeAll(async () => {
    conversion = convertAkvoExport(DATA_DIR, {
      limitBytesByContainer: { 'rsr-reports': 4 * GiB },
      // The restarts panel counts per pod. Only the backend has a new series per restart, so the
      // main pod's restarts are its own.
      restartingContainer: 'rsr-backend',
    });
    server = await startPrometheusWithData(conversion.series);
  });
  afterAll(async () => {
    await server?.stop();
  });

  function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
    return { prometheusUrl: server.url, selector: `namespace="${AKVO_NAMESPACE}"`, lookbackSeconds: 7 * DAY, warnDays: 7, criticalDays: 2, ...overrides };
  }

  /** Checks at the last row of the export: its samples are 15 minutes apart, so only a row instant finds them live. */
  async function checkAtEnd(overrides: Partial<CheckOptions> = {}): Promise<Verdict[]> {
    const client = createPrometheusClient({ url: server.url, retryBaseDelayMs: 10 });
    const evaluation = await evaluateCheck(options(overrides), conversion.lastSeconds, client, new Map());
    expect(nonFinitePaths(evaluation.verdicts)).toEqual([]);
    return evaluation.verdicts;
  }

  function verdictOf(verdicts: readonly Verdict[], container: string): Verdict {
    const found = verdicts.filter((verdict) => verdict.labels.container === container);
    expect(found).toHaveLength(1);
    return found[0];
  }

  test('conversion keeps the filled columns and drops the artefact row', () => {
    expect(new Date(conversion.lastSeconds * 1000).toISOString()).toBe('2025-09-01T02:15:00.000Z');
    expect(conversion.workingSetSeriesCount).toBe(13);
    expect(conversion.emptyColumnCount).toBe(610);
    // The 2025-08-28 13:00 row repeats 7142.7 MB in all 610 backend columns of the main pod.
    expect(conversion.artefactValueCount).toBe(610);
  });

  test('reports container pinned near its limit is flagged', async () => {
    const reports = verdictOf(await checkAtEnd(), 'rsr-reports');

    expect(reports.limitBytes).toBe(4 * GiB);
    expect(['warning', 'critical']).toContain(reports.severity);
    expect(['at-limit', 'oom-cycle']).toContain(reports.pattern);
    expect(reports.peakFractionOfLimit).toBeGreaterThanOrEqual(0.95);
    expect(reports.evidence[0]).toMatch(/^pinned at 9\d % of the limit$/);
  });

  test('crash-looping backend is flagged from its restarts', async () => {
    const backend = verdictOf(await checkAtEnd(), 'rsr-backend');

    expect(backend.labels.pod).toBe('rsr-7d759f6dc9-m99vb');
    expect(['crash-loop', 'oom-cycle']).toContain(backend.pattern);
    expect(backend.severity).not.toBe('none');
    expect(backend.usageBytes).toBeNull();
    expect(backend.restarts.perDay).toBeGreaterThan(150);
  });

  test.each(FLAT_CONTAINERS)('flat %s is not flagged', async (container) => {
    const withoutLimit = verdictOf(await checkAtEnd(), container);
    const withLimit = verdictOf(await checkAtEnd({ fallbackLimitBytes: 4 * GiB }), container);

    expect(withoutLimit.severity).toBe('none');
    expect(withoutLimit.pattern).toBe('no-limit');
    expect(withLimit.severity).toBe('none');
    expect(withLimit.hoursToLimit).toBeNull();
    expect(['flat', 'plateau']).toContain(withLimit.pattern);
  });

  test('slow worker creep is no alert, with or without a limit', async () => {
    const withoutLimit = verdictOf(await checkAtEnd(), 'worker');
    const withLimit = verdictOf(await checkAtEnd({ fallbackLimitBytes: 4 * GiB }), 'worker');

    expect(withoutLimit.pattern).toBe('no-limit');
    expect(withoutLimit.severity).toBe('none');
    // Against 4 GiB the step-downs split the creep into a bounded sawtooth with peaks of 521–583 MiB.
    expect(withLimit.severity).toBe('none');
    expect(withLimit.pattern).toBe('sawtooth');
    expect(withLimit.peakFractionOfLimit! * 4 * GiB).toBeLessThan(600 * MiB);
  });

  test('two days of hourly checks alert each problem once, then daily at most', async () => {
    const client = createPrometheusClient({ url: server.url, retryBaseDelayMs: 10 });
    const result = await runBacktest(options(), { fromSeconds: conversion.lastSeconds - 2 * DAY, toSeconds: conversion.lastSeconds, everySeconds: HOUR }, client);

    expect(result.checks).toBe(49);
    const byContainer = new Map<string, number[]>();
    for (const notification of result.notifications) {
      const container = notification.labels.container;
      byContainer.set(container, [...(byContainer.get(container) ?? []), notification.at]);
    }
    expect([...byContainer.keys()].sort()).toEqual(['rsr-backend', 'rsr-reports']);
    for (const times of byContainer.values()) {
      expect(times.length).toBeLessThanOrEqual(3);
      expect(times.slice(1).every((t, index) => t - times[index] >= 24 * HOUR)).toBe(true);
    }
  });
});
