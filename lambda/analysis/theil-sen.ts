/**
 * Theil–Sen line fit with Sen's confidence interval and the Mann–Kendall trend statistic, both
 * read from the same set of pairwise slopes.
 */
import { medianOr } from './robust';
import { createSeededRandom } from './seeded-random';
import { INTERVAL_Z, MAX_THEIL_SEN_PAIRS } from './tuning';

/** A point of a fit: `x` in hours, `y` in bytes. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The Theil–Sen line `y = intercept + slope · x` and the statistics of its pairwise slopes. */
export interface TheilSenFit {
  /** Median of the pairwise slopes, in y per x. */
  readonly slope: number;
  /** Median of `y − slope · x`: the fitted value at x = 0. */
  readonly intercept: number;
  /** Two-sided 90 % interval of the slope. */
  readonly slopeInterval: readonly [number, number];
  /** Mann–Kendall z: positive for a rising series, above 3 for a clear trend. */
  readonly kendallZ: number;
}

/** Seed of the pair subsample: fixed, so that one input always gives one result. */
const PAIR_SAMPLE_SEED = 0x5eed;

/**
 * Fits a Theil–Sen line to points sorted by x. Long series use a fixed-seed random subset of
 * at most `maxPairs` pairs, which keeps the cost near-linear while the median barely moves.
 *
 * The interval is Sen's rank interval: the slopes ranked (N ∓ z·√Var(S)) / 2 among the N
 * pairs, with Var(S) = n(n−1)(2n+5)/18.
 *
 * NOTE: Var(S) assumes independent residuals. Memory that wanders (a random walk around its
 * trend) gets too narrow an interval and too large a z, so callers also check that both halves
 * of a run agree before trusting a trend.
 *
 * @returns null for fewer than two points with distinct x
 */
export function fitTheilSen(points: readonly Point[], maxPairs = MAX_THEIL_SEN_PAIRS): TheilSenFit | null {
  const n = points.length;
  const pairs = collectPairSlopes(points, maxPairs);
  if (pairs.count === 0) {
    return null;
  }
  // A typed array sorts numerically without a comparator, several times faster on long series.
  const slopes = pairs.slopes.subarray(0, pairs.count).sort();

  const slope = quantileOfSorted(slopes, 0.5);
  const intercept = medianOr(
    points.map((point) => point.y - slope * point.x),
    0,
  );

  const fullPairCount = (n * (n - 1)) / 2;
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const estimatedS = ((pairs.concordant - pairs.discordant) * fullPairCount) / pairs.count;
  const kendallZ = varianceS > 0 ? estimatedS / Math.sqrt(varianceS) : 0;

  const halfWidthFraction = (INTERVAL_Z * Math.sqrt(varianceS)) / (2 * fullPairCount);
  const lowerFraction = Math.max(0, 0.5 - halfWidthFraction);
  const upperFraction = Math.min(1, 0.5 + halfWidthFraction);
  const slopeInterval: [number, number] = [quantileOfSorted(slopes, lowerFraction), quantileOfSorted(slopes, upperFraction)];

  return { slope, intercept, slopeInterval, kendallZ };
}

interface PairSlopes {
  readonly slopes: Float64Array;
  readonly count: number;
  readonly concordant: number;
  readonly discordant: number;
}

function collectPairSlopes(points: readonly Point[], maxPairs: number): PairSlopes {
  const n = points.length;
  const fullPairCount = (n * (n - 1)) / 2;
  const slopes = new Float64Array(Math.max(0, Math.min(fullPairCount, maxPairs)));
  let count = 0;
  let concordant = 0;
  let discordant = 0;

  const addPair = (first: Point, second: Point): void => {
    const dx = second.x - first.x;
    if (dx === 0) {
      return;
    }
    const dy = second.y - first.y;
    slopes[count] = dy / dx;
    count += 1;
    if (dy * dx > 0) {
      concordant += 1;
    } else if (dy * dx < 0) {
      discordant += 1;
    }
  };

  if (fullPairCount <= maxPairs) {
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        addPair(points[i], points[j]);
      }
    }
    return { slopes, count, concordant, discordant };
  }

  // Uniform pairs of distinct indices: every pair is equally likely, as in the full set. The
  // attempt cap only matters for points that share x, which cleaned samples never do.
  const random = createSeededRandom(PAIR_SAMPLE_SEED + n);
  for (let attempt = 0; count < maxPairs && attempt < maxPairs * 4; attempt += 1) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    if (i !== j) {
      addPair(points[Math.min(i, j)], points[Math.max(i, j)]);
    }
  }
  return { slopes, count, concordant, discordant };
}

/** Quantile `p` of sorted values, interpolating linearly between neighbours. */
function quantileOfSorted(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
