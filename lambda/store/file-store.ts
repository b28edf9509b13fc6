import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../config/units';
import type { AlertState, HistoryStore } from '../types';

/** Version of the file layout; a file of another version is refused rather than misread. */
const FILE_FORMAT_VERSION = 1;

interface StateFile {
  readonly formatVersion: number;
  readonly states: AlertState[];
}

/**
 * Keeps alert states in one local JSON file, the CLI's `--state`. States are keyed by workload
 * id (`namespace/workload/container`), so a rollout that renames pods keeps its history.
 *
 * Every save writes a temporary file beside the target, flushes it to disk and renames it over
 * the target. A rename within one directory is atomic on POSIX file systems, so a crash leaves
 * either the old file or the new one, never a half-written mix.
 *
 * NOTE: two `check` processes sharing one file are not locked against each other; the later
 * save wins. Run one scheduled check per state file.
 */
export class FileHistoryStore implements HistoryStore {
  constructor(private readonly filePath: string) {}

  async load(): Promise<Map<string, AlertState>> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return new Map();
      }
      throw new UsageError(`--state "${this.filePath}": cannot read the file (${(error as Error).message})`);
    }

    const parsed = parseStateFile(text, this.filePath);
    return new Map(parsed.states.map((state) => [state.id, state]));
  }

  async save(changed: AlertState[], forgottenIds: string[]): Promise<void> {
    const states = await this.load();
    for (const state of changed) {
      states.set(state.id, state);
    }
    for (const id of forgottenIds) {
      states.delete(id);
    }

    const content: StateFile = { formatVersion: FILE_FORMAT_VERSION, states: [...states.values()] };
    await writeFileAtomically(this.filePath, JSON.stringify(content));
  }
}

function parseStateFile(text: string, filePath: string): StateFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--state "${filePath}": the file is not valid JSON (${(error as Error).message}); move it aside to start a new history`,
    );
  }
  const file = parsed as Partial<StateFile>;
  if (file.formatVersion !== FILE_FORMAT_VERSION || !Array.isArray(file.states)) {
    throw new UsageError(
      `--state "${filePath}": expected an oom-forecast state file of format ${FILE_FORMAT_VERSION}; move it aside to start a new history`,
    );
  }
  return file as StateFile;
}

async function writeFileAtomically(filePath: string, content: string): Promise<void> {
  const directory = path.dirname(path.resolve(filePath));
  await fs.mkdir(directory, { recursive: true });

  const temporaryPath = path.join(directory, `.${path.basename(filePath)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temporaryPath, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    await fs.rename(temporaryPath, filePath);
  } catch (error) {
    await fs.rm(temporaryPath, { force: true });
    throw error;
  }
}
