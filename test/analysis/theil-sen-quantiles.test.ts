import { seededRandom } from '../../lambda/demo/random';
import { quantilesInPlace } from '../../lambda/analysis/order-statistics';

/** Quantiles the plain way: sort, then interpolate between neighbours. */
function quantilesBySorting(values: readonly number[], fractions: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return fractions.map((fraction) => {
    const position = (sorted.length - 1) * fraction;
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  });
}

describe('quantilesInPlace', () => {
  test.each([
    ['distinct values', 6000, (random: () => number) => random() * 1e6 - 5e5],
    ['many equal values', 6000, (random: () => number) => Math.floor(random() * 4)],
    ['all equal', 500, () => 7],
    ['two values', 2, (random: () => number) => random()],
    ['one value', 1, (random: () => number) => random()],
  ])('matches sorting for %s', (_, count, draw) => {
    const random = seededRandom(count);
    for (let round = 0; round < 20; round += 1) {
      const values = Array.from({ length: count }, () => draw(random));
      const fractions = [random() * 0.5, 0.5, 0.5 + random() * 0.5];

      expect(quantilesInPlace(Float64Array.from(values), fractions)).toEqual(quantilesBySorting(values, fractions));
    }
  });

  test('returns the extremes for fractions 0 and 1', () => {
    expect(quantilesInPlace(Float64Array.from([5, -2, 9, 3]), [0, 1])).toEqual([-2, 9]);
  });

  test('rejects fractions out of order', () => {
    expect(() => quantilesInPlace(Float64Array.from([1, 2, 3, 4, 5, 6]), [0.9, 0.1])).toThrow(RangeError);
  });
});
