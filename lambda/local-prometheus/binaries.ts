/** Locating the `prometheus` and `promtool` executables that the local server needs. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type PrometheusBinary = 'prometheus' | 'promtool';

/** Raised when `prometheus` or `promtool` is not installed. The message explains how to install it. */
export class MissingBinaryError extends Error {
  constructor(readonly binary: PrometheusBinary) {
    super(
      `${binary} was not found on PATH or in /usr/bin. The local Prometheus needs the prometheus and promtool ` +
        'binaries: install them with `apt-get install -y prometheus` (Debian, Ubuntu) or download a release from ' +
        'https://prometheus.io/download/ and put both binaries on PATH.',
    );
    this.name = 'MissingBinaryError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds an executable on PATH, then in /usr/bin and /usr/local/bin.
 *
 * @returns the absolute path of the binary
 * @throws MissingBinaryError naming the install command when the binary is missing
 */
export function findBinary(binary: PrometheusBinary): string {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'].filter(
    (directory) => directory !== '',
  );
  for (const directory of directories) {
    const candidate = join(directory, binary);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  throw new MissingBinaryError(binary);
}
