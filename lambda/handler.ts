/**
 * The scheduled Lambda: runs the same check as `oom-forecast check` every hour, keeps the alert
 * states in DynamoDB and notifies through SNS.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createPrometheusClient, type PrometheusClient } from './prometheus/client';
import { readLambdaConfig, type LambdaConfig } from './handler/config';
import type { ScheduleEvent } from './handler/event-time';
import { resolvePrometheusAuth, SecretCache } from './handler/prometheus-credentials';
import { runScheduledCheck, type CheckRunSummary } from './handler/scheduled-check';

/** Clients and settings a test can inject; anything left out is built from the environment. */
export interface HandlerDependencies {
  readonly documentClient?: DynamoDBDocumentClient;
  readonly sns?: SNSClient;
  /** @default - a client for PROMETHEUS_URL with the configured authentication */
  readonly prometheus?: PrometheusClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** @default process.env, read on every invocation */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - the system clock */
  readonly nowSeconds?: () => number;
}

/**
 * Creates the Lambda handler. Clients are created once per Lambda instance and reused by warm
 * invocations, as is the Prometheus secret (for 15 minutes).
 */
export function createHandler(deps: HandlerDependencies = {}) {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'oom-forecast' });
  const metrics =
    deps.metrics ??
    new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'OomForecast', serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'oom-forecast' });
  const nowSeconds = deps.nowSeconds ?? (() => Date.now() / 1000);

  let documentClient = deps.documentClient;
  let sns = deps.sns;
  let secrets: SecretCache | undefined;

  const prometheusFor = async (config: LambdaConfig): Promise<PrometheusClient> => {
    if (deps.prometheus) {
      return deps.prometheus;
    }
    secrets ??= new SecretCache(deps.secretsManager ?? new SecretsManagerClient({}), nowSeconds);
    const auth = await resolvePrometheusAuth(config.prometheusAuth, secrets);
    return createPrometheusClient({ url: config.check.prometheusUrl, auth });
  };

  const runCheck = async (event: ScheduleEvent | undefined, _context: Context): Promise<CheckRunSummary> => {
    let config: LambdaConfig;
    try {
      config = readLambdaConfig(env);
    } catch (error) {
      logger.error('invalid configuration', { error });
      throw error;
    }

    documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
    sns ??= new SNSClient({});
    const prometheus = await prometheusFor(config);
    return runScheduledCheck({ documentClient, sns, prometheus, logger, metrics, nowSeconds }, config, event);
  };

  return middy(runCheck).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

/** The Lambda entry point. */
export const handler = createHandler();
