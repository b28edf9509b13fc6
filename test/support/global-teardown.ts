import { rmSync } from 'node:fs';

/** Removes the CDK output folder that global-setup.ts made. */
export default function globalTeardown(): void {
  if (process.env.CDK_OUTDIR) {
    rmSync(process.env.CDK_OUTDIR, { recursive: true, force: true });
  }
}
