import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingBinaryError, findBinary } from '../../lambda/local-prometheus/binaries';
import { MetricSeries, escapeLabelValue, renderOpenMetrics, writeOpenMetricsFile } from '../../lambda/local-prometheus/openmetrics';
import { backfill, startPrometheus, startPrometheusWithData } from '../../lambda/local-prometheus/server';
import { createPrometheusClient } from '../../lambda/prometheus/client';
import { AT, DAY, HOUR, sampleEvery } from '../support/prometheus-fixture';

describe('renderOpenMetrics', () => {
  test('groups families, sorts samples and ends with EOF', () => {
    const text = renderOpenMetrics([
      { name: 'b_bytes', labels: { pod: 'p1' }, samples: [{ t: 20, v: 2 }, { t: 10, v: 1 }] },
      { name: 'a_bytes', help: 'A help', labels: {}, samples: [{ t: 10, v: 5 }] },
      { name: 'b_bytes', labels: { pod: 'p2' }, samples: [{ t: 10, v: 3 }] },
    ]);

    expect(text).toBe(
      [
        '# TYPE b_bytes gauge',
        'b_bytes{pod="p1"} 1 10',
        'b_bytes{pod="p1"} 2 20',
        'b_bytes{pod="p2"} 3 10',
        '# HELP a_bytes A help',
        '# TYPE a_bytes gauge',
        'a_bytes 5 10',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  test('escapes label values and writes special values', () => {
    const text = renderOpenMetrics([
      { name: 'm', labels: { path: 'C:\\dir "x"\nnext' }, samples: [{ t: 1, v: NaN }, { t: 2, v: Infinity }, { t: 3, v: -Infinity }] },
    ]);

    expect(text).toContain('m{path="C:\\\\dir \\"x\\"\\nnext"} NaN 1\n');
    expect(text).toContain(' +Inf 2\n');
    expect(text).toContain(' -Inf 3\n');
    expect(escapeLabelValue('a"b')).toBe('a\\"b');
  });

  test('rejects two samples at one instant and invalid names', () => {
    expect(() => renderOpenMetrics([{ name: 'm', labels: {}, samples: [{ t: 1, v: 1 }, { t: 1, v: 2 }] }])).toThrow(/two samples at t=1/);
    expect(() => renderOpenMetrics([{ name: 'bad-name', labels: {}, samples: [] }])).toThrow(/metric name "bad-name" is invalid/);
    expect(() => renderOpenMetrics([{ name: 'm', labels: { 'bad-label': 'x' }, samples: [] }])).toThrow(/label name "bad-label"/);
  });
});

describe('writeOpenMetricsFile', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'openmetrics-test-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('streams the same text as renderOpenMetrics', async () => {
    const series: MetricSeries[] = [
      { name: 'a', labels: { x: '1' }, samples: [{ t: 1, v: 1 }] },
      { name: 'a', labels: { x: '2' }, samples: [{ t: 2, v: 0.5 }, { t: 1, v: 2 }] },
      { name: 'b', labels: {}, samples: [{ t: 1, v: 3 }] },
    ];
    function* generate(): Generator<MetricSeries> {
      yield* series;
    }

    const summary = await writeOpenMetricsFile(join(directory, 'same.om'), generate());

    expect(await readFile(join(directory, 'same.om'), 'utf8')).toBe(renderOpenMetrics(series));
    expect(summary).toEqual({ seriesCount: 3, sampleCount: 4 });
  });

  test('rejects a family that reappears after another', async () => {
    const series: MetricSeries[] = [
      { name: 'a', labels: {}, samples: [{ t: 1, v: 1 }] },
      { name: 'b', labels: {}, samples: [{ t: 1, v: 1 }] },
      { name: 'a', labels: { x: '1' }, samples: [{ t: 1, v: 1 }] },
    ];

    await expect(writeOpenMetricsFile(join(directory, 'interleaved.om'), series)).rejects.toThrow(/metric a reappears/);
  });

  test('writes 200,000 samples from an async generator', async () => {
    async function* generate(): AsyncGenerator<MetricSeries> {
      for (let i = 0; i < 20; i += 1) {
        yield { name: 'big', labels: { i: String(i) }, samples: sampleEvery(0, 9999 * 60, 60, (t) => t) };
      }
    }

    const summary = await writeOpenMetricsFile(join(directory, 'big.om'), generate());

    expect(summary).toEqual({ seriesCount: 20, sampleCount: 200000 });
    const text = await readFile(join(directory, 'big.om'), 'utf8');
    expect(text.endsWith('big{i="19"} 599940 599940\n# EOF\n')).toBe(true);
  });
});

describe('local Prometheus', () => {
  test('finds both binaries', () => {
    expect(findBinary('prometheus')).toMatch(/\/prometheus$/);
    expect(findBinary('promtool')).toMatch(/\/promtool$/);
  });

  test('missing binary error names the install command', () => {
    expect(new MissingBinaryError('promtool').message).toContain('apt-get install -y prometheus');
  });

  test('serves 30 days of backfilled history and stops', async () => {
    const series: MetricSeries[] = [
      { name: 'memory_bytes', labels: { pod: 'a' }, samples: sampleEvery(AT - 30 * DAY, AT, HOUR, (t) => t - (AT - 30 * DAY)) },
    ];
    const server = await startPrometheusWithData(series);
    const client = createPrometheusClient({ url: server.url });

    const oldest = await client.query('memory_bytes', AT - 30 * DAY);
    const newest = await client.query('memory_bytes', AT);
    await server.stop();

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(oldest[0].samples[0].v).toBe(0);
    expect(newest[0].samples[0].v).toBe(30 * DAY);
    await expect(fetch(`${server.url}/-/ready`)).rejects.toThrow();
  });

  test('backfill quotes promtool when the file is invalid', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'backfill-test-'));
    try {
      const path = join(directory, 'bad.om');
      await writeFile(path, 'not openmetrics at all\n');
      await expect(backfill(path, join(directory, 'tsdb'))).rejects.toThrow(/promtool failed to backfill .*bad\.om/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('startPrometheus reports a server that cannot start', async () => {
    await expect(startPrometheus({ dataDir: '/proc/not-writable', readyTimeoutMs: 10000 })).rejects.toThrow(/prometheus exited/);
  });
});
