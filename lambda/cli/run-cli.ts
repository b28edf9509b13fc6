import { version as packageVersion } from '../../package.json';
import { runBacktest } from '../backtest';
import { runCheck } from '../check';
import { UsageError } from '../config/units';
import { runDemo } from '../demo/run-demo';
import { createPrometheusClient } from '../prometheus/client';
import { PrometheusError } from '../prometheus/errors';
import { backtestReportJson, checkReportJson } from '../report/json-report';
import { backtestReportTable, checkReportTable } from '../report/table-report';
import { FileHistoryStore } from '../store/file-store';
import { HELP_TEXT, parseCommandLine, type CommandLine } from './options';

/** Exit statuses of the contract. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_BACKEND = 3;

/** Output streams of the CLI. Tests pass collectors. */
export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the `oom-forecast` command line and returns its exit status: 0 when the check ran
 * whatever it found, 2 for bad usage, 3 when the metrics backend failed.
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  output: CliOutput = processOutput,
): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv, env, Date.now() / 1000);
    await runCommand(commandLine, output);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      output.stderr(`oom-forecast: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof PrometheusError) {
      output.stderr(`oom-forecast: ${error.message}\n`);
      return EXIT_BACKEND;
    }
    throw error;
  }
}

async function runCommand(commandLine: CommandLine, output: CliOutput): Promise<void> {
  switch (commandLine.command) {
    case 'help':
      output.stdout(HELP_TEXT);
      return;
    case 'version':
      output.stdout(`oom-forecast ${packageVersion}\n`);
      return;
    case 'demo':
      await runDemo(output);
      return;
    case 'check':
      await runCheckCommand(commandLine, output);
      return;
    case 'backtest':
      await runBacktestCommand(commandLine, output);
      return;
  }
}

async function runCheckCommand(commandLine: CommandLine, output: CliOutput): Promise<void> {
  const client = createPrometheusClient({ url: commandLine.check.prometheusUrl, auth: commandLine.auth });
  const store = commandLine.statePath ? new FileHistoryStore(commandLine.statePath) : undefined;

  const evaluation = await runCheck(commandLine.check, commandLine.atSeconds, client, store);

  if (commandLine.format === 'json') {
    output.stdout(`${JSON.stringify(checkReportJson(evaluation), null, 2)}\n`);
  } else {
    output.stdout(`${checkReportTable(evaluation, { notifications: store !== undefined })}\n`);
  }
}

async function runBacktestCommand(commandLine: CommandLine, output: CliOutput): Promise<void> {
  const client = createPrometheusClient({ url: commandLine.check.prometheusUrl, auth: commandLine.auth });
  const window = {
    fromSeconds: commandLine.fromSeconds,
    toSeconds: commandLine.atSeconds,
    everySeconds: commandLine.everySeconds,
  };

  const result = await runBacktest(commandLine.check, window, client);

  if (commandLine.format === 'json') {
    output.stdout(`${JSON.stringify(backtestReportJson(result, window), null, 2)}\n`);
  } else {
    output.stdout(`${backtestReportTable(result)}\n`);
  }
}
