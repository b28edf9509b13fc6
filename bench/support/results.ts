/** The results directory of the benchmarks and a writer for their JSON. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** bench/results, ignored by git, so a run never dirties the tree. */
export const RESULTS_DIRECTORY = resolve(__dirname, '..', 'results');

/**
 * Writes `data` as indented JSON to bench/results/<name>.json.
 *
 * @returns the path written
 */
export async function writeResultsJson(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIRECTORY, { recursive: true });
  const path = join(RESULTS_DIRECTORY, `${name}.json`);
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
