/**
 * esbuild bundles for the scale benchmark: the Lambda handler as the CDK construct bundles it,
 * and the check worker that the benchmark runs in child processes.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The project root; a benchmark of another version of the code passes that version's root instead. */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Size and import time of the Lambda bundle. */
export interface LambdaBundleFacts {
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** Median wall time of `node -e "require(bundle)"`, node's own start included. */
  readonly coldStartMs: number;
  /** Median wall time of `node -e ""`, to tell node's start from the bundle's import. */
  readonly bareNodeMs: number;
  readonly runs: number;
}

/**
 * Bundles lambda/handler.ts with the options of the construct's `NodejsFunction` (see
 * lib/parts/checker-function.ts): minified, CommonJS for the Node.js 24 runtime, a separate
 * source map, and the AWS SDK bundled rather than taken from the runtime.
 */
export async function bundleLambdaHandler(outputDirectory: string, sourceRoot = PROJECT_ROOT): Promise<string> {
  const outfile = join(outputDirectory, 'lambda', 'index.js');
  await build({
    entryPoints: [join(sourceRoot, 'lambda', 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Bundles the check worker, unminified so that CPU profiles name the functions.
 *
 * @param sourceRoot - a copy of the project (with bench/scale) whose checker to measure
 */
export async function bundleCheckWorker(outputDirectory: string, sourceRoot = PROJECT_ROOT): Promise<string> {
  const outfile = join(outputDirectory, 'check-worker.js');
  await build({
    entryPoints: [join(sourceRoot, 'bench', 'scale', 'check-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeNode(script: string): number {
  const startedMs = performance.now();
  const result = spawnSync(process.execPath, ['-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The SDK's Node 20 end-of-support warning would only add noise to the timing.
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'eu-west-1' },
  });
  if (result.status !== 0) {
    throw new Error(`node -e ${JSON.stringify(script)} failed with status ${result.status}: ${result.stderr.toString()}`);
  }
  return performance.now() - startedMs;
}

/** Measures the bundle's size and its median import time over `runs` fresh node processes. */
export function measureLambdaBundle(bundlePath: string, runs: number): LambdaBundleFacts {
  const coldStarts: number[] = [];
  const bareStarts: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    bareStarts.push(timeNode(''));
    coldStarts.push(timeNode(`require(${JSON.stringify(bundlePath)})`));
  }
  return {
    bundleBytes: statSync(bundlePath).size,
    sourceMapBytes: statSync(`${bundlePath}.map`).size,
    coldStartMs: medianOf(coldStarts),
    bareNodeMs: medianOf(bareStarts),
    runs,
  };
}
