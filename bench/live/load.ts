/** A steady request loop: the traffic that makes the leak grow. */
import { get } from 'node:http';

/** A running load. */
export interface Load {
  /** Requests that returned 200, and those that failed. */
  counts(): { ok: number; failed: number };
  stop(): void;
}

/**
 * Sends a GET to `url` `requestsPerSecond` times a second until stopped. It does not wait for
 * responses, so the rate stays fixed whatever the server's latency.
 */
export function startLoad(url: string, requestsPerSecond: number): Load {
  let ok = 0;
  let failed = 0;
  const timer = setInterval(() => {
    const request = get(url, (response) => {
      response.resume();
      if (response.statusCode === 200) {
        ok += 1;
      } else {
        failed += 1;
      }
    });
    request.setTimeout(5000, () => request.destroy());
    request.once('error', () => {
      failed += 1;
    });
  }, 1000 / requestsPerSecond);
  return {
    counts: () => ({ ok, failed }),
    stop: () => clearInterval(timer),
  };
}
