/**
 * Domain types shared by the query layer, the analysis, the alert policy, the stores and the
 * reports. Times are Unix seconds and memory is bytes unless a name says otherwise.
 */

/** One point of a memory series: the peak working set in the step that ends at `t`. */
export interface Sample {
  /** Unix seconds. */
  readonly t: number;
  /** Bytes. */
  readonly v: number;
}

/**
 * One lifetime of a container: the samples between two restarts. A run ends at a restart
 * (new container id, restart counter increase, or a sharp drop) or at the end of the data.
 */
export interface Run {
  readonly samples: Sample[];
  /** Cause of the boundary between the previous run and this one. */
  readonly startReason: 'first' | 'new-container-id' | 'restart-counter' | 'sharp-drop' | 'new-pod';
  /** Pod that the run belongs to; earlier runs of a workload may come from other pods. */
  readonly pod: string;
}

/** A restart seen in the restart counter, and whether the termination reason was OOMKilled. */
export interface RestartEvent {
  /** Unix seconds of the step in which the counter rose. */
  readonly t: number;
  /** How many restarts the counter rose by in that step. */
  readonly count: number;
  readonly oomKilled: boolean;
}

/**
 * Everything the analysis needs to judge one live container: its memory since the start of
 * the lookback, split into the series of each container id, the restarts, and its limit.
 */
export interface ContainerHistory {
  /**
   * Stable identity across rollouts: `namespace/workload/container`, where workload is the
   * owning Deployment, StatefulSet, DaemonSet or Job (or the pod when no owner is known).
   */
  readonly id: string;
  /** Labels of the live series: at least namespace, pod and container when the query has them. */
  readonly labels: Record<string, string>;
  /**
   * The live pod's memory, one array per container id (cAdvisor `id` label), oldest first.
   * Without an `id` label there is a single array.
   */
  readonly usageByContainerId: Sample[][];
  /**
   * Memory of earlier pods of the same workload (before a rollout), oldest first, one array
   * per pod. Used to recognise growth masked by rollouts and warm-up shapes.
   */
  readonly earlierPods: { readonly pod: string; readonly samples: Sample[] }[];
  /** Restarts of the live pod's container within the lookback. */
  readonly restarts: RestartEvent[];
  /** The current memory limit in bytes, or null when the container has none. */
  readonly limitBytes: number | null;
  /** Step between samples, in seconds. */
  readonly stepSeconds: number;
  /** Evaluation instant, Unix seconds. */
  readonly evaluatedAt: number;
  /**
   * How much history the check read, in seconds. Below one day the analysis shrinks its time
   * windows in proportion (see `analysisWindows`). @default - treated as a lookback of days
   */
  readonly lookbackSeconds?: number;
}

/** Names of what the analysis recognises in a container's memory. New names may be added. */
export type Pattern =
  | 'flat'
  | 'linear-growth'
  | 'step-growth'
  | 'sawtooth'
  | 'plateau'
  | 'daily-cycle'
  | 'spikes'
  | 'level-shift'
  | 'decline'
  | 'oom-cycle'
  | 'crash-loop'
  | 'at-limit'
  | 'no-limit'
  | 'insufficient-data';

export type Severity = 'none' | 'warning' | 'critical';

/** The verdict on one live container after one check. */
export interface Verdict {
  readonly id: string;
  readonly labels: Record<string, string>;
  /** Latest peak working set in bytes, or null when the container has no recent sample. */
  readonly usageBytes: number | null;
  readonly limitBytes: number | null;
  /** Fitted growth of the current run, or null when there is too little data. */
  readonly slopeBytesPerHour: number | null;
  /** Hours until the forecast reaches the limit, or null when not growing toward a known limit. */
  readonly hoursToLimit: number | null;
  /** 90 % interval of `hoursToLimit`: earliest and latest plausible hours. */
  readonly hoursToLimitInterval: readonly [number, number] | null;
  /** ISO 8601 UTC instant at which the limit is forecast to be reached. */
  readonly eta: string | null;
  readonly severity: Severity;
  readonly pattern: Pattern;
  /** How much the verdict can be trusted, from 0 to 1. */
  readonly confidence: number;
  /**
   * Restarts in the lookback: all of them, those with reason OOMKilled, and the rate per day.
   * `lastOomKillAt` is the Unix seconds of the latest OOM kill, null when there is none, and
   * absent from verdicts of older versions.
   */
  readonly restarts: { readonly total: number; readonly oomKills: number; readonly perDay: number; readonly lastOomKillAt?: number | null };
  /** Highest peak of the lookback as a fraction of the limit, or null without a limit. */
  readonly peakFractionOfLimit: number | null;
  /** Short sentences a person can read: what was seen and why the verdict follows. */
  readonly evidence: string[];
}

/** Alert state of one container, kept between checks: what was last notified and the recent slopes. */
export interface AlertState {
  readonly id: string;
  readonly labels: Record<string, string>;
  /** Severity of the last notification; none means no open alert. */
  readonly notifiedSeverity: Severity;
  /** Unix seconds of the last notification, or null. */
  readonly lastNotifiedAt: number | null;
  /** Consecutive checks with an at-risk verdict that has not been notified yet. */
  readonly pendingChecks: number;
  /** Consecutive checks without risk while an alert is open; resolves after a few. */
  readonly clearChecks: number;
  /** hoursToLimit at the last notification, to say what changed. */
  readonly lastHoursToLimit: number | null;
  /** Recent fitted slopes, oldest first, bounded in length. */
  readonly slopeHistory: { readonly t: number; readonly slopeBytesPerHour: number | null }[];
  /** Unix seconds of the last check that saw this container. */
  readonly lastSeenAt: number;
}

export type NotificationKind = 'new' | 'escalated' | 'reminder' | 'resolved';

/** A message the policy decided to send. */
export interface Notification {
  /** Unix seconds of the check that decided it. */
  readonly at: number;
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly severity: Severity | 'resolved';
  readonly kind: NotificationKind;
  readonly hoursToLimit: number | null;
  /** hoursToLimit of the previous notification, for "what changed". */
  readonly previousHoursToLimit: number | null;
  /** The verdict behind it; absent for a resolved notice of a container that disappeared. */
  readonly verdict: Verdict | null;
}

/**
 * Storage of the alert policy's state between checks: a local file for the CLI, DynamoDB for
 * the Lambda, memory for backtests.
 */
export interface HistoryStore {
  /** Loads the state of every container in the store. */
  load(): Promise<Map<string, AlertState>>;
  /**
   * Saves the states that changed and deletes the forgotten ones. Ids absent from both keep
   * their stored state, so a brief gap in the data never wipes a container's history.
   */
  save(changed: AlertState[], forgottenIds: string[]): Promise<void>;
}
