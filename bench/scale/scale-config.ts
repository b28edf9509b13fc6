/** The data set and check settings of `npm run bench:scale`. */
import type { ClusterOptions } from './cluster-plan';

const HOUR = 3600;
const DAY = 86400;

/** Evaluation instant of the measured check: a fixed past instant, so the cached TSDB stays valid. */
export const CHECK_AT_SECONDS = Date.parse('2026-11-30T00:00:00Z') / 1000;

/**
 * 10,000 live containers over 7 days. The data starts 6 hours before the lookback, because the
 * first step of the owner query reads the 6 hours before it. cAdvisor is scraped every 5
 * minutes and kube-state-metrics every 30, a tenth and a thirtieth of usual clusters' rates,
 * which keeps the backfill to a couple of minutes. Samples processed scale with the rate.
 */
export const SCALE_CLUSTER: ClusterOptions = {
  liveContainers: 10_000,
  namespaceCount: 40,
  endSeconds: CHECK_AT_SECONDS,
  historySeconds: 7 * DAY + 6 * HOUR,
  workingSetScrapeSeconds: 300,
  stateScrapeSeconds: 1800,
};

/** Shards of the sharding measurement: the check runs for one of them. */
export const SHARD_COUNT = 4;

/**
 * Node.js flags that give V8 the heap limits it picks by itself in a 256 MB Lambda function, an
 * estimate: Node.js sizes the heap from the cgroup memory limit, and V8 then allows an old
 * generation of a quarter of it times two on 64-bit builds, and semi-spaces of about 1 MB.
 */
export const LAMBDA_256_MB_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=1'];
