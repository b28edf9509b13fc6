import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createHandler } from '../../lambda/handler';

const CONTEXT = { functionName: 'oom-forecast-check', awsRequestId: 'request-1' } as Context;

describe('handler configuration', () => {
  test('missing variable fails the invocation and is logged', async () => {
    const logger = new Logger({ serviceName: 'oom-forecast' });
    const errors: unknown[][] = [];
    jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args);
    });
    const metrics = new Metrics({ namespace: 'OomForecast', serviceName: 'oom-forecast' });
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const handler = createHandler({ env: { TABLE_NAME: 'history' }, logger, metrics });

    const invocation = handler({ id: 'event-1', time: '2026-12-01T07:00:00Z' }, CONTEXT);

    await expect(invocation).rejects.toThrow('environment variable PROMETHEUS_URL: missing; the oom-forecast stack sets it on the function');
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe('invalid configuration');
  });
});
