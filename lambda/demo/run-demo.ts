import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { runBacktest } from '../backtest';
import { evaluateCheck } from '../check';
import { DEFAULT_CRITICAL_DAYS, DEFAULT_LOOKBACK_SECONDS, DEFAULT_WARN_DAYS, type CheckOptions } from '../config/check-options';
import { formatInstant } from '../config/units';
import { startPrometheusWithData } from '../local-prometheus/server';
import { createPrometheusClient } from '../prometheus/client';
import { backtestReportTable, checkReportTable } from '../report/table-report';
import type { Notification } from '../types';
import { buildDemoScenario, type DemoScenario } from './scenario';

/** Output sink of the demo. */
export interface DemoOutput {
  readonly stdout: (text: string) => void;
}

/** Findings of the demo, for tests and for its closing summary. */
export interface DemoOutcome {
  readonly scenario: DemoScenario;
  readonly notifications: Notification[];
  /** For each OOM kill of the leak: hours between the first warning and the kill, or null if none. */
  readonly leadHoursPerOomKill: (number | null)[];
  /** Notifications for the leaking service after the fix was rolled out, other than resolved notices. */
  readonly warningsAfterFix: Notification[];
}

/**
 * Runs the motivating incident end to end on a real Prometheus. It generates the data, backfills
 * it with promtool and starts Prometheus on a free loopback port. Then it replays hourly checks,
 * runs one check before the second OOM kill and one after the fix, prints the reports and stops
 * the server.
 */
export async function runDemo(output: DemoOutput): Promise<DemoOutcome> {
  const endSeconds = Math.floor(Date.now() / 1000 / 3600) * 3600;
  const scenario = buildDemoScenario(endSeconds);
  const workDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'oom-forecast-demo-'));

  output.stdout(`Generating ${countSamples(scenario)} samples of a uwsgi leak, a celery worker and the fixed service...\n`);
  const prometheus = await startPrometheusWithData(scenario.series, workDirectory);
  try {
    output.stdout(`Prometheus is serving the data on ${prometheus.url}\n\n`);
    const client = createPrometheusClient({ url: prometheus.url });
    const options: CheckOptions = {
      prometheusUrl: prometheus.url,
      lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
      warnDays: DEFAULT_WARN_DAYS,
      criticalDays: DEFAULT_CRITICAL_DAYS,
    };

    // The first day of data is too short for any verdict, so the replay starts after it.
    const window = { fromSeconds: scenario.window.startSeconds + 86400, toSeconds: endSeconds, everySeconds: 3600 };
    const backtest = await runBacktest(options, window, client);
    output.stdout(`${backtestReportTable(backtest)}\n\n`);

    const outcome = summarise(scenario, backtest.notifications, options.warnDays * 24);
    output.stdout(`${describeOutcome(outcome)}\n\n`);

    const beforeSecondKill = (scenario.oomKillSeconds[1] ?? scenario.fixSeconds) - 60 * 3600;
    const leakCheck = await evaluateCheck(options, beforeSecondKill, client, new Map());
    output.stdout(`Before the fix, 60 hours ahead of the second OOM kill:\n${checkReportTable(leakCheck)}\n\n`);

    const fixedCheck = await evaluateCheck(options, endSeconds, client, new Map());
    output.stdout(`Now, ${Math.round((endSeconds - scenario.fixSeconds) / 86400)} days after worker recycling:\n${checkReportTable(fixedCheck)}\n`);
    return outcome;
  } finally {
    await prometheus.stop();
    await fs.rm(workDirectory, { recursive: true, force: true });
  }
}

function summarise(scenario: DemoScenario, notifications: Notification[], warnHours: number): DemoOutcome {
  const leakId = 'dojo/dojo-django/uwsgi';
  // The alert may stay open across an OOM kill, so the first message of each cycle can be a
  // reminder. Only messages whose forecast is within the warning horizon count as a warning of
  // the next kill, because a message right after a kill may report the kill itself.
  const leakWarnings = notifications.filter(
    (notification) =>
      notification.id === leakId &&
      notification.kind !== 'resolved' &&
      notification.hoursToLimit !== null &&
      notification.hoursToLimit <= warnHours,
  );

  const leadHoursPerOomKill = scenario.oomKillSeconds.map((killSeconds, index) => {
    const previousKill = index === 0 ? -Infinity : scenario.oomKillSeconds[index - 1];
    const warning = leakWarnings.find((notification) => notification.at > previousKill && notification.at < killSeconds);
    return warning ? (killSeconds - warning.at) / 3600 : null;
  });

  const warningsAfterFix = notifications.filter(
    (notification) => notification.id === leakId && notification.at >= scenario.fixSeconds && notification.kind !== 'resolved',
  );
  return { scenario, notifications, leadHoursPerOomKill, warningsAfterFix };
}

function describeOutcome(outcome: DemoOutcome): string {
  const lines = outcome.scenario.oomKillSeconds.map((killSeconds, index) => {
    const leadHours = outcome.leadHoursPerOomKill[index];
    const lead = leadHours === null ? 'no warning before it' : `first warned ${(leadHours / 24).toFixed(1)} days before`;
    return `OOM kill ${index + 1} at ${formatInstant(killSeconds)}: ${lead}`;
  });
  lines.push(
    `Worker recycling rolled out at ${formatInstant(outcome.scenario.fixSeconds)}: ` +
      (outcome.warningsAfterFix.length === 0 ? 'no warning since' : `${outcome.warningsAfterFix.length} warnings since`),
  );
  return lines.join('\n');
}

function countSamples(scenario: DemoScenario): number {
  return scenario.series.reduce((sum, series) => sum + series.samples.length, 0);
}
