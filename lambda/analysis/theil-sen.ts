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
  const slopes = pairs.slopes.subarray(0, pairs.count);

  const fullPairCount = (n * (n - 1)) / 2;
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const halfWidthFraction = (INTERVAL_Z * Math.sqrt(varianceS)) / (2 * fullPairCount);
  const lowerFraction = Math.max(0, 0.5 - halfWidthFraction);
  const upperFraction = Math.min(1, 0.5 + halfWidthFraction);
  // Three quantiles by selection instead of a full sort: the fit runs several times for each of
  // thousands of containers per check, and sorting the slopes took most of the check's CPU.
  const [lower, slope, upper] = quantilesInPlace(slopes, [lowerFraction, 0.5, upperFraction]);

  const intercept = medianOr(
    points.map((point) => point.y - slope * point.x),
    0,
  );

  const estimatedS = ((pairs.concordant - pairs.discordant) * fullPairCount) / pairs.count;
  const kendallZ = varianceS > 0 ? estimatedS / Math.sqrt(varianceS) : 0;
  const slopeInterval: [number, number] = [lower, upper];

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

/**
 * Returns the quantiles that sorting `values` and interpolating linearly between neighbours
 * would give, without sorting: each rank needed is found by selection in the part of the array
 * above the previous one, which costs a few passes instead of a sort. Reorders `values`.
 *
 * @param fractions - quantiles to return, in ascending order
 * @throws RangeError when the fractions are not in ascending order
 */
export function quantilesInPlace(values: Float64Array, fractions: readonly number[]): number[] {
  const last = values.length - 1;
  const valueAtRank = new Map<number, number>();
  let settledUpTo = -1;
  const rankValue = (rank: number): number => {
    const known = valueAtRank.get(rank);
    if (known !== undefined) {
      return known;
    }
    if (rank <= settledUpTo) {
      throw new RangeError(`quantile fractions must ascend: rank ${rank} comes after rank ${settledUpTo}`);
    }
    // Every rank up to settledUpTo is in place, and the values after it are the larger ones.
    selectInPlace(values, rank, settledUpTo + 1, last);
    settledUpTo = rank;
    valueAtRank.set(rank, values[rank]);
    return values[rank];
  };

  return fractions.map((fraction) => {
    const position = last * fraction;
    const below = Math.floor(position);
    const above = Math.min(below + 1, last);
    const belowValue = rankValue(below);
    return belowValue + (rankValue(above) - belowValue) * (position - below);
  });
}

/**
 * Moves the value of rank `rank` (0-based, within `from..to` inclusive) to index `rank`, with
 * no larger value before it and no smaller one after it: Hoare's quickselect with a
 * median-of-three pivot, which stays fast when many values are equal (a flat series).
 */
function selectInPlace(values: Float64Array, rank: number, from: number, to: number): void {
  let left = from;
  let right = to;
  const swap = (i: number, j: number): void => {
    const held = values[i];
    values[i] = values[j];
    values[j] = held;
  };

  while (right > left + 1) {
    const middle = (left + right) >>> 1;
    swap(middle, left + 1);
    if (values[left] > values[right]) {
      swap(left, right);
    }
    if (values[left + 1] > values[right]) {
      swap(left + 1, right);
    }
    if (values[left] > values[left + 1]) {
      swap(left, left + 1);
    }
    const pivot = values[left + 1];
    let i = left + 1;
    let j = right;
    for (;;) {
      do {
        i += 1;
      } while (values[i] < pivot);
      do {
        j -= 1;
      } while (values[j] > pivot);
      if (j < i) {
        break;
      }
      swap(i, j);
    }
    values[left + 1] = values[j];
    values[j] = pivot;
    if (j >= rank) {
      right = j - 1;
    }
    if (j <= rank) {
      left = i;
    }
  }
  if (right === left + 1 && values[right] < values[left]) {
    swap(left, right);
  }
}
