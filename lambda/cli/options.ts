import { parseArgs } from 'node:util';
import {
  DEFAULT_CRITICAL_DAYS,
  DEFAULT_LOOKBACK_SECONDS,
  DEFAULT_WARN_DAYS,
  type CheckOptions,
} from '../config/check-options';
import {
  UsageError,
  formatInstant,
  parseBytes,
  parseDurationSeconds,
  parseInstant,
  parsePositiveNumber,
} from '../config/units';
import type { PrometheusAuth } from '../prometheus/auth';
import { parseShard } from '../queries/shard';

export type OutputFormat = 'table' | 'json';

/** Settings parsed from one command line. */
export interface CommandLine {
  readonly command: 'check' | 'backtest' | 'demo' | 'help' | 'version';
  readonly check: CheckOptions;
  readonly auth: PrometheusAuth;
  /** Unix seconds: `--at` for check, `--to` for backtest. */
  readonly atSeconds: number;
  readonly fromSeconds: number;
  readonly everySeconds: number;
  readonly statePath: string | undefined;
  readonly format: OutputFormat;
}

const OPTION_SPEC = {
  prometheus: { type: 'string' },
  selector: { type: 'string' },
  'usage-query': { type: 'string' },
  'limit-query': { type: 'string' },
  limit: { type: 'string' },
  lookback: { type: 'string' },
  'warn-days': { type: 'string' },
  'critical-days': { type: 'string' },
  at: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  every: { type: 'string' },
  state: { type: 'string' },
  format: { type: 'string' },
  auth: { type: 'string' },
  region: { type: 'string' },
  shard: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['check', 'backtest', 'demo', 'help'] as const;

/**
 * Parses the arguments after `oom-forecast` into validated settings.
 *
 * @param env - environment for `PROMETHEUS_URL` and credentials
 * @param nowSeconds - the default for `--at` and `--to`
 * @throws UsageError naming the option, the value and what is accepted
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, nowSeconds: number): CommandLine {
  const [commandText, ...rest] = argv;
  if (commandText === undefined || commandText === '--help' || commandText === '-h') {
    return helpCommandLine(nowSeconds);
  }
  if (commandText === '--version' || commandText === 'version') {
    return { ...helpCommandLine(nowSeconds), command: 'version' };
  }
  if (!(COMMANDS as readonly string[]).includes(commandText)) {
    throw new UsageError(`unknown command "${commandText}": expected one of ${COMMANDS.join(', ')}`);
  }
  const command = commandText as CommandLine['command'];

  const values = parseFlags(rest);
  if (values.help || command === 'help') {
    return { ...helpCommandLine(nowSeconds), command: 'help' };
  }

  const prometheusUrl = values.prometheus ?? env.PROMETHEUS_URL ?? '';
  if (command !== 'demo') {
    validatePrometheusUrl(prometheusUrl);
  }

  const check: CheckOptions = {
    prometheusUrl,
    selector: values.selector,
    usageQuery: values['usage-query'],
    limitQuery: values['limit-query'],
    fallbackLimitBytes: values.limit === undefined ? undefined : parseBytes(values.limit, '--limit'),
    lookbackSeconds:
      values.lookback === undefined ? DEFAULT_LOOKBACK_SECONDS : parseDurationSeconds(values.lookback, '--lookback'),
    warnDays: values['warn-days'] === undefined ? DEFAULT_WARN_DAYS : parsePositiveNumber(values['warn-days'], '--warn-days'),
    criticalDays:
      values['critical-days'] === undefined
        ? DEFAULT_CRITICAL_DAYS
        : parsePositiveNumber(values['critical-days'], '--critical-days'),
    shard: values.shard === undefined ? undefined : parseShard(values.shard, '--shard'),
  };
  if (check.criticalDays > check.warnDays) {
    throw new UsageError(
      `--critical-days "${check.criticalDays}": expected at most --warn-days (${check.warnDays}), because critical is the nearer horizon`,
    );
  }
  if (check.selector !== undefined) {
    validateSelector(check.selector);
  }

  const atSeconds = parseOptionalInstant(command === 'backtest' ? values.to : values.at, command === 'backtest' ? '--to' : '--at', nowSeconds);
  const everySeconds = values.every === undefined ? 3600 : parseDurationSeconds(values.every, '--every');
  const fromSeconds =
    values.from === undefined ? atSeconds - 7 * 86400 : parseInstant(values.from, '--from');
  if (command === 'backtest' && fromSeconds >= atSeconds) {
    throw new UsageError(`--from "${values.from}": expected an instant before --to (${formatInstant(atSeconds)})`);
  }

  return {
    command,
    check,
    auth: parseAuth(values.auth, values.region, env),
    atSeconds,
    fromSeconds,
    everySeconds,
    statePath: values.state,
    format: parseFormat(values.format),
  };
}

function parseFlags(args: string[]): Partial<Record<keyof typeof OPTION_SPEC, string>> & { help?: boolean } {
  try {
    return parseArgs({ args, options: OPTION_SPEC, allowPositionals: false, strict: true }).values as ReturnType<
      typeof parseFlags
    >;
  } catch (error) {
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((error as Error).message)?.[1];
    if (unknown !== undefined) {
      const near = nearestOption(unknown);
      const hint = near === undefined ? 'run' : `did you mean --${near}? Run`;
      throw new UsageError(`unknown option "${unknown}": ${hint} "oom-forecast --help" for the accepted options`);
    }
    // node:util names the flag in its own words; keep its text and add where to look.
    throw new UsageError(`${(error as Error).message}; run "oom-forecast --help" for the accepted options`);
  }
}

/** Returns the known option closest to a mistyped one, within two edits, or undefined. */
function nearestOption(typed: string): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0];
  let best: { option: string; distance: number } | undefined;
  for (const option of Object.keys(OPTION_SPEC)) {
    const distance = editDistance(name, option);
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { option, distance };
    }
  }
  return best?.option;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function validatePrometheusUrl(url: string): void {
  if (url === '') {
    throw new UsageError('--prometheus: missing; pass the base URL of the Prometheus HTTP API, such as http://127.0.0.1:9090, or set PROMETHEUS_URL');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--prometheus "${url}": expected an http:// or https:// URL such as http://127.0.0.1:9090`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--prometheus "${url}": expected an http:// or https:// URL such as http://127.0.0.1:9090`);
  }
}

/** Accepts label matchers such as `namespace="dojo", team=~"a|b"`, the text inside `{...}`. */
function validateSelector(selector: string): void {
  const matcher = /\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*/;
  const list = new RegExp(`^(${matcher.source})(,${matcher.source})*,?\\s*$`);
  if (selector.trim() !== '' && !list.test(selector)) {
    throw new UsageError(`--selector "${selector}": expected label matchers such as namespace="dojo" or app=~"api|web", without braces`);
  }
}

function parseOptionalInstant(text: string | undefined, name: string, nowSeconds: number): number {
  return text === undefined ? Math.floor(nowSeconds) : parseInstant(text, name);
}

function parseFormat(text: string | undefined): OutputFormat {
  if (text === undefined || text === 'table' || text === 'json') {
    return text ?? 'table';
  }
  throw new UsageError(`--format "${text}": expected table or json`);
}

function parseAuth(kind: string | undefined, region: string | undefined, env: NodeJS.ProcessEnv): PrometheusAuth {
  let chosen = kind ?? 'none';
  if (kind === undefined && env.PROMETHEUS_BEARER_TOKEN) {
    chosen = 'bearer';
  } else if (kind === undefined && env.PROMETHEUS_USERNAME) {
    chosen = 'basic';
  }
  switch (chosen) {
    case 'none':
      return { kind: 'none' };
    case 'basic':
      if (!env.PROMETHEUS_USERNAME || env.PROMETHEUS_PASSWORD === undefined) {
        throw new UsageError('--auth "basic": set PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD in the environment');
      }
      return { kind: 'basic', username: env.PROMETHEUS_USERNAME, password: env.PROMETHEUS_PASSWORD };
    case 'bearer':
      if (!env.PROMETHEUS_BEARER_TOKEN) {
        throw new UsageError('--auth "bearer": set PROMETHEUS_BEARER_TOKEN in the environment');
      }
      return { kind: 'bearer', token: env.PROMETHEUS_BEARER_TOKEN };
    case 'sigv4': {
      const awsRegion = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
      if (!awsRegion) {
        throw new UsageError('--auth "sigv4": pass --region (such as eu-west-1) or set AWS_REGION');
      }
      return { kind: 'sigv4', region: awsRegion };
    }
    default:
      throw new UsageError(`--auth "${chosen}": expected none, basic, bearer or sigv4`);
  }
}

function helpCommandLine(nowSeconds: number): CommandLine {
  return {
    command: 'help',
    check: {
      prometheusUrl: '',
      lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
      warnDays: DEFAULT_WARN_DAYS,
      criticalDays: DEFAULT_CRITICAL_DAYS,
    },
    auth: { kind: 'none' },
    atSeconds: nowSeconds,
    fromSeconds: nowSeconds,
    everySeconds: 3600,
    statePath: undefined,
    format: 'table',
  };
}

export const HELP_TEXT = `oom-forecast: warns days before a container reaches its memory limit

Usage:
  oom-forecast check    --prometheus URL [options]   run one check and print the verdicts
  oom-forecast backtest --prometheus URL [options]   replay hourly checks over past data
  oom-forecast demo                                  run the built-in scenario on a local Prometheus

Options:
  --prometheus URL       base URL of the Prometheus HTTP API (default: env PROMETHEUS_URL)
  --selector MATCHERS    extra label matchers for every default query, e.g. namespace="dojo"
  --usage-query PROMQL   replaces the default working-set query (one series per namespace/pod/container)
  --limit-query PROMQL   replaces the default limit query
  --limit BYTES          limit for containers without one, e.g. 512MiB, 2GiB (default: none)
  --lookback DURATION    history read by one check, e.g. 7d, 36h, 90m (default: 7d)
  --warn-days N          warning when the limit is forecast within N days (default: 7)
  --critical-days N      critical when the limit is forecast within N days (default: 2)
  --at TIME              check: evaluate as of this instant, RFC 3339 or Unix seconds (default: now)
  --from TIME, --to TIME backtest: the span to replay (default: the 7 days before now)
  --every DURATION       backtest: time between replayed checks (default: 1h)
  --state PATH           check: JSON file that keeps alert state between runs (default: stateless)
  --shard INDEX/COUNT    check only the namespaces that hash to shard INDEX of COUNT, e.g. 2/4,
                         so that COUNT parallel checks split a large cluster (default: all)
  --format table|json    output for people or programs (default: table)
  --auth KIND            none, basic (PROMETHEUS_USERNAME, PROMETHEUS_PASSWORD), bearer
                         (PROMETHEUS_BEARER_TOKEN) or sigv4 (AWS credentials; --region)
  --region REGION        sigv4: the AWS Region of the workspace, e.g. eu-west-1 (default: env AWS_REGION)
  -h, --help             show this help
  --version              print the version

Environment: HTTPS_PROXY, HTTP_PROXY and NO_PROXY route a remote Prometheus through a proxy.

Exit status: 0 the check ran, 2 bad usage, 3 the metrics backend failed.
`;
