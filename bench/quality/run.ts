/**
 * `npm run bench:quality`: detection quality of oom-forecast against the predict_linear rule on a
 * generated suite of scenarios, backfilled once into one real Prometheus on 127.0.0.1.
 *
 * Prints a table per alert level and the figures against the targets, and writes
 * bench/results/quality.json and quality.md. Exits 0 whatever the figures; 1 only when the bench
 * itself fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricSeries } from '../../lambda/local-prometheus/openmetrics';
import { writeOpenMetricsFile } from '../../lambda/local-prometheus/openmetrics';
import { backfill, startPrometheus } from '../../lambda/local-prometheus/server';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { RESULTS_DIRECTORY, writeResultsJson } from '../support/results';
import { runOomForecast, type OomForecastOutcome } from './contenders/oom-forecast';
import { runPredictLinear, RULE_STEP_SECONDS } from './contenders/predict-linear';
import { LEVEL_HORIZON_HOURS, oomEpisodes, scenarioFigures, type EvaluationSpan, type ScenarioFigures } from './metrics';
import { renderLevelMarkdown, renderLevelTable, renderTargets, summariseTargets, type ScenarioResult } from './report';
import { shouldWarn, type AlertLevel, type QualityScenario } from './scenario';
import { buildSuite, suiteWindow } from './scenarios';
import { DAY } from './scenarios/builders';

const LEVELS: readonly AlertLevel[] = ['warning', 'critical'];

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Groups series by metric name, as the streaming OpenMetrics writer needs. */
function byFamily(series: readonly MetricSeries[]): MetricSeries[] {
  const families = new Map<string, MetricSeries[]>();
  for (const one of series) {
    const family = families.get(one.name) ?? [];
    family.push(one);
    families.set(one.name, family);
  }
  return [...families.values()].flat();
}

/** Figures for the JSON file, with instants in ISO 8601. */
function figuresJson(figures: ScenarioFigures): Record<string, unknown> {
  const { firstAlertSeconds, etaWorst, ...rest } = figures;
  return {
    ...rest,
    firstAlert: firstAlertSeconds === null ? null : iso(firstAlertSeconds),
    etaWorst: etaWorst === null ? null : { at: iso(etaWorst.atSeconds), eta: iso(etaWorst.etaSeconds), real: iso(etaWorst.realSeconds) },
  };
}

/** Describes a wrong verdict in one line: what oom-forecast did, what was right, and the patterns it reported. */
function describeWrongVerdict(result: ScenarioResult, outcome: OomForecastOutcome): string {
  const figures = result.oomForecast.warning;
  const patterns = Object.entries(outcome.patternCounts)
    .sort(([, a], [, b]) => b - a)
    .map(([pattern, count]) => `${pattern} ×${count}`)
    .join(', ');
  const did = figures.alerted
    ? `alerted ${figures.alertHours.toFixed(0)} h from ${iso(figures.firstAlertSeconds as number)}, ${outcome.notifications.filter((n) => n.kind === 'new').length} new alerts`
    : 'never alerted';
  const right = shouldWarn(result.scenario) ? 'should have warned' : 'should have stayed quiet';
  return `${result.scenario.name}: ${did}; ${right} (${result.scenario.description}); patterns seen: ${patterns || 'none'}`;
}

async function main(): Promise<void> {
  const startedMs = Date.now();
  const window = suiteWindow();
  const scenarios: QualityScenario[] = buildSuite(window);
  const series = scenarios.flatMap((scenario) => scenario.series);
  const namespaces = scenarios.map((scenario) => scenario.name);
  const sampleCount = series.reduce((sum, one) => sum + one.samples.length, 0);
  log(`Generated ${scenarios.length} scenarios: ${series.length} series, ${sampleCount} samples over ${(window.endSeconds - window.startSeconds) / DAY} days at ${window.scrapeSeconds} s`);

  const workDirectory = await mkdtemp(join(tmpdir(), 'oom-forecast-bench-quality-'));
  let stopServer: () => Promise<void> = async () => undefined;
  try {
    const writeStartedMs = Date.now();
    const openMetricsPath = join(workDirectory, 'suite.om');
    await writeOpenMetricsFile(openMetricsPath, byFamily(series));
    const backfillStartedMs = Date.now();
    await backfill(openMetricsPath, join(workDirectory, 'tsdb'));
    const backfillSeconds = (Date.now() - backfillStartedMs) / 1000;
    const prometheus = await startPrometheus({ dataDir: join(workDirectory, 'tsdb') });
    stopServer = prometheus.stop;
    log(`Wrote OpenMetrics in ${((backfillStartedMs - writeStartedMs) / 1000).toFixed(1)} s, backfilled in ${backfillSeconds.toFixed(1)} s; Prometheus on ${prometheus.url}`);

    const client = createPrometheusClient({ url: prometheus.url });
    // The first day is too short for any verdict, as in the demo.
    const span: EvaluationSpan = { fromSeconds: window.startSeconds + DAY, toSeconds: window.endSeconds };

    log(`Replaying hourly oom-forecast checks from ${iso(span.fromSeconds)} to ${iso(span.toSeconds)}...`);
    const ours = await runOomForecast(client, namespaces, span, (done) => log(`  ${done} checks`));
    log(`oom-forecast: ${ours.checks} checks, ${ours.requests} requests in ${ours.seconds.toFixed(1)} s (${((ours.seconds / ours.checks) * 1000).toFixed(0)} ms per check)`);
    const rule = await runPredictLinear(client, namespaces, span);
    log(`predict_linear rule: ${rule.requests} range queries at ${RULE_STEP_SECONDS} s in ${rule.seconds.toFixed(1)} s`);

    const results: ScenarioResult[] = scenarios.map((scenario) => {
      const oursOutcome = ours.byNamespace.get(scenario.name) as OomForecastOutcome;
      const ruleTimelines = rule.byNamespace.get(scenario.name) as Record<AlertLevel, (typeof oursOutcome.timelines)['warning']>;
      const figuresOf = (timelines: Record<AlertLevel, (typeof oursOutcome.timelines)['warning']>) =>
        Object.fromEntries(LEVELS.map((level) => [level, scenarioFigures(scenario, level, timelines[level], span)])) as ScenarioResult['oomForecast'];
      return {
        scenario,
        episodes: oomEpisodes(scenario, span, LEVEL_HORIZON_HOURS.warning),
        oomForecast: figuresOf(oursOutcome.timelines),
        oomForecastVerdicts: scenarioFigures(scenario, 'warning', oursOutcome.verdictTimeline, span),
        predictLinear: figuresOf(ruleTimelines),
      };
    });

    const summary = summariseTargets(results);
    const wrong = results
      .filter((result) => !result.oomForecast.warning.verdictRight)
      .map((result) => describeWrongVerdict(result, ours.byNamespace.get(result.scenario.name) as OomForecastOutcome));
    const totalSeconds = (Date.now() - startedMs) / 1000;

    process.stdout.write(`\nWarning level: oom-forecast (OF, any open alert) against the rule with H = 7 d\n\n${renderLevelTable(results, 'warning')}\n`);
    process.stdout.write(`\nCritical level: oom-forecast critical alerts against the rule with H = 2 d\n\n${renderLevelTable(results, 'critical')}\n`);
    process.stdout.write(`\nTargets\n${renderTargets(summary)}\n`);
    if (wrong.length > 0) {
      process.stdout.write(`\nWrong verdicts of oom-forecast\n${wrong.map((line) => `- ${line}`).join('\n')}\n`);
    }
    process.stdout.write(
      `\nRun: ${sampleCount} samples, backfill ${backfillSeconds.toFixed(1)} s, oom-forecast ${ours.checks} checks in ${ours.seconds.toFixed(1)} s, rule ${rule.seconds.toFixed(1)} s, total ${totalSeconds.toFixed(1)} s\n`,
    );

    const json = {
      generatedAt: new Date().toISOString(),
      window: { from: iso(window.startSeconds), to: iso(window.endSeconds), scrapeSeconds: window.scrapeSeconds },
      span: { from: iso(span.fromSeconds), to: iso(span.toSeconds) },
      samples: sampleCount,
      series: series.length,
      timing: { backfillSeconds, oomForecastSeconds: ours.seconds, oomForecastChecks: ours.checks, oomForecastRequests: ours.requests, ruleSeconds: rule.seconds, totalSeconds },
      targets: summary,
      wrongVerdicts: wrong,
      scenarios: results.map((result) => {
        const outcome = ours.byNamespace.get(result.scenario.name) as OomForecastOutcome;
        return {
          name: result.scenario.name,
          description: result.scenario.description,
          group: result.scenario.group,
          shouldWarn: shouldWarn(result.scenario),
          oomKills: result.scenario.oomKillSeconds.map(iso),
          projectedOom: result.scenario.projectedOomSeconds === undefined ? null : iso(result.scenario.projectedOomSeconds),
          episodes: result.episodes.map((episode) => ({ firstKill: iso(episode.firstKillSeconds), projected: episode.projected })),
          oomForecast: {
            warning: figuresJson(result.oomForecast.warning),
            critical: figuresJson(result.oomForecast.critical),
            verdictsAtRisk: figuresJson(result.oomForecastVerdicts),
            patternCounts: outcome.patternCounts,
            notifications: outcome.notifications.map((notification) => ({ ...notification, at: iso(notification.at) })),
            alertIntervals: outcome.timelines.warning.intervals.map((interval) => [iso(interval.startSeconds), iso(interval.endSeconds)]),
          },
          predictLinear: {
            warning: figuresJson(result.predictLinear.warning),
            critical: figuresJson(result.predictLinear.critical),
            alertIntervals: (rule.byNamespace.get(result.scenario.name)?.warning.intervals ?? []).map((interval) => [iso(interval.startSeconds), iso(interval.endSeconds)]),
          },
        };
      }),
    };
    const jsonPath = await writeResultsJson('quality', json);
    const markdownPath = join(RESULTS_DIRECTORY, 'quality.md');
    await writeFile(
      markdownPath,
      `### Warning level\n\n${renderLevelMarkdown(results, 'warning')}\n\n### Critical level\n\n${renderLevelMarkdown(results, 'critical')}\n\n\`\`\`\n${renderTargets(summary)}\n\`\`\`\n`,
    );
    log(`Wrote ${jsonPath} and ${markdownPath}`);
  } finally {
    await stopServer();
    await rm(workDirectory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:quality failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
