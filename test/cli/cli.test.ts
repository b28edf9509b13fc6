import { version } from '../../package.json';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EXIT_BACKEND, EXIT_OK, EXIT_USAGE, runCli } from '../../lambda/cli/run-cli';
import { buildDemoScenario } from '../../lambda/demo/scenario';
import { startPrometheusWithData, type LocalPrometheusWithData } from '../../lambda/local-prometheus/server';

const END_SECONDS = Date.parse('2026-12-01T00:00:00Z') / 1000;
const scenario = buildDemoScenario(END_SECONDS);

/** Runs the CLI in-process and collects what it prints. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { status, stdout, stderr };
}

describe('oom-forecast CLI against a real Prometheus', () => {
  let prometheus: LocalPrometheusWithData;
  // 60 hours before the second OOM kill of the leak, the contract's example situation.
  const warnedAt = scenario.oomKillSeconds[1] - 60 * 3600;

  beforeAll(async () => {
    prometheus = await startPrometheusWithData(scenario.series);
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  test('check --format json gives the contract document', async () => {
    const result = await cli(['check', '--prometheus', prometheus.url, '--at', String(warnedAt), '--format', 'json']);

    expect(result.status).toBe(EXIT_OK);
    const document = JSON.parse(result.stdout);
    expect(document.schemaVersion).toBe(1);
    expect(document.evaluatedAt).toBe(new Date(warnedAt * 1000).toISOString().replace('.000Z', 'Z'));
    expect(document.series.map((entry: { id: string }) => entry.id)).toEqual(['dojo/dojo-django/uwsgi', 'dojo/dojo-celery/celery']);

    const leak = document.series[0];
    expect(leak.labels).toEqual({ namespace: 'dojo', pod: 'dojo-django-7c9f8b6d4-x2k9p', container: 'uwsgi' });
    expect(leak.limitBytes).toBe(6 * 1024 ** 3);
    expect(leak.severity).toBe('warning');
    expect(leak.pattern).toBe('linear-growth');
    expect(leak.slopeBytesPerHour).toBeGreaterThan(28.5e6);
    expect(leak.slopeBytesPerHour).toBeLessThan(31.5e6);
    expect(leak.hoursToLimit).toBeGreaterThan(57);
    expect(leak.hoursToLimit).toBeLessThan(63);
    expect(typeof leak.usageBytes).toBe('number');

    const celery = document.series[1];
    expect(celery).toMatchObject({ severity: 'none', hoursToLimit: null, pattern: 'flat' });
  });

  test('check after worker recycling warns about nothing', async () => {
    const result = await cli(['check', '--prometheus', prometheus.url, '--at', String(END_SECONDS), '--format', 'json']);

    const document = JSON.parse(result.stdout);
    expect(document.series.map((entry: { severity: string }) => entry.severity)).toEqual(['none', 'none']);
    expect(document.series.find((entry: { id: string }) => entry.id === 'dojo/dojo-django/uwsgi').limitBytes).toBe(2 * 1024 ** 3);
  });

  test('check prints a table, most urgent first, with a chart', async () => {
    const result = await cli(['check', '--prometheus', prometheus.url, '--at', String(warnedAt)]);

    expect(result.status).toBe(EXIT_OK);
    const lines = result.stdout.split('\n');
    const warningRow = lines.findIndex((line) => line.startsWith('WARNING   dojo/dojo-django/uwsgi'));
    const healthyRow = lines.findIndex((line) => line.startsWith('ok        dojo/dojo-celery/celery'));
    expect(warningRow).toBeGreaterThan(0);
    expect(healthyRow).toBeGreaterThan(warningRow);
    expect(lines[warningRow]).toMatch(/6\.0 GiB\s+\+\d\d\.\d MiB\/h\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC \(2\.\d d\)\s+linear-growth/);
    expect(result.stdout).toContain('|');
  });

  test('--selector narrows every query', async () => {
    const result = await cli([
      'check',
      '--prometheus',
      prometheus.url,
      '--at',
      String(warnedAt),
      '--selector',
      'container="celery"',
      '--format',
      'json',
    ]);

    expect(JSON.parse(result.stdout).series.map((entry: { id: string }) => entry.id)).toEqual(['dojo/dojo-celery/celery']);
  });

  test('backtest --format json lists the warning days before the first OOM kill', async () => {
    const firstKill = scenario.oomKillSeconds[0];
    const result = await cli([
      'backtest',
      '--prometheus',
      prometheus.url,
      '--from',
      String(firstKill - 9 * 86400),
      '--to',
      String(firstKill),
      '--format',
      'json',
    ]);

    expect(result.status).toBe(EXIT_OK);
    const document = JSON.parse(result.stdout);
    const first = document.notifications[0];
    expect(first).toMatchObject({ id: 'dojo/dojo-django/uwsgi', severity: 'warning', kind: 'new' });
    const leadDays = (firstKill - Date.parse(first.at) / 1000) / 86400;
    expect(leadDays).toBeGreaterThan(6);
    expect(leadDays).toBeLessThanOrEqual(7.1);
    expect(document.notifications.some((notification: { severity: string }) => notification.severity === 'critical')).toBe(true);
  });
});

describe('oom-forecast CLI exit status', () => {
  test('a bad option exits 2 naming the option and value', async () => {
    const result = await cli(['check', '--prometheus', 'http://127.0.0.1:9', '--lookback', 'week']);

    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('--lookback "week": expected a duration such as 7d, 36h, 90m');
  });

  test('an unreachable Prometheus exits 3 naming the URL', async () => {
    // Port 9 (discard) on loopback has no listener here, so the connection is refused at once.
    const result = await cli(['check', '--prometheus', 'http://127.0.0.1:9']);

    expect(result.status).toBe(EXIT_BACKEND);
    expect(result.stderr).toContain('http://127.0.0.1:9');
  });

  test('the installed command prints help and exits 0', async () => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'oom-forecast.js');

    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);

    expect(stdout).toContain('oom-forecast check    --prometheus URL');
    expect(stdout).toContain('--region REGION');
  });

  test('--version prints the package version', async () => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'oom-forecast.js');

    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--version']);

    expect(stdout).toBe(`oom-forecast ${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
