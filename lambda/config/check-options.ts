/** The settings of one check, shared by the CLI, the backtest and the Lambda. */
export interface CheckOptions {
  /** Base URL of a Prometheus-compatible HTTP API. */
  readonly prometheusUrl: string;
  /** Extra label matchers for every default query, such as `namespace="dojo"`. @default - none */
  readonly selector?: string;
  /** Replaces the default usage query. @default - working set of every real container */
  readonly usageQuery?: string;
  /** Replaces the default limit query. @default - kube-state-metrics limit, else cAdvisor spec limit */
  readonly limitQuery?: string;
  /** Limit for containers that have none, in bytes. @default - none: such containers get no severity */
  readonly fallbackLimitBytes?: number;
  /** History one check reads, in seconds. @default 604800 (7 days) */
  readonly lookbackSeconds: number;
  /** Warning when the limit is forecast within this many days. @default 7 */
  readonly warnDays: number;
  /** Critical when the limit is forecast within this many days. @default 2 */
  readonly criticalDays: number;
  /**
   * Checks only the namespaces that hash to this shard, numbered from 1 of `count`, so that
   * parallel checks split a cluster between them. @default - every namespace
   */
  readonly shard?: { readonly index: number; readonly count: number };
}

export const DEFAULT_LOOKBACK_SECONDS = 7 * 86400;
export const DEFAULT_WARN_DAYS = 7;
export const DEFAULT_CRITICAL_DAYS = 2;
