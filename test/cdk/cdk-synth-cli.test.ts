/**
 * Runs the real `cdk synth` the way a user does after `npm ci`: through cdk.json, with esbuild
 * bundling, offline and without AWS credentials.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Copies the current environment without the variables that could reach AWS or contain credentials. */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_') && !name.startsWith('CDK_')) {
      environment[name] = value;
    }
  }
  return {
    ...environment,
    CDK_DISABLE_VERSION_CHECK: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'oom-forecast-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'oom-forecast-no-aws-credentials'),
  };
}

function runCdkSynth(outputDirectory: string, extraArguments: string[] = []) {
  return spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outputDirectory, ...extraArguments], {
    cwd: PROJECT_ROOT,
    env: offlineEnvironment(),
    encoding: 'utf8',
    timeout: 110_000,
  });
}

describe('cdk synth from cdk.json', () => {
  let outputDirectory: string;

  beforeEach(() => {
    outputDirectory = mkdtempSync(path.join(tmpdir(), 'oom-forecast-synth-'));
  });

  afterEach(() => {
    rmSync(outputDirectory, { recursive: true, force: true });
  });

  test('bundles and synthesises offline without credentials', () => {
    // GIVEN no AWS credentials and no network access needed
    // WHEN the CLI synthesises the app with a real Prometheus URL
    const result = runCdkSynth(outputDirectory, ['-c', 'prometheusUrl=http://prometheus.monitoring.internal:9090']);

    // THEN it succeeds and writes the template and the esbuild bundle
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outputDirectory, 'OomForecastStack.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(1);
    expect(functions[0].Properties.Environment.Variables.PROMETHEUS_URL).toBe('http://prometheus.monitoring.internal:9090');

    const assetDirectories = readdirSync(outputDirectory).filter((name) => name.startsWith('asset.'));
    expect(assetDirectories).toHaveLength(1);
    const bundle = path.join(outputDirectory, assetDirectories[0], 'index.js');
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).size).toBeGreaterThan(0);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  test('stops with the key and value of a bad context setting', () => {
    // WHEN warnDays is not a number
    const result = runCdkSynth(outputDirectory, ['-c', 'warnDays=soon']);

    // THEN the synth fails and names the key and its value
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('context "warnDays" = "soon": expected a number above zero');
  });
});
