/**
 * The Theil–Sen fit reuses buffers, caches its pair draws and selects quantiles instead of
 * sorting. This checks that it still returns exactly what the plain implementation returns.
 */
import { seededRandom } from '../../lambda/demo/random';
import { createSeededRandom } from '../../lambda/analysis/seeded-random';
import { fitTheilSen, type Point, type TheilSenFit } from '../../lambda/analysis/theil-sen';
import { INTERVAL_Z, MAX_THEIL_SEN_PAIRS } from '../../lambda/analysis/tuning';

/** The plain implementation: every slope into a fresh array, pairs drawn anew, a full sort. */
function plainFit(points: readonly Point[], maxPairs = MAX_THEIL_SEN_PAIRS): TheilSenFit | null {
  const n = points.length;
  const slopes: number[] = [];
  let concordant = 0;
  let discordant = 0;
  const addPair = (first: Point, second: Point): void => {
    const dx = second.x - first.x;
    if (dx === 0) {
      return;
    }
    const dy = second.y - first.y;
    slopes.push(dy / dx);
    concordant += dy * dx > 0 ? 1 : 0;
    discordant += dy * dx < 0 ? 1 : 0;
  };
  const fullPairCount = (n * (n - 1)) / 2;
  if (fullPairCount <= maxPairs) {
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        addPair(points[i], points[j]);
      }
    }
  } else {
    const random = createSeededRandom(0x5eed + n);
    for (let attempt = 0; slopes.length < maxPairs && attempt < maxPairs * 4; attempt += 1) {
      const i = Math.floor(random() * n);
      const j = Math.floor(random() * n);
      if (i !== j) {
        addPair(points[Math.min(i, j)], points[Math.max(i, j)]);
      }
    }
  }
  if (slopes.length === 0) {
    return null;
  }
  const sorted = Float64Array.from(slopes).sort();
  const quantile = (p: number): number => {
    const position = (sorted.length - 1) * p;
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  };
  const slope = quantile(0.5);
  const residuals = points.map((point) => point.y - slope * point.x).sort((a, b) => a - b);
  const middle = Math.floor(residuals.length / 2);
  const intercept = residuals.length % 2 === 1 ? residuals[middle] : (residuals[middle - 1] + residuals[middle]) / 2;
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const kendallZ = varianceS > 0 ? (((concordant - discordant) * fullPairCount) / slopes.length) / Math.sqrt(varianceS) : 0;
  const halfWidth = (INTERVAL_Z * Math.sqrt(varianceS)) / (2 * fullPairCount);
  return { slope, intercept, slopeInterval: [quantile(Math.max(0, 0.5 - halfWidth)), quantile(Math.min(1, 0.5 + halfWidth))], kendallZ };
}

function series(random: () => number, n: number, shape: 'leak' | 'flat' | 'steps' | 'shared-x'): Point[] {
  return Array.from({ length: n }, (_, index) => {
    const x = shape === 'shared-x' ? Math.floor(index / 3) : index - n;
    const noise = (random() - 0.5) * 4e6;
    if (shape === 'leak') {
      return { x, y: 5e8 + 3e7 * x + noise };
    }
    if (shape === 'steps') {
      return { x, y: 1e8 * Math.floor(index / 20) };
    }
    return { x, y: 2e8 + Math.round(noise / 1e6) * 1e6 };
  });
}

describe('fitTheilSen', () => {
  test.each(['leak', 'flat', 'steps', 'shared-x'] as const)('matches the plain fit on %s series of every length', (shape) => {
    const random = seededRandom(shape.length);
    for (const n of [2, 3, 8, 40, 84, 109, 110, 111, 169, 170, 400, 169, 84]) {
      const points = series(random, n, shape);

      expect(fitTheilSen(points)).toEqual(plainFit(points));
    }
  });

  test('matches the plain fit with a small pair budget', () => {
    const points = series(seededRandom(3), 300, 'leak');

    expect(fitTheilSen(points, 1500)).toEqual(plainFit(points, 1500));
  });
});
