import { execFileSync } from 'node:child_process';
import { findFreePort, startGroup, waitForHttp } from '../../lambda/local-prometheus/process-group';

/**
 * Returns whether any process of the group led by `pid` still runs. Killed processes that no one
 * has reaped yet (state Z) do not count: in a container, an orphan may never be reaped.
 */
function groupAlive(pid: number): boolean {
  const rows = execFileSync('ps', ['-eo', 'pgid=,stat=']).toString().trim().split('\n');
  return rows.some((row) => {
    const [pgid, stat] = row.trim().split(/\s+/);
    return Number(pgid) === pid && !stat.startsWith('Z');
  });
}

describe('process groups of local servers', () => {
  test('stop ends the leader and the children it forked', async () => {
    // The shell forks a child that would outlive it, as uwsgi's workers would outlive a dead master.
    const group = await startGroup('forking shell', 'sh', ['-c', 'sleep 60 & sleep 60']);
    expect(groupAlive(group.pid)).toBe(true);

    await group.stop('SIGTERM', 2000);

    expect(group.exited()).toBe(true);
    expect(groupAlive(group.pid)).toBe(false);
  });

  test('a server that exits before it answers is reported with its output', async () => {
    const port = await findFreePort();
    const group = await startGroup('failing server', 'sh', ['-c', 'echo "bind: address already in use" >&2; exit 3']);

    await expect(waitForHttp(`http://127.0.0.1:${port}/-/ready`, group, 5000)).rejects.toThrow(
      `failing server exited before http://127.0.0.1:${port}/-/ready responded:\nbind: address already in use`,
    );
    await group.stop();
  });

  test('a missing command is named in the error', async () => {
    await expect(startGroup('ghost', 'oom-forecast-no-such-binary', [])).rejects.toThrow('ghost: failed to start oom-forecast-no-such-binary');
  });

  test('stop clears its deadline timer', async () => {
    const group = await startGroup('short sleeper', 'sleep', ['30']);
    const realSetTimeout = global.setTimeout;
    const deadlines: NodeJS.Timeout[] = [];
    const cleared = new Set<unknown>();
    const setSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, delayMs?: number) => {
      const timer = realSetTimeout(callback, delayMs);
      if (delayMs === 60_000) {
        deadlines.push(timer);
      }
      return timer;
    }) as typeof setTimeout);
    const clearSpy = jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
      cleared.add(timer);
    });

    try {
      await group.stop('SIGTERM', 60_000);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }

    expect(deadlines).toHaveLength(1);
    expect(cleared.has(deadlines[0])).toBe(true);
    clearTimeout(deadlines[0]);
  });
});
