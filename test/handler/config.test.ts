import { readLambdaConfig } from '../../lambda/handler/config';

const VALID_ENV: NodeJS.ProcessEnv = {
  PROMETHEUS_URL: 'http://prometheus.monitoring:9090',
  TABLE_NAME: 'oom-forecast-history',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:oom-forecast-alerts',
};

describe('readLambdaConfig', () => {
  test('defaults follow the CLI', () => {
    const config = readLambdaConfig(VALID_ENV);

    expect(config).toEqual({
      check: {
        prometheusUrl: 'http://prometheus.monitoring:9090',
        selector: undefined,
        usageQuery: undefined,
        limitQuery: undefined,
        fallbackLimitBytes: undefined,
        lookbackSeconds: 7 * 86400,
        warnDays: 7,
        criticalDays: 2,
      },
      lookbackText: '7d',
      tableName: 'oom-forecast-history',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:oom-forecast-alerts',
      prometheusAuth: { kind: 'none' },
      timeZone: undefined,
    });
  });

  test('every variable is read', () => {
    const config = readLambdaConfig({
      ...VALID_ENV,
      SELECTOR: 'namespace="dojo"',
      USAGE_QUERY: 'container_memory_rss',
      LIMIT_QUERY: 'kube_pod_container_resource_limits{resource="memory"}',
      LOOKBACK: '36h',
      WARN_DAYS: '5',
      CRITICAL_DAYS: '1.5',
      LIMIT: '2GiB',
      PROMETHEUS_AUTH: 'sigv4',
      PROMETHEUS_REGION: 'eu-west-1',
      NOTIFY_TIME_ZONE: 'Europe/London',
    });

    expect(config.check).toEqual({
      prometheusUrl: 'http://prometheus.monitoring:9090',
      selector: 'namespace="dojo"',
      usageQuery: 'container_memory_rss',
      limitQuery: 'kube_pod_container_resource_limits{resource="memory"}',
      fallbackLimitBytes: 2 * 1024 ** 3,
      lookbackSeconds: 36 * 3600,
      warnDays: 5,
      criticalDays: 1.5,
    });
    expect(config.lookbackText).toBe('36h');
    expect(config.prometheusAuth).toEqual({ kind: 'sigv4', region: 'eu-west-1' });
    expect(config.timeZone).toBe('Europe/London');
  });

  test.each([
    [{ PROMETHEUS_AUTH: 'basic', PROMETHEUS_SECRET_ARN: 'arn:secret' }, { kind: 'basic', secretArn: 'arn:secret' }],
    [{ PROMETHEUS_AUTH: 'bearer', PROMETHEUS_SECRET_ARN: 'arn:secret' }, { kind: 'bearer', secretArn: 'arn:secret' }],
    [{ PROMETHEUS_SECRET_ARN: 'arn:secret' }, { kind: 'from-secret', secretArn: 'arn:secret' }],
    [{ PROMETHEUS_AUTH: 'sigv4', AWS_REGION: 'us-west-2' }, { kind: 'sigv4', region: 'us-west-2' }],
  ])('authentication %j', (env, expected) => {
    expect(readLambdaConfig({ ...VALID_ENV, ...env }).prometheusAuth).toEqual(expected);
  });

  test.each([
    [{ PROMETHEUS_URL: undefined }, 'environment variable PROMETHEUS_URL: missing; the oom-forecast stack sets it on the function'],
    [{ PROMETHEUS_URL: 'prometheus:9090' }, 'environment variable PROMETHEUS_URL "prometheus:9090": expected an http:// or https:// URL'],
    [{ TABLE_NAME: ' ' }, 'environment variable TABLE_NAME: missing'],
    [{ TOPIC_ARN: 'oom-alerts' }, 'environment variable TOPIC_ARN "oom-alerts": expected an SNS topic ARN'],
    [{ LOOKBACK: '7x' }, 'environment variable LOOKBACK "7x": expected a duration such as 7d, 36h, 90m or 1h30m'],
    [{ WARN_DAYS: 'soon' }, 'environment variable WARN_DAYS "soon": expected a number above zero'],
    [{ CRITICAL_DAYS: '9' }, 'environment variable CRITICAL_DAYS "9" is above WARN_DAYS "7"'],
    [{ LIMIT: 'big' }, 'environment variable LIMIT "big": expected a size such as 512MiB, 2GiB or 2147483648'],
    [{ SELECTOR: 'namespace=dojo' }, 'environment variable SELECTOR "namespace=dojo": expected label matchers'],
    [{ PROMETHEUS_AUTH: 'oauth' }, 'environment variable PROMETHEUS_AUTH "oauth": expected none, basic, bearer or sigv4'],
    [{ PROMETHEUS_AUTH: 'basic' }, 'environment variable PROMETHEUS_SECRET_ARN: missing; PROMETHEUS_AUTH "basic" needs a Secrets Manager secret'],
    [{ PROMETHEUS_AUTH: 'none', PROMETHEUS_SECRET_ARN: 'arn:secret' }, 'environment variable PROMETHEUS_SECRET_ARN is set but PROMETHEUS_AUTH is "none"'],
    [{ PROMETHEUS_AUTH: 'sigv4' }, 'environment variable PROMETHEUS_REGION: missing'],
    [{ NOTIFY_TIME_ZONE: 'London' }, 'environment variable NOTIFY_TIME_ZONE "London": expected an IANA time zone'],
  ])('rejects %j', (overrides, message) => {
    expect(() => readLambdaConfig({ ...VALID_ENV, ...overrides })).toThrow(message);
  });
});
