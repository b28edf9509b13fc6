import { parseQueryResponse } from '../../lambda/prometheus/fast-response';
import { parseQueryData, type ParseCounts } from '../../lambda/prometheus/response';

/** Parses as the client did before the fast parser: JSON.parse, then parseQueryData of a success. */
function parseTheGeneralWay(text: string) {
  const counts: ParseCounts = { samplesRead: 0, nonFiniteSamplesDropped: 0 };
  const parsed = JSON.parse(text) as { status?: unknown; data?: unknown; warnings?: unknown };
  return { series: parseQueryData(parsed.data, counts), warnings: parsed.warnings, counts };
}

function parseFast(text: string) {
  const counts: ParseCounts = { samplesRead: 0, nonFiniteSamplesDropped: 0 };
  const parsed = parseQueryResponse(Buffer.from(text, 'utf8'), counts);
  return parsed === undefined ? undefined : { ...parsed, counts };
}

const matrix = (result: unknown[], extra = '') => `{"status":"success","data":{"resultType":"matrix","result":${JSON.stringify(result)}}${extra}}`;

describe('parseQueryResponse', () => {
  test.each([
    ['a matrix as Prometheus writes it', matrix([{ metric: { namespace: 'dojo', pod: 'web-0', container: 'app' }, values: [[1795370400, '123456789'], [1795374000, '123456790']] }])],
    ['a vector', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"a"},"value":[1795370400.5,"42"]},{"metric":{},"value":[1,"7"]}]}}'],
    ['NaN, infinities and odd value texts', matrix([{ metric: { a: 'b' }, values: [[1, 'NaN'], [2, '+Inf'], [3, '-Inf'], [4, '1e3'], [5, '0x10'], [6, ''], [7, ' 12 '], [8, '-5'], [9, '1234567890123456789'], [10, '007']] }])],
    ['fractional and exponent timestamps', matrix([{ metric: {}, values: [[1.7953704e9, '1'], [-3, '2'], [0, '3'], [1795370400.123, '4.25']] }])],
    ['escaped and non-ASCII label values', matrix([{ metric: { path: 'C:\\temp\\"x"\n\t', team: 'Zürich ✓ 😀', __proto__x: 'y' }, values: [[1, '1']] }])],
    ['a "__proto__" label', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__proto__":"p","a":"b"},"values":[[1,"1"]]}]}}'],
    ['unicode escapes', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"\\u00fc\\ud83d\\ude00\\u0041"},"values":[[1,"1"]]}]}}'],
    ['whitespace everywhere', ' { "status" : "success" , "data" : { "resultType" : "matrix" , "result" : [ { "metric" : { "a" : "b" } , "values" : [ [ 1 , "2" ] , [ 3 , "4" ] ] } ] } } \n'],
    ['warnings, stats and unknown members', matrix([{ metric: { a: 'b' }, values: [[1, '2']], histograms: [[1, { count: '1' }]] }], ',"warnings":["PromQL info: x"],"stats":{"timings":{"evalTotalTime":0.1},"samples":{"totalQueryableSamples":5}},"isPartial":false')],
    ['points of other shapes', matrix([{ metric: { a: 'b' }, values: [[1, 2], [1], 'x', [2, '3', 'extra'], ['4', '5'], [6, '\\u0037'], null] }])],
    ['values that are no list', matrix([{ metric: { a: 'b' }, values: 'none' }, { metric: null, values: [[1, '1']] }, { values: [[1, '1']] }])],
    ['an empty result', matrix([])],
    ['series without samples', matrix([{ metric: { a: 'b' }, values: [] }])],
  ])('reads %s as JSON.parse and parseQueryData do', (_, text) => {
    const fast = parseFast(text);

    expect(fast).toBeDefined();
    expect(fast).toEqual(parseTheGeneralWay(text));
  });

  test.each([
    ['an error response', '{"status":"error","errorType":"bad_data","error":"parse error"}'],
    ['a scalar', '{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}'],
    ['a result before its type', '{"status":"success","data":{"result":[],"resultType":"matrix"}}'],
    ['a repeated data member', '{"status":"success","data":{"resultType":"vector","result":[]},"data":{"resultType":"vector","result":[]}}'],
    ['a truncated body', matrix([{ metric: { a: 'b' }, values: [[1, '2']] }]).slice(0, -3)],
    ['a trailing comma', '{"status":"success","data":{"resultType":"matrix","result":[],}}'],
    ['text after the object', `${matrix([])} x`],
    ['a number with a leading zero', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[01,"1"]]}]}}'],
    ['a raw line feed in a string', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b\nc"},"values":[[1,"1"]]}]}}'],
    ['HTML', '<html>bad gateway</html>'],
  ])('leaves %s to the general parser', (_, text) => {
    const counts: ParseCounts = { samplesRead: 0, nonFiniteSamplesDropped: 0 };

    expect(parseQueryResponse(Buffer.from(text, 'utf8'), counts)).toBeUndefined();
    expect(counts).toEqual({ samplesRead: 0, nonFiniteSamplesDropped: 0 });
  });

  test('adds its counts to the ones given', () => {
    const counts: ParseCounts = { samplesRead: 10, nonFiniteSamplesDropped: 1 };

    parseQueryResponse(Buffer.from(matrix([{ metric: {}, values: [[1, '1'], [2, 'NaN']] }])), counts);

    expect(counts).toEqual({ samplesRead: 11, nonFiniteSamplesDropped: 2 });
  });
});
