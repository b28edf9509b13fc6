import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runBacktest } from '../../lambda/backtest';
import { buildDemoScenario } from '../../lambda/demo/scenario';
import { startPrometheusWithData, type LocalPrometheusWithData } from '../../lambda/local-prometheus/server';
import { buildAlertMessage } from '../../lambda/notify/alert-message';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { evaluateCheck } from '../../lambda/check';
import { checkReportTable } from '../../lambda/report/table-report';

const END_SECONDS = Date.parse('2026-12-01T00:00:00Z') / 1000;

describe('README examples', () => {
  let prometheus: LocalPrometheusWithData;

  beforeAll(async () => {
    prometheus = await startPrometheusWithData(buildDemoScenario(END_SECONDS).series);
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  test('is the email that the demo leak escalation renders', async () => {
    const scenario = buildDemoScenario(END_SECONDS);
    const secondKill = scenario.oomKillSeconds[1];
    const client = createPrometheusClient({ url: prometheus.url });
    const options = { prometheusUrl: prometheus.url, lookbackSeconds: 7 * 86400, warnDays: 7, criticalDays: 2 };

    const backtest = await runBacktest(options, { fromSeconds: secondKill - 70 * 3600, toSeconds: secondKill - 46 * 3600, everySeconds: 3600 }, client);
    const escalation = backtest.notifications.find((notification) => notification.kind === 'escalated');
    expect(escalation).toBeDefined();
    const message = buildAlertMessage([escalation!], {
      evaluatedAt: escalation!.at,
      prometheusUrl: 'http://prometheus.monitoring:9090',
      warnDays: 7,
      criticalDays: 2,
    });

    const readme = await fs.readFile(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const example = /```\nSubject: (.*)\n\n([\s\S]*?)\n```/.exec(readme);
    expect(example).not.toBeNull();
    expect(message.subject).toBe(example![1]);
    expect(message.emailText.trimEnd()).toBe(example![2]);
    expect(readme).toContain(`The SMS of the same message: \`${message.smsText}\``);
  });

  test('table matches demo check', async () => {
    const scenario = buildDemoScenario(END_SECONDS);
    const client = createPrometheusClient({ url: prometheus.url });
    const options = { prometheusUrl: prometheus.url, lookbackSeconds: 7 * 86400, warnDays: 7, criticalDays: 2 };

    const evaluation = await evaluateCheck(options, scenario.oomKillSeconds[1] - 60 * 3600, client, new Map());
    const tableHead = checkReportTable(evaluation).split('\n').slice(0, 5).join('\n');

    const readme = await fs.readFile(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(`## Read the output\n\n\`\`\`\n${tableHead}\n\`\`\`\n`);
  });
});
