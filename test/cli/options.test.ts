import { parseCommandLine } from '../../lambda/cli/options';
import { UsageError } from '../../lambda/config/units';

const NOW = Date.UTC(2026, 11, 1) / 1000;
const URL_ARGS = ['--prometheus', 'http://127.0.0.1:9090'];

describe('parseCommandLine', () => {
  test('applies the contract defaults', () => {
    const commandLine = parseCommandLine(['check', ...URL_ARGS], {}, NOW);

    expect(commandLine.check).toEqual({
      prometheusUrl: 'http://127.0.0.1:9090',
      selector: undefined,
      usageQuery: undefined,
      limitQuery: undefined,
      fallbackLimitBytes: undefined,
      lookbackSeconds: 7 * 86400,
      warnDays: 7,
      criticalDays: 2,
    });
    expect(commandLine.atSeconds).toBe(NOW);
    expect(commandLine.format).toBe('table');
    expect(commandLine.auth).toEqual({ kind: 'none' });
  });

  test('reads every option', () => {
    const commandLine = parseCommandLine(
      [
        'check',
        ...URL_ARGS,
        '--selector',
        'namespace="dojo"',
        '--limit',
        '2GiB',
        '--lookback',
        '36h',
        '--warn-days',
        '5',
        '--critical-days',
        '1.5',
        '--at',
        '2026-11-30T12:00:00Z',
        '--state',
        '/tmp/state.json',
        '--format',
        'json',
      ],
      {},
      NOW,
    );

    expect(commandLine.check).toMatchObject({
      selector: 'namespace="dojo"',
      fallbackLimitBytes: 2 * 1024 ** 3,
      lookbackSeconds: 36 * 3600,
      warnDays: 5,
      criticalDays: 1.5,
    });
    expect(commandLine.atSeconds).toBe(NOW - 12 * 3600);
    expect(commandLine.statePath).toBe('/tmp/state.json');
    expect(commandLine.format).toBe('json');
  });

  test('takes the URL from PROMETHEUS_URL', () => {
    const commandLine = parseCommandLine(['check'], { PROMETHEUS_URL: 'https://prom.example:9090/prefix' }, NOW);

    expect(commandLine.check.prometheusUrl).toBe('https://prom.example:9090/prefix');
  });

  test('backtest defaults to the seven days before --to', () => {
    const commandLine = parseCommandLine(['backtest', ...URL_ARGS, '--to', String(NOW)], {}, NOW + 999);

    expect(commandLine.atSeconds).toBe(NOW);
    expect(commandLine.fromSeconds).toBe(NOW - 7 * 86400);
    expect(commandLine.everySeconds).toBe(3600);
  });

  test('reads credentials from the environment', () => {
    expect(parseCommandLine(['check', ...URL_ARGS], { PROMETHEUS_BEARER_TOKEN: 't0k' }, NOW).auth).toEqual({
      kind: 'bearer',
      token: 't0k',
    });
    expect(
      parseCommandLine(['check', ...URL_ARGS], { PROMETHEUS_USERNAME: 'u', PROMETHEUS_PASSWORD: 'p' }, NOW).auth,
    ).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(parseCommandLine(['check', ...URL_ARGS, '--auth', 'sigv4', '--region', 'eu-west-1'], {}, NOW).auth).toEqual({
      kind: 'sigv4',
      region: 'eu-west-1',
    });
  });

  test.each([
    [['check'], '--prometheus: missing'],
    [['check', '--prometheus', 'prometheus:9090'], '--prometheus "prometheus:9090": expected an http:// or https:// URL'],
    [['check', ...URL_ARGS, '--lookback', '7x'], '--lookback "7x": expected a duration such as 7d, 36h, 90m'],
    [['check', ...URL_ARGS, '--warn-days', 'soon'], '--warn-days "soon": expected a number above zero'],
    [['check', ...URL_ARGS, '--critical-days', '0'], '--critical-days "0": expected a number above zero'],
    [['check', ...URL_ARGS, '--critical-days', '9'], '--critical-days "9": expected at most --warn-days (7)'],
    [['check', ...URL_ARGS, '--limit', 'lots'], '--limit "lots": expected a size such as 512MiB, 2GiB'],
    [['check', ...URL_ARGS, '--at', 'yesterday'], '--at "yesterday": expected RFC 3339'],
    [['check', ...URL_ARGS, '--at', '2026-12-01T00:00:00'], '--at "2026-12-01T00:00:00": expected RFC 3339 with a time zone'],
    [['check', ...URL_ARGS, '--format', 'yaml'], '--format "yaml": expected table or json'],
    [['check', ...URL_ARGS, '--selector', '{namespace="a"}'], '--selector "{namespace="a"}": expected label matchers'],
    [['check', ...URL_ARGS, '--auth', 'kerberos'], '--auth "kerberos": expected none, basic, bearer or sigv4'],
    [['check', ...URL_ARGS, '--auth', 'bearer'], '--auth "bearer": set PROMETHEUS_BEARER_TOKEN'],
    [['check', ...URL_ARGS, '--auth', 'sigv4'], '--auth "sigv4": pass --region'],
    [['check', ...URL_ARGS, '--colour'], 'unknown option "--colour": run "oom-forecast --help" for the accepted options'],
    [['check', ...URL_ARGS, '--warndays', '3'], 'unknown option "--warndays": did you mean --warn-days?'],
    [['check', ...URL_ARGS, '--lookbak=3d'], 'unknown option "--lookbak": did you mean --lookback? Run "oom-forecast --help"'],
    [['forecast'], 'unknown command "forecast": expected one of check, backtest, demo, help'],
    [['backtest', ...URL_ARGS, '--from', '2026-12-02T00:00:00Z', '--to', '2026-12-01T00:00:00Z'], '--from "2026-12-02T00:00:00Z": expected an instant before --to'],
  ])('rejects %j naming the option and value', (argv, expectedMessage) => {
    const parse = (): unknown => parseCommandLine(argv, {}, NOW);

    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(expectedMessage);
  });

  test('accepts several matchers in --selector', () => {
    const commandLine = parseCommandLine(['check', ...URL_ARGS, '--selector', 'namespace="dojo", app=~"api|web"'], {}, NOW);

    expect(commandLine.check.selector).toBe('namespace="dojo", app=~"api|web"');
  });
});
