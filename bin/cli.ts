/** Entry point of the `oom-forecast` command; bundled to dist/cli.js by scripts/build.mjs. */
import { runCli } from '../lambda/cli/run-cli';

runCli(process.argv.slice(2)).then(
  (exitStatus) => {
    process.exitCode = exitStatus;
  },
  (error: unknown) => {
    // Anything else is a defect in oom-forecast itself: show the stack so it can be reported.
    process.stderr.write(`oom-forecast: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
