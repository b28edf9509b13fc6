/**
 * Child processes of tests, the demo and benchmarks. Each leads its own process group and is
 * stopped with its whole group, because uwsgi forks workers. Groups still running when this
 * process ends early are killed too, so nothing outlives a test run, a demo or a benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A process group started by {@link startGroup}. */
export interface ProcessGroup {
  readonly name: string;
  readonly pid: number;
  /** The last few thousand characters of its output, for error messages. */
  outputTail(): string;
  /** Whether the leader has exited. */
  exited(): boolean;
  /**
   * Sends `signal` to the group, waits up to `timeoutMs` for the leader to exit, then kills the
   * group. Safe to call twice.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

const runningGroups = new Map<number, ChildProcess>();
let exitHooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function killAllGroups(): void {
  for (const pid of runningGroups.keys()) {
    killGroup(pid, 'SIGKILL');
  }
}

/**
 * Kills every group still running when this process ends. A signal is sent again after the
 * cleanup when nothing else handles it, so the process still ends as it would have.
 */
function installExitHooks(): void {
  if (exitHooksInstalled) {
    return;
  }
  exitHooksInstalled = true;
  process.on('exit', killAllGroups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllGroups();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * Starts `command` as the leader of a new process group, with its output collected.
 *
 * @throws Error when the command cannot be started (not installed, not executable)
 */
export async function startGroup(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessGroup> {
  installExitHooks();
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`${name}: failed to start ${command}: ${error.message}`)));
  });
  const pid = child.pid as number;
  runningGroups.set(pid, child);

  let tail = '';
  const collect = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    outputTail: () => tail,
    exited: () => hasExited,
    stop: (signal = 'SIGTERM', timeoutMs = 10000) => {
      stopping ??= (async () => {
        if (!hasExited) {
          killGroup(pid, signal);
          // The timer is cleared once the leader exits, so that it keeps no test run or demo waiting.
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), timeoutMs);
          });
          const timedOut = await Promise.race([exitedPromise.then(() => false), deadline]);
          clearTimeout(timer);
          if (timedOut) {
            killGroup(pid, 'SIGKILL');
            await exitedPromise;
          }
        }
        // Workers that outlived their leader still belong to the group.
        killGroup(pid, 'SIGKILL');
        runningGroups.delete(pid);
      })();
      return stopping;
    },
  };
}

/** Asks the kernel for a free loopback port. Another process may take it before it is bound. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it responds with 200, or throws after `timeoutMs` with the group's output. */
export async function waitForHttp(url: string, group: ProcessGroup, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (group.exited()) {
      throw new Error(`${group.name} exited before ${url} responded:\n${group.outputTail()}`);
    }
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${group.name} at ${url} did not respond with 200 within ${timeoutMs} ms:\n${group.outputTail()}`);
}
