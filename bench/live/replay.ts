/**
 * The live run replayed on a stretched clock, to judge the same samples as a real incident of
 * hours and days would be judged, with the full analysis windows of a 2-day lookback. The replay
 * copies the samples that the live Prometheus scraped into a second Prometheus, unchanged except
 * for their timestamps: every second of the run becomes `timeScale` seconds. The checker then
 * runs at hourly instants of the stretched clock.
 */
import { evaluateCheck } from '../../lambda/check';
import type { CheckOptions } from '../../lambda/config/check-options';
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { startPrometheusWithData } from '../../lambda/local-prometheus/server';
import { createPrometheusClient, type PrometheusClient } from '../../lambda/prometheus/client';
import { checkRecord, type CheckRecord } from './phase';
import { POD_BY_GROUP } from './usage-query';

/** A phase to check on the stretched clock. */
export interface ReplayPhase {
  readonly name: string;
  readonly groupname: string;
  /** Unix seconds (real) at which the phase's load started and ended. */
  readonly startedSeconds: number;
  readonly endedSeconds: number;
}

/** Settings of the replay. */
export interface ReplaySettings {
  readonly liveClient: PrometheusClient;
  /** Real Unix seconds of the first and last sample to copy. */
  readonly fromSeconds: number;
  readonly toSeconds: number;
  /** Stretched seconds per real second. */
  readonly timeScale: number;
  readonly phases: readonly ReplayPhase[];
  /** Seconds (stretched) between checks. */
  readonly checkEverySeconds: number;
  /** Check options without the Prometheus URL, which is the replay server's. */
  readonly options: Omit<CheckOptions, 'prometheusUrl'>;
  readonly log: (line: string) => void;
}

/** Checks of one phase on the stretched clock, with elapsed times converted back to real seconds. */
export interface ReplayOutcome {
  readonly samples: number;
  readonly checksByPhase: Record<string, CheckRecord[]>;
}

/**
 * Copies the exporter's resident-memory samples of the run into a new Prometheus on a stretched
 * clock that ends now, runs checks on it and stops it.
 */
export async function replayStretched(settings: ReplaySettings): Promise<ReplayOutcome> {
  const rangeSeconds = Math.ceil(settings.toSeconds - settings.fromSeconds) + 5;
  const groups = Object.keys(POD_BY_GROUP).join('|');
  const raw = await settings.liveClient.query(`namedprocess_namegroup_memory_bytes{memtype="resident",groupname=~"${groups}"}[${rangeSeconds}s]`, settings.toSeconds);

  // The stretched clock ends at the current minute, so that the copy lies in the past.
  const stretchedEndSeconds = Math.floor(Date.now() / 60000) * 60;
  const stretch = (realSeconds: number): number => stretchedEndSeconds - (settings.toSeconds - realSeconds) * settings.timeScale;
  const series: MetricSeries[] = raw.map((one) => ({
    name: 'namedprocess_namegroup_memory_bytes',
    labels: { groupname: one.labels.groupname, memtype: 'resident' },
    samples: one.samples.map((sample) => ({ t: Math.round(stretch(sample.t) * 1000) / 1000, v: sample.v })),
  }));
  const samples = series.reduce((sum, one) => sum + one.samples.length, 0);
  const rssAt = (groupname: string, stretchedSeconds: number): number | null => {
    const before = series.find((one) => one.labels.groupname === groupname)?.samples.filter((sample) => sample.t <= stretchedSeconds);
    return before?.at(-1)?.v ?? null;
  };

  const replay = await startPrometheusWithData(series);
  try {
    const client = createPrometheusClient({ url: replay.url });
    const options: CheckOptions = { ...settings.options, prometheusUrl: replay.url };
    const checksByPhase: Record<string, CheckRecord[]> = {};
    for (const phase of settings.phases) {
      const records: CheckRecord[] = [];
      const phaseStart = stretch(phase.startedSeconds);
      for (let at = phaseStart + settings.checkEverySeconds; at <= stretch(phase.endedSeconds); at += settings.checkEverySeconds) {
        const atSeconds = Math.floor(at);
        const evaluation = await evaluateCheck(options, atSeconds, client, new Map());
        const verdict = evaluation.verdicts.find((one) => one.labels.pod === POD_BY_GROUP[phase.groupname]);
        records.push(checkRecord(verdict, atSeconds, phaseStart, rssAt(phase.groupname, atSeconds), settings.timeScale));
      }
      checksByPhase[phase.name] = records;
      settings.log(`  replayed ${records.length} checks of the ${phase.name} phase`);
    }
    return { samples, checksByPhase };
  } finally {
    await replay.stop();
  }
}
