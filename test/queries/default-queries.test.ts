import { UsageError } from '../../lambda/config/units';
import { flattenContainerIds, joinContainerIds } from '../../lambda/queries/container-series';
import {
  limitQuery,
  liveQuery,
  oomKilledQuery,
  podOwnerQuery,
  replicaSetOwnerQuery,
  restartsQuery,
  usageQuery,
} from '../../lambda/queries/default-queries';
import { LimitIndex } from '../../lambda/queries/limits';
import { restartEventsFromCounter } from '../../lambda/queries/restarts';
import { formatMatchers, parseSelector } from '../../lambda/queries/selector';
import { defaultStepSeconds, resolveStepSeconds } from '../../lambda/queries/step';

describe('parseSelector', () => {
  test('reads matchers with all operators and quote styles', () => {
    const matchers = parseSelector(`{namespace="dojo", container!='istio-proxy',pod=~"web-.*" , job!~\`kube.*\`,}`);

    expect(matchers).toEqual([
      { name: 'namespace', operator: '=', literal: '"dojo"' },
      { name: 'container', operator: '!=', literal: "'istio-proxy'" },
      { name: 'pod', operator: '=~', literal: '"web-.*"' },
      { name: 'job', operator: '!~', literal: '`kube.*`' },
    ]);
    expect(formatMatchers(matchers)).toBe(`namespace="dojo",container!='istio-proxy',pod=~"web-.*",job!~\`kube.*\``);
  });

  test('keeps escaped quotes inside a value', () => {
    expect(parseSelector('label="a\\"b,c"')).toEqual([{ name: 'label', operator: '=', literal: '"a\\"b,c"' }]);
  });

  test('an empty selector has no matchers', () => {
    expect(parseSelector(undefined)).toEqual([]);
    expect(parseSelector('  ')).toEqual([]);
  });

  test.each(['namespace', 'namespace=dojo', 'namespace="dojo" pod="x"', '1abc="x"', 'namespace=="x"'])('rejects %s', (text) => {
    expect(() => parseSelector(text)).toThrow(UsageError);
    expect(() => parseSelector(text)).toThrow(`--selector "${text}": expected label matchers such as namespace="dojo"`);
  });
});

describe('default queries', () => {
  const matchers = parseSelector('namespace="dojo",container!="istio-proxy",job="kubelet"');

  test('usage reads the peak working set per container id', () => {
    expect(usageQuery(matchers, 3600)).toBe(
      'max by (namespace, pod, container, id) (max_over_time(container_memory_working_set_bytes' +
        '{container!="",container!="POD",namespace="dojo",container!="istio-proxy",job="kubelet"}[3600s]))',
    );
  });

  test('live reads the plain working set at the instant', () => {
    expect(liveQuery([])).toBe('max by (namespace, pod, container, id) (container_memory_working_set_bytes{container!="",container!="POD"})');
  });

  test('limit prefers kube-state-metrics and filters unlimited values', () => {
    expect(limitQuery(matchers, 7200)).toBe(
      'max by (namespace, pod, container) (last_over_time(kube_pod_container_resource_limits{resource="memory",namespace="dojo",container!="istio-proxy"}[7200s]) > 0 < 1152921504606846976)' +
        ' or on (namespace, pod, container) ' +
        'max by (namespace, pod, container) (last_over_time(kube_pod_container_resource_limits_memory_bytes{namespace="dojo",container!="istio-proxy"}[7200s]) > 0 < 1152921504606846976)' +
        ' or on (namespace, pod, container) ' +
        'max by (namespace, pod, container) (last_over_time(container_spec_memory_limit_bytes{container!="",container!="POD",namespace="dojo",container!="istio-proxy",job="kubelet"}[7200s]) > 0 < 1152921504606846976)',
    );
  });

  test('kube-state-metrics queries get only the matchers their series carry', () => {
    expect(restartsQuery(matchers, 60)).toContain('kube_pod_container_status_restarts_total{namespace="dojo",container!="istio-proxy"}[60s]');
    expect(oomKilledQuery(matchers, 60)).toContain('{reason="OOMKilled",namespace="dojo",container!="istio-proxy"}');
    expect(podOwnerQuery(matchers, 60)).toContain('kube_pod_owner{namespace="dojo"}[60s]');
    expect(replicaSetOwnerQuery(parseSelector('namespace="dojo",pod="x"'), 60)).toContain('kube_replicaset_owner{namespace="dojo"}[60s]');
    expect(podOwnerQuery([], 60)).toContain('last_over_time(kube_pod_owner[60s])');
  });
});

describe('step', () => {
  test.each([
    [7 * 86400, 3600],
    [30 * 86400, 3600],
    [36 * 3600, 780],
    [3 * 3600, 120],
    [90 * 60, 33],
    [10 * 60, 4],
    [60, 1],
    [600 * 86400, 4740],
  ])('a lookback of %i s reads steps of %i s', (lookbackSeconds, stepSeconds) => {
    expect(defaultStepSeconds(lookbackSeconds)).toBe(stepSeconds);
    expect(Math.floor(lookbackSeconds / stepSeconds) + 1).toBeLessThanOrEqual(11000);
  });

  test('a requested step is raised to the point cap and 60 s', () => {
    expect(resolveStepSeconds(30 * 86400, 60)).toBe(240);
    expect(resolveStepSeconds(86400, 15)).toBe(60);
    expect(resolveStepSeconds(86400, 300)).toBe(300);
  });

  test('a lookback of minutes keeps a requested step of seconds', () => {
    expect(resolveStepSeconds(10 * 60, 2)).toBe(4);
    expect(resolveStepSeconds(10 * 60, 30)).toBe(30);
  });
});

describe('restartEventsFromCounter', () => {
  const oom = [{ t: 300, v: 1 }];

  test('counts increases only and reads the reason at that step', () => {
    const counter = [
      { t: 100, v: 2 },
      { t: 200, v: 2 },
      { t: 300, v: 3 },
      { t: 400, v: 5 },
      { t: 500, v: 0 },
      { t: 600, v: 1 },
    ];

    expect(restartEventsFromCounter(counter, oom, 100, 100)).toEqual([
      { t: 300, count: 1, oomKilled: true },
      { t: 400, count: 2, oomKilled: false },
      { t: 600, count: 1, oomKilled: false },
    ]);
  });

  test('a counter that starts inside the range above zero counts its value', () => {
    expect(restartEventsFromCounter([{ t: 300, v: 2 }], oom, 0, 100)).toEqual([{ t: 300, count: 2, oomKilled: true }]);
    expect(restartEventsFromCounter([{ t: 100, v: 2 }], oom, 0, 100)).toEqual([]);
  });
});

describe('joinContainerIds', () => {
  test('cuts an older id after the newer one started', () => {
    const arrays = joinContainerIds([
      { id: 'new', labels: {}, samples: [{ t: 300, v: 5 }, { t: 400, v: 6 }] },
      { id: 'old', labels: {}, samples: [{ t: 100, v: 1 }, { t: 200, v: 2 }, { t: 300, v: 9 }, { t: 400, v: 9 }] },
    ]);

    expect(arrays).toEqual([
      [{ t: 100, v: 1 }, { t: 200, v: 2 }, { t: 300, v: 9 }],
      [{ t: 300, v: 5 }, { t: 400, v: 6 }],
    ]);
    expect(flattenContainerIds(arrays)).toEqual([{ t: 100, v: 1 }, { t: 200, v: 2 }, { t: 300, v: 9 }, { t: 400, v: 6 }]);
  });
});

describe('LimitIndex', () => {
  const container = { namespace: 'n', pod: 'p', container: 'c' };

  test('takes the most specific matching series', () => {
    const index = new LimitIndex([
      { labels: {}, samples: [{ t: 1, v: 100 }] },
      { labels: { namespace: 'n' }, samples: [{ t: 1, v: 200 }] },
      { labels: { namespace: 'n', pod: 'p', container: 'c' }, samples: [{ t: 1, v: 300 }] },
    ]);

    expect(index.limitFor(container)).toBe(300);
    expect(index.limitFor({ ...container, pod: 'other' })).toBe(200);
    expect(index.limitFor({ ...container, namespace: 'other' })).toBe(100);
  });

  test.each([0, -1, 2 ** 60, 9223372036854771712, 18446744073709551615])('ignores %d as no limit', (bytes) => {
    expect(new LimitIndex([{ labels: container, samples: [{ t: 1, v: bytes }] }]).limitFor(container)).toBeUndefined();
  });
});
