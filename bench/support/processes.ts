/**
 * Child processes for benchmarks: each runs in its own process group on 127.0.0.1, and is stopped
 * with its whole group (uwsgi forks workers), also when the benchmark exits early.
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
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Kills every group still running when the benchmark process exits, so that no uwsgi worker outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of runningGroups.keys()) {
      killGroup(pid, 'SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pid of runningGroups.keys()) {
        killGroup(pid, 'SIGKILL');
      }
      process.exit(130);
    });
  }
}

/**
 * Starts `command` as the leader of a new process group, with its output collected.
 *
 * @throws Error when the command cannot be started (not installed, not executable)
 */
export async function startGroup(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessGroup> {
  installExitHook();
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
          const timedOut = await Promise.race([exitedPromise.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs))]);
          if (timedOut) {
            killGroup(pid, 'SIGKILL');
            await exitedPromise;
          }
        }
        // Workers that outlived their master still belong to the group.
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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${group.name} timed out: ${url} did not respond with 200 within ${timeoutMs} ms:\n${group.outputTail()}`);
}
