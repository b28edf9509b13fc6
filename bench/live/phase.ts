/**
 * One phase of the live incident: uwsgi under a steady load, its resident memory read from the
 * exporter every second, and oom-forecast's check run against the live Prometheus every few
 * seconds.
 */
import { evaluateCheck } from '../../lambda/check';
import type { CheckOptions } from '../../lambda/config/check-options';
import type { PrometheusClient } from '../../lambda/prometheus/client';
import type { Verdict } from '../../lambda/types';
import { startLoad } from './load';
import { readResidentBytes } from './process-exporter';

/** The verdict of one check on the phase's container. */
export interface CheckRecord {
  /** Seconds since the load started. */
  readonly elapsedSeconds: number;
  readonly rssBytes: number | null;
  readonly severity: string;
  readonly pattern: string;
  readonly slopeBytesPerHour: number | null;
  readonly hoursToLimit: number | null;
  /** Forecast crossing of the limit, in seconds since the load started (real time), or null. */
  readonly forecastCrossingElapsedSeconds: number | null;
  readonly evidence: readonly string[];
}

/** Settings of one phase. */
export interface PhaseSettings {
  readonly name: string;
  readonly url: string;
  readonly requestsPerSecond: number;
  readonly metricsUrl: string;
  readonly groupname: string;
  readonly pod: string;
  /** The load stops once the resident memory reaches this, or when `maxSeconds` have passed. */
  readonly stopAtBytes: number | null;
  readonly maxSeconds: number;
  readonly checkEverySeconds: number;
  readonly client: PrometheusClient;
  readonly options: CheckOptions;
  readonly log: (line: string) => void;
}

/** Measurements of one phase. */
export interface PhaseOutcome {
  /** Unix seconds at which the load started. */
  readonly startedSeconds: number;
  readonly durationSeconds: number;
  /** Resident memory read from the exporter once a second, `t` in seconds since the load started. */
  readonly rss: { t: number; v: number }[];
  /** Seconds since the load started at which the resident memory first reached `stopAtBytes`, or null. */
  readonly crossingElapsedSeconds: number | null;
  readonly checks: CheckRecord[];
  readonly requests: { ok: number; failed: number };
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Converts a verdict into a record, with its forecast as seconds since the load started. */
export function checkRecord(verdict: Verdict | undefined, atSeconds: number, startedSeconds: number, rssBytes: number | null, timeScale = 1): CheckRecord {
  const elapsedSeconds = atSeconds - startedSeconds;
  const hoursToLimit = verdict?.hoursToLimit ?? null;
  return {
    elapsedSeconds: elapsedSeconds / timeScale,
    rssBytes,
    severity: verdict?.severity ?? 'not evaluated',
    pattern: verdict?.pattern ?? '-',
    slopeBytesPerHour: verdict?.slopeBytesPerHour ?? null,
    hoursToLimit,
    forecastCrossingElapsedSeconds: hoursToLimit === null ? null : (elapsedSeconds + hoursToLimit * 3600) / timeScale,
    evidence: verdict?.evidence ?? [],
  };
}

/** Runs one phase: load on, sample every second, check every `checkEverySeconds`, load off. */
export async function runPhase(settings: PhaseSettings): Promise<PhaseOutcome> {
  const load = startLoad(settings.url, settings.requestsPerSecond);
  const startedMs = Date.now();
  const startedSeconds = startedMs / 1000;
  const rss: { t: number; v: number }[] = [];
  const checks: CheckRecord[] = [];
  let crossingElapsedSeconds: number | null = null;

  try {
    for (let tick = 1; tick <= settings.maxSeconds; tick += 1) {
      await sleep(Math.max(0, startedMs + tick * 1000 - Date.now()));
      const rssBytes = await readResidentBytes(settings.metricsUrl, settings.groupname);
      if (rssBytes !== null) {
        rss.push({ t: tick, v: rssBytes });
      }
      if (tick % settings.checkEverySeconds === 0) {
        const atSeconds = Math.floor(Date.now() / 1000);
        const evaluation = await evaluateCheck(settings.options, atSeconds, settings.client, new Map());
        const verdict = evaluation.verdicts.find((one) => one.labels.pod === settings.pod);
        const record = checkRecord(verdict, atSeconds, startedSeconds, rssBytes);
        checks.push(record);
        settings.log(
          `  ${settings.name} +${tick}s: RSS ${((rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB, ${record.severity} ${record.pattern}` +
            (record.hoursToLimit === null ? '' : `, limit in ${(record.hoursToLimit * 3600).toFixed(0)} s`),
        );
      }
      if (settings.stopAtBytes !== null && rssBytes !== null && rssBytes >= settings.stopAtBytes) {
        crossingElapsedSeconds = tick;
        break;
      }
    }
  } finally {
    load.stop();
  }
  return { startedSeconds, durationSeconds: (Date.now() - startedMs) / 1000, rss, crossingElapsedSeconds, checks, requests: load.counts() };
}
