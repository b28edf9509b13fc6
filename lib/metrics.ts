/**
 * Names of the custom CloudWatch metrics that the handler publishes through Powertools Metrics
 * and that the alarms watch. Powertools adds the `service` dimension from
 * POWERTOOLS_SERVICE_NAME.
 */

/** CloudWatch namespace of the handler's metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRIC_NAMESPACE = 'OomForecast';

/** Count, 1 per check that ran to the end; the missed-run alarm fires when it stays at 0. */
export const CHECK_COMPLETED_METRIC = 'CheckCompleted';

/** Count of notifications that could not be published. */
export const NOTIFICATION_FAILED_METRIC = 'NotificationFailed';

/** Value of the `service` dimension and of POWERTOOLS_SERVICE_NAME. */
export const DEFAULT_SERVICE_NAME = 'oom-forecast';
