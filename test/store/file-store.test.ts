import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../lambda/config/units';
import { FileHistoryStore } from '../../lambda/store/file-store';
import type { AlertState } from '../../lambda/types';

function stateOf(id: string, lastSeenAt: number): AlertState {
  return {
    id,
    labels: { namespace: 'dojo', pod: 'p', container: 'c' },
    notifiedSeverity: 'warning',
    lastNotifiedAt: lastSeenAt,
    pendingChecks: 2,
    clearChecks: 0,
    lastHoursToLimit: 61.5,
    slopeHistory: [{ t: lastSeenAt, slopeBytesPerHour: 30_000_000 }],
    lastSeenAt,
  };
}

describe('FileHistoryStore', () => {
  let directory: string;
  let statePath: string;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'oom-forecast-state-'));
    statePath = path.join(directory, 'nested', 'state.json');
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  test('a missing file is an empty history', async () => {
    const states = await new FileHistoryStore(statePath).load();

    expect(states.size).toBe(0);
  });

  test('round-trips states and keeps those not saved again', async () => {
    const store = new FileHistoryStore(statePath);
    await store.save([stateOf('a/x/app', 100), stateOf('b/y/app', 100)], []);

    await store.save([stateOf('a/x/app', 200)], []);
    const states = await new FileHistoryStore(statePath).load();

    expect(states.get('a/x/app')?.lastSeenAt).toBe(200);
    expect(states.get('b/y/app')).toEqual(stateOf('b/y/app', 100));
  });

  test('deletes forgotten ids', async () => {
    const store = new FileHistoryStore(statePath);
    await store.save([stateOf('a/x/app', 100), stateOf('b/y/app', 100)], []);

    await store.save([], ['a/x/app']);

    expect([...(await store.load()).keys()]).toEqual(['b/y/app']);
  });

  test('leaves no temporary file beside the state', async () => {
    await new FileHistoryStore(statePath).save([stateOf('a/x/app', 100)], []);

    expect(await fs.readdir(path.dirname(statePath))).toEqual(['state.json']);
  });

  test('a crash before the rename leaves the previous state intact', async () => {
    const store = new FileHistoryStore(statePath);
    await store.save([stateOf('a/x/app', 100)], []);
    const rename = jest.spyOn(fs, 'rename').mockRejectedValueOnce(new Error('simulated crash'));

    await expect(store.save([stateOf('a/x/app', 200)], [])).rejects.toThrow('simulated crash');
    rename.mockRestore();

    expect((await store.load()).get('a/x/app')?.lastSeenAt).toBe(100);
    expect(await fs.readdir(path.dirname(statePath))).toEqual(['state.json']);
  });

  test('a corrupt file is reported with its path, not overwritten', async () => {
    await fs.mkdir(path.dirname(statePath), { recursive: true });
    await fs.writeFile(statePath, '{"formatVersion": 1, "states": [');

    const load = new FileHistoryStore(statePath).load();

    await expect(load).rejects.toThrow(UsageError);
    await expect(new FileHistoryStore(statePath).load()).rejects.toThrow(`--state "${statePath}": the file is not valid JSON`);
    expect(await fs.readFile(statePath, 'utf8')).toBe('{"formatVersion": 1, "states": [');
  });

  test('a file of another format is refused', async () => {
    await fs.mkdir(path.dirname(statePath), { recursive: true });
    await fs.writeFile(statePath, '{"something": "else"}');

    await expect(new FileHistoryStore(statePath).load()).rejects.toThrow('expected an oom-forecast state file of format 1');
  });
});
