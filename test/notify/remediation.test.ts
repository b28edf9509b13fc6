import { remediationHint } from '../../lambda/notify/remediation';

const LIMIT_2_GIB = 2 * 1024 ** 3;

describe('remediationHint', () => {
  test.each([
    [{ container: 'uwsgi', pod: 'dojo-django-7c9f8b6d4-x2k9p' }, [], 'uwsgi', /max-requests .*reload-on-rss/],
    [{ container: 'web', pod: 'shop-gunicorn-6c8d-4kq2p' }, [], 'gunicorn', /--max-requests and --max-requests-jitter/],
    [{ container: 'worker', pod: 'dojo-celeryworker-5d8f-2kq7l' }, [], 'celery', /worker_max_memory_per_child .*worker_max_tasks_per_child/],
    [{ container: 'api', pod: 'cart-5d8f-2kq7l', image: 'docker.io/library/node:20-alpine' }, [], 'nodejs', /--max-old-space-size=1536 /],
    [{ container: 'app', pod: 'orders-5d8f-2kq7l' }, ['The V8 heap approaches its cap.'], 'nodejs', /--max-old-space-size=1536 /],
    [{ container: 'kafka', pod: 'kafka-0' }, [], 'jvm', /-XX:MaxRAMPercentage=75/],
    [{ container: 'app', pod: 'billing-spring-boot-0' }, [], 'jvm', /-XX:MaxRAMPercentage=75/],
    [{ container: 'node-exporter', pod: 'node-exporter-abcde' }, [], 'generic', /raise the limit above 2\.0 GiB/],
    [{ container: 'app', pod: 'mystery-0' }, [], 'generic', /heap profiles an hour apart/],
  ])('%j %j is %s', (labels, evidence, runtime, text) => {
    const hint = remediationHint(labels as Record<string, string>, evidence as string[], LIMIT_2_GIB);

    expect(hint.runtime).toBe(runtime);
    expect(hint.text).toMatch(text);
  });

  test('celery wins over uwsgi in the same pod', () => {
    const hint = remediationHint({ container: 'celery', pod: 'dojo-uwsgi-celery-0' }, [], LIMIT_2_GIB);

    expect(hint.runtime).toBe('celery');
  });

  test('Node.js hint without a limit names the rule instead of a number', () => {
    const hint = remediationHint({ container: 'nodejs' }, [], null);

    expect(hint.text).toContain('--max-old-space-size=<75 % of the limit>');
  });
});
