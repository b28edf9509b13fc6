import { evaluationInstant } from '../../lambda/handler/event-time';

const NOW = Date.UTC(2026, 11, 1, 7, 2, 10) / 1000;

describe('evaluationInstant', () => {
  test('scheduled event time is the instant, so retries evaluate the same one', () => {
    const event = { id: 'e1', time: '2026-12-01T07:00:00Z' };

    const first = evaluationInstant(event, NOW);
    const retry = evaluationInstant(event, NOW + 180);

    expect(first).toEqual({ atSeconds: Date.UTC(2026, 11, 1, 7) / 1000, fromEvent: true });
    expect(retry).toEqual(first);
  });

  test.each([
    ['no event', undefined],
    ['no time', { id: 'e1' }],
    ['unparsable time', { time: 'yesterday' }],
    ['older than the retry window', { time: '2026-11-30T07:00:00Z' }],
    ['far in the future', { time: '2026-12-01T09:00:00Z' }],
  ])('%s falls back to now', (_case, event) => {
    expect(evaluationInstant(event, NOW)).toEqual({ atSeconds: Math.floor(NOW), fromEvent: false });
  });
});
