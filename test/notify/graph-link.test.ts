import { prometheusGraphUrl, workingSetExpression } from '../../lambda/notify/graph-link';

describe('prometheusGraphUrl', () => {
  test('graphs the working set of one container over the range', () => {
    const url = prometheusGraphUrl('http://prometheus:9090/', { namespace: 'dojo', pod: 'dojo-django-0', container: 'uwsgi', id: '/kubepods/x' }, '7d');

    expect(url).toBe(
      'http://prometheus:9090/graph?g0.expr=container_memory_working_set_bytes%7Bnamespace%3D%22dojo%22%2Cpod%3D%22dojo-django-0%22%2Ccontainer%3D%22uwsgi%22%7D&g0.tab=0&g0.range_input=7d',
    );
    expect(new URL(url).searchParams.get('g0.expr')).toBe('container_memory_working_set_bytes{namespace="dojo",pod="dojo-django-0",container="uwsgi"}');
  });

  test('quotes and backslashes in label values are escaped', () => {
    expect(workingSetExpression({ namespace: 'a"b', container: 'c\\d' })).toBe('container_memory_working_set_bytes{namespace="a\\"b",container="c\\\\d"}');
  });

  test('custom usage query is graphed as given', () => {
    const url = prometheusGraphUrl('http://prometheus:9090', { namespace: 'dojo' }, '36h', 'sum by (pod) (rss_bytes)');

    expect(new URL(url).searchParams.get('g0.expr')).toBe('sum by (pod) (rss_bytes)');
    expect(new URL(url).searchParams.get('g0.range_input')).toBe('36h');
  });
});
