import { seededRandom } from '../../lambda/demo/random';
import { quantile } from 'simple-statistics';
import { quantileOfFirst, quantilesInPlace } from '../../lambda/analysis/order-statistics';

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
    ['heavy tails around the bucketing threshold', 256, (random: () => number) => (random() - 0.5) / (random() + 1e-3)],
    ['heavy tails', 3570, (random: () => number) => (random() - 0.5) / (random() + 1e-3)],
    ['a few distinct values among many', 4000, (random: () => number) => (random() < 0.9 ? 1e6 : random() * 1e6)],
    ['huge and tiny magnitudes', 2000, (random: () => number) => (random() < 0.5 ? 1e300 : -1e-300) * random()],
    ['infinities', 1000, (random: () => number) => (random() < 0.3 ? Infinity : random() < 0.3 ? -Infinity : random())],
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

  test('matches sorting on clustered runs', () => {
    const random = seededRandom(11);
    const values = Array.from({ length: 5000 }, (_, index) => Math.floor(index / 50) + random() * 1e-3);
    for (const fractions of [[0.44, 0.5, 0.56], [0, 0.5, 1], [0.001, 0.999]]) {
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

describe('quantileOfFirst', () => {
  test('matches simple-statistics quantile', () => {
    const random = seededRandom(5);
    for (const count of [1, 2, 3, 4, 7, 10, 85, 174, 1000]) {
      for (const draw of [() => random() * 1e9, () => Math.floor(random() * 3)]) {
        const values = Array.from({ length: count }, draw);
        for (const p of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, random()]) {
          const buffer = new Float64Array(count + 5);
          buffer.set(values);

          expect(quantileOfFirst(buffer, count, p)).toBe(quantile(values, p));
        }
      }
    }
  });
});
