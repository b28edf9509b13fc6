/**
 * Theil–Sen line fit with Sen's confidence interval and the Mann–Kendall trend statistic, both
 * read from the same set of pairwise slopes.
 */
import { quantileOfFirst, quantilesInPlace } from './order-statistics';
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
  pointXs = bufferOf(pointXs, n);
  pointYs = bufferOf(pointYs, n);
  for (let i = 0; i < n; i += 1) {
    pointXs[i] = points[i].x;
    pointYs[i] = points[i].y;
  }
  return fitTheilSenArrays(pointXs, pointYs, n, maxPairs);
}

/**
 * Fits a Theil–Sen line, as {@link fitTheilSen} does, to the first `n` points of `xs` and
 * `ys`, sorted by x. Callers that already hold their points in typed arrays save building an
 * object per point. Reads the arrays only.
 */
export function fitTheilSenArrays(xs: Float64Array, ys: Float64Array, n: number, maxPairs = MAX_THEIL_SEN_PAIRS): TheilSenFit | null {
  const remembered = recentFits.find(xs, ys, n, maxPairs);
  if (remembered !== undefined) {
    return remembered === null ? null : { ...remembered, slopeInterval: [remembered.slopeInterval[0], remembered.slopeInterval[1]] };
  }
  const fit = computeFit(xs, ys, n, maxPairs);
  recentFits.remember(xs, ys, n, maxPairs, fit);
  return fit;
}

function computeFit(xs: Float64Array, ys: Float64Array, n: number, maxPairs: number): TheilSenFit | null {
  const pairs = collectPairSlopes(xs, ys, n, maxPairs);
  if (pairs.count === 0) {
    return null;
  }
  const slopes = pairs.slopes;

  const fullPairCount = (n * (n - 1)) / 2;
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const halfWidthFraction = (INTERVAL_Z * Math.sqrt(varianceS)) / (2 * fullPairCount);
  const lowerFraction = Math.max(0, 0.5 - halfWidthFraction);
  const upperFraction = Math.min(1, 0.5 + halfWidthFraction);
  // Three quantiles by selection instead of a full sort: the fit runs several times for each of
  // thousands of containers per check, and sorting the slopes took most of the check's CPU.
  const [lower, slope, upper] = quantilesInPlace(slopes, [lowerFraction, 0.5, upperFraction]);

  // The median of y − slope · x, in the slope buffer, which the quantiles no longer need.
  const offsets = slopeBuffer.length >= n ? slopeBuffer : (slopeBuffer = new Float64Array(n));
  for (let i = 0; i < n; i += 1) {
    offsets[i] = ys[i] - slope * xs[i];
  }
  const intercept = quantileOfFirst(offsets, n, 0.5);

  const estimatedS = ((pairs.concordant - pairs.discordant) * fullPairCount) / pairs.count;
  const kendallZ = varianceS > 0 ? estimatedS / Math.sqrt(varianceS) : 0;
  const slopeInterval: [number, number] = [lower, upper];

  return { slope, intercept, slopeInterval, kendallZ };
}

/**
 * Returns the Mann–Kendall z that {@link fitTheilSenArrays} would return for the same points,
 * from the same pairs, without the slopes: a caller that only needs to know whether a trend can
 * be significant saves the quantiles, most of a fit's cost.
 *
 * @returns null where the fit would be null: no two points with distinct x
 */
export function kendallZOfArrays(xs: Float64Array, ys: Float64Array, n: number, maxPairs = MAX_THEIL_SEN_PAIRS): number | null {
  const fullPairCount = (n * (n - 1)) / 2;
  let count = 0;
  let concordant = 0;
  let discordant = 0;
  // The same pairs as collectPairSlopes, in the same order; see there for the loops' form.
  if (fullPairCount <= maxPairs) {
    for (let i = 0; i < n; i += 1) {
      const xi = xs[i];
      const yi = ys[i];
      for (let j = i + 1; j < n; j += 1) {
        const dx = xs[j] - xi;
        if (dx === 0) {
          continue;
        }
        const product = (ys[j] - yi) * dx;
        count += 1;
        concordant += +(product > 0);
        discordant += +(product < 0);
      }
    }
  } else {
    const maxAttempts = maxPairs * 4;
    const attempts = pairAttempts(n, Math.min(maxAttempts, maxPairs + (maxPairs >> 3)));
    for (let attempt = 0; count < maxPairs && attempt < maxAttempts; attempt += 1) {
      if (attempt >= attempts.length) {
        extendPairAttempts(attempts, Math.min(maxAttempts, attempts.length * 2));
      }
      const first = attempts.lower[attempt];
      const second = attempts.upper[attempt];
      const dx = xs[second] - xs[first];
      if (first === second || dx === 0) {
        continue;
      }
      const product = (ys[second] - ys[first]) * dx;
      count += 1;
      concordant += +(product > 0);
      discordant += +(product < 0);
    }
  }
  if (count === 0) {
    return null;
  }
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const estimatedS = ((concordant - discordant) * fullPairCount) / count;
  return varianceS > 0 ? estimatedS / Math.sqrt(varianceS) : 0;
}

/**
 * The last few fits and their points. The analysis of one container can fit the same points
 * more than once (a run's trend, then its growth test). Since the growth test fits the halves
 * of flat runs only on demand, this saves about 1 fit in 25 on the 10,000-container benchmark.
 */
class RecentFits {
  private readonly entries: { xs: Float64Array; ys: Float64Array; maxPairs: number; fit: TheilSenFit | null }[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** @returns the fit of exactly these points, null for points that had none, undefined when not remembered */
  find(xs: Float64Array, ys: Float64Array, n: number, maxPairs: number): TheilSenFit | null | undefined {
    for (const entry of this.entries) {
      if (entry.maxPairs === maxPairs && entry.xs.length === n && samePoints(entry, xs, ys, n)) {
        return entry.fit;
      }
    }
    return undefined;
  }

  remember(xs: Float64Array, ys: Float64Array, n: number, maxPairs: number, fit: TheilSenFit | null): void {
    this.entries[this.next] = { xs: xs.slice(0, n), ys: ys.slice(0, n), maxPairs, fit };
    this.next = (this.next + 1) % this.capacity;
  }
}

function samePoints(entry: { xs: Float64Array; ys: Float64Array }, xs: Float64Array, ys: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i += 1) {
    if (entry.xs[i] !== xs[i] || entry.ys[i] !== ys[i]) {
      return false;
    }
  }
  return true;
}

const recentFits = new RecentFits(8);

interface PairSlopes {
  /** A view of a buffer that the next fit reuses. */
  readonly slopes: Float64Array;
  readonly count: number;
  readonly concordant: number;
  readonly discordant: number;
}

/**
 * Buffers reused by every fit. One check fits tens of thousands of lines, and a fresh 48 KB
 * array per fit kept the garbage collector busy. Fits never overlap, so one set is enough.
 */
let slopeBuffer: Float64Array = new Float64Array(0);
/** The points of {@link fitTheilSen}, copied out of their objects. */
let pointXs: Float64Array = new Float64Array(0);
let pointYs: Float64Array = new Float64Array(0);

function bufferOf(buffer: Float64Array, size: number): Float64Array {
  return buffer.length >= size ? buffer : new Float64Array(Math.max(size, buffer.length * 2));
}

function collectPairSlopes(xs: Float64Array, ys: Float64Array, n: number, maxPairs: number): PairSlopes {
  const fullPairCount = (n * (n - 1)) / 2;
  slopeBuffer = bufferOf(slopeBuffer, Math.max(0, Math.min(fullPairCount, maxPairs)));
  const slopes = slopeBuffer;
  let count = 0;
  let concordant = 0;
  let discordant = 0;

  // The pair loops are written out rather than calling a shared helper: counters captured by a
  // closure live on the heap, and that alone doubled the cost of a pair. The counting is
  // branch-free because the signs of neighbouring slopes are as good as random.
  if (fullPairCount <= maxPairs) {
    for (let i = 0; i < n; i += 1) {
      const xi = xs[i];
      const yi = ys[i];
      for (let j = i + 1; j < n; j += 1) {
        const dx = xs[j] - xi;
        if (dx === 0) {
          continue;
        }
        const dy = ys[j] - yi;
        slopes[count] = dy / dx;
        count += 1;
        const product = dy * dx;
        concordant += +(product > 0);
        discordant += +(product < 0);
      }
    }
    return { slopes: slopes.subarray(0, count), count, concordant, discordant };
  }

  // Uniform pairs of distinct indices: every pair is equally likely, as in the full set. The
  // attempt cap only matters for points that share x, which cleaned samples never do.
  const maxAttempts = maxPairs * 4;
  const attempts = pairAttempts(n, Math.min(maxAttempts, maxPairs + (maxPairs >> 3)));
  for (let attempt = 0; count < maxPairs && attempt < maxAttempts; attempt += 1) {
    if (attempt >= attempts.length) {
      extendPairAttempts(attempts, Math.min(maxAttempts, attempts.length * 2));
    }
    const first = attempts.lower[attempt];
    const second = attempts.upper[attempt];
    const dx = xs[second] - xs[first];
    if (first === second || dx === 0) {
      continue;
    }
    const dy = ys[second] - ys[first];
    slopes[count] = dy / dx;
    count += 1;
    const product = dy * dx;
    concordant += +(product > 0);
    discordant += +(product < 0);
  }
  return { slopes: slopes.subarray(0, count), count, concordant, discordant };
}

/**
 * The pseudo-random index pairs drawn for `n` points, smaller index first. They depend only on
 * `n`, because the generator's seed does, so they are drawn once and reused by every fit of `n`
 * points: drawing them cost as much as the fit itself.
 */
interface PairAttempts {
  lower: Uint32Array;
  upper: Uint32Array;
  length: number;
  readonly n: number;
  readonly random: () => number;
}

/** Pair sequences kept, by number of points; a week of hourly samples gives at most a few hundred sizes. */
const MAX_CACHED_PAIR_SEQUENCES = 64;
const pairSequences = new Map<number, PairAttempts>();

function pairAttempts(n: number, length: number): PairAttempts {
  let attempts = pairSequences.get(n);
  if (attempts === undefined) {
    if (pairSequences.size >= MAX_CACHED_PAIR_SEQUENCES) {
      pairSequences.delete(pairSequences.keys().next().value as number);
    }
    attempts = { lower: new Uint32Array(0), upper: new Uint32Array(0), length: 0, n, random: createSeededRandom(PAIR_SAMPLE_SEED + n) };
    pairSequences.set(n, attempts);
  }
  if (attempts.length < length) {
    extendPairAttempts(attempts, length);
  }
  return attempts;
}

function extendPairAttempts(attempts: PairAttempts, length: number): void {
  const lower = new Uint32Array(length);
  const upper = new Uint32Array(length);
  lower.set(attempts.lower.subarray(0, attempts.length));
  upper.set(attempts.upper.subarray(0, attempts.length));
  for (let attempt = attempts.length; attempt < length; attempt += 1) {
    const i = Math.floor(attempts.random() * attempts.n);
    const j = Math.floor(attempts.random() * attempts.n);
    lower[attempt] = Math.min(i, j);
    upper[attempt] = Math.max(i, j);
  }
  attempts.lower = lower;
  attempts.upper = upper;
  attempts.length = length;
}
