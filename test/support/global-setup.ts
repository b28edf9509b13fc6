import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives every CDK App of the tests one output folder. An App without an outdir makes a new
 * temporary folder on every synth and never removes it; global-teardown.ts removes this one.
 * Jest starts its workers after this runs, so they inherit the variable.
 */
export default function globalSetup(): void {
  process.env.CDK_OUTDIR = mkdtempSync(join(tmpdir(), 'oom-forecast-cdk-out-'));
}
