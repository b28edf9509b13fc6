/** The leaking WSGI app and the uwsgi server that runs it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, startGroup, waitForHttp, type ProcessGroup } from '../../lambda/local-prometheus/process-group';

/**
 * Keeps a bytes object per request in a module-level list, as a cache that never evicts would:
 * every request leaves `LEAK_BYTES` resident in the worker that served it.
 */
const LEAKING_APP = `import os

LEAK_BYTES = int(os.environ.get("LEAK_BYTES", "102400"))
leaked_chunks = []


def application(environ, start_response):
    leaked_chunks.append(b"x" * LEAK_BYTES)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\\n"]
`;

/** Worker recycling settings of uwsgi; the leaking service has none. */
export interface WorkerRecycling {
  /** `--max-requests`: a worker is replaced after this many requests. */
  readonly maxRequests: number;
  /** `--reload-on-rss`: a worker is replaced once its resident memory exceeds this many MB. */
  readonly reloadOnRssMb: number;
}

/** A running uwsgi master and its workers. */
export interface UwsgiServer {
  readonly url: string;
  /** Directory of the app; its path is in every uwsgi command line, which the exporter matches on. */
  readonly appDirectory: string;
  readonly group: ProcessGroup;
  /** Stops the master with SIGINT (uwsgi reloads on SIGTERM) and the whole group. */
  stop(): Promise<void>;
}

/**
 * Writes the app into `appDirectory` and starts uwsgi on a free loopback port with a master and
 * `processes` workers, each request leaking `leakBytes`.
 */
export async function startUwsgi(appDirectory: string, options: { processes: number; leakBytes: number; recycling?: WorkerRecycling }): Promise<UwsgiServer> {
  await mkdir(appDirectory, { recursive: true });
  const appPath = join(appDirectory, 'app.py');
  await writeFile(appPath, LEAKING_APP);

  const port = await findFreePort();
  const args = [
    '--plugin',
    'python3',
    '--http-socket',
    `127.0.0.1:${port}`,
    '--wsgi-file',
    appPath,
    '--master',
    '--processes',
    String(options.processes),
    '--need-app',
    '--disable-logging',
    '--env',
    `LEAK_BYTES=${options.leakBytes}`,
  ];
  if (options.recycling !== undefined) {
    args.push('--max-requests', String(options.recycling.maxRequests), '--reload-on-rss', String(options.recycling.reloadOnRssMb));
  }
  const group = await startGroup(options.recycling === undefined ? 'uwsgi (leaking)' : 'uwsgi (recycling)', 'uwsgi', args);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, group);
  } catch (error) {
    await group.stop('SIGINT');
    throw error;
  }
  return { url, appDirectory, group, stop: () => group.stop('SIGINT') };
}
