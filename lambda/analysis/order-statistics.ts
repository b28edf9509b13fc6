/**
 * Quantiles of large arrays by selection rather than sorting: the Theil–Sen fit needs three
 * quantiles of up to 6,000 pairwise slopes, tens of thousands of times per check.
 */

/** Values drawn to bracket the wanted ranks; more draws bracket tighter but cost a sort of their own. */
const BRACKET_SAMPLE_SIZE = 256;
/** Below this many values, bracketing costs more than it saves. */
const MIN_BRACKETED_VALUES = 1024;
/** Margin of the bracket, in standard deviations of a sample quantile: it misses the ranks about once in a thousand fits. */
const BRACKET_MARGIN_SIGMAS = 3.3;

const bracketSample = new Float64Array(BRACKET_SAMPLE_SIZE);
let bracketed: Float64Array = new Float64Array(0);

/**
 * From this many values on, quantiles are found by counting values into buckets: two passes
 * over the values and a sort of a few dozen, where selection moves each value several times.
 */
const MIN_BUCKETED_VALUES = 256;
/** Buckets between the two pivots; two more hold the values below and above them. */
const BUCKET_COUNT = 1024;
/** Values drawn to place the pivots. The buckets absorb a loose placement, so few draws suffice. */
const PIVOT_SAMPLE_SIZE = 64;
/** Margin of the pivots beyond the requested fractions, in draws: 4 standard deviations of a sample quantile of 64 draws. */
const PIVOT_MARGIN_DRAWS = 16;
/** Maximum values gathered from the buckets that contain the requested ranks. Above it, selection takes over. */
const MAX_GATHERED_VALUES = 512;

const pivotSample = new Float64Array(PIVOT_SAMPLE_SIZE);
const bucketCounts = new Int32Array(BUCKET_COUNT + 2);
/** 1 for the buckets that contain a requested rank, during one gathering pass only. */
const targetBuckets = new Uint8Array(BUCKET_COUNT + 2);
const gathered = new Float64Array(MAX_GATHERED_VALUES);
/** The bucket of each value, from the counting pass, for the gathering pass. */
let bucketIndices = new Uint16Array(0);

/**
 * Returns the quantiles that sorting `values` and interpolating linearly between neighbours
 * would give, without sorting. Large arrays are counted into buckets between two pivots, and
 * only the buckets that contain the requested ranks are sorted. When those buckets are too full
 * (many equal values), the values between two pivots drawn from a sample are selected instead,
 * and all values when the sample missed. Every path returns the same exact order statistics.
 * May reorder `values`.
 *
 * @param fractions - quantiles to return, in ascending order
 * @throws RangeError when the fractions are not in ascending order
 */
export function quantilesInPlace(values: Float64Array, fractions: readonly number[]): number[] {
  const last = values.length - 1;
  const positions = fractions.map((fraction) => last * fraction);
  for (let index = 1; index < positions.length; index += 1) {
    if (!(positions[index] >= positions[index - 1])) {
      throw new RangeError(`quantile fractions must ascend: ${fractions[index]} comes after ${fractions[index - 1]}`);
    }
  }
  const ranks: number[] = [];
  for (const position of positions) {
    const below = Math.floor(position);
    ranks.push(below, Math.min(below + 1, last));
  }
  const ranked = (values.length >= MIN_BUCKETED_VALUES ? valuesByBuckets(values, ranks) : undefined) ?? valuesBySelection(values, ranks);

  return positions.map((position, index) => {
    const below = Math.floor(position);
    const belowValue = ranked[2 * index];
    return belowValue + (ranked[2 * index + 1] - belowValue) * (position - below);
  });
}

/** Returns the values of the ascending `ranks` by selection, narrowed to a bracket when the array is large. Reorders `values`. */
function valuesBySelection(values: Float64Array, ranks: readonly number[]): number[] {
  const narrowed = values.length >= MIN_BRACKETED_VALUES ? bracket(values, ranks[0], ranks[ranks.length - 1]) : undefined;
  const ranked = narrowed === undefined ? new RankedValues(values, 0) : new RankedValues(narrowed.values, narrowed.rankOffset);
  return ranks.map((rank) => ranked.valueAt(rank));
}

/**
 * Returns the values of the ascending `ranks` by counting. Each value goes into one of the
 * buckets of equal width between two pivots, or into the bucket below or above them. The bucket
 * of a value never decreases as the value grows, so every value of a bucket is at most every
 * value of the next one. A rank therefore falls in the bucket where the running count passes
 * it, and only the values of those buckets are gathered and sorted. The pivots decide only the
 * speed: the values found are exact whatever the pivots are.
 *
 * @returns undefined when the pivots coincide or the target buckets contain too many values
 */
function valuesByBuckets(values: Float64Array, ranks: readonly number[]): number[] | undefined {
  const count = values.length;
  const last = count - 1;
  // A fixed linear congruential sequence of indices: the same input always gives the same pivots.
  let state = 0x9e3779b9;
  for (let k = 0; k < PIVOT_SAMPLE_SIZE; k += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    pivotSample[k] = values[state % count];
  }
  const lowIndex = Math.max(0, Math.floor((ranks[0] / last) * (PIVOT_SAMPLE_SIZE - 1)) - PIVOT_MARGIN_DRAWS);
  const highIndex = Math.min(PIVOT_SAMPLE_SIZE - 1, Math.ceil((ranks[ranks.length - 1] / last) * (PIVOT_SAMPLE_SIZE - 1)) + PIVOT_MARGIN_DRAWS);
  selectInPlace(pivotSample, lowIndex, 0, PIVOT_SAMPLE_SIZE - 1);
  const low = pivotSample[lowIndex];
  selectInPlace(pivotSample, highIndex, lowIndex, PIVOT_SAMPLE_SIZE - 1);
  const high = pivotSample[highIndex];
  const scale = BUCKET_COUNT / (high - low);
  if (!(scale > 0 && scale < Infinity)) {
    return undefined;
  }

  if (bucketIndices.length < count) {
    bucketIndices = new Uint16Array(Math.max(count, 2 * bucketIndices.length));
  }
  // Module-level arrays read through locals: a loop that reads them from the module scope runs slower.
  const indices = bucketIndices;
  const counts = bucketCounts;
  counts.fill(0);
  for (let i = 0; i < count; i += 1) {
    const bucket = bucketOf(values[i], low, scale);
    indices[i] = bucket;
    counts[bucket] += 1;
  }

  // The bucket of each rank and the number of values in the buckets before it.
  const rankBuckets: number[] = [];
  const countsBefore: number[] = [];
  let bucket = 0;
  let before = 0;
  for (const rank of ranks) {
    while (before + bucketCounts[bucket] <= rank) {
      before += bucketCounts[bucket];
      bucket += 1;
    }
    rankBuckets.push(bucket);
    countsBefore.push(before);
  }
  // Where each rank's bucket starts among the gathered values: after the target buckets before it.
  const starts: number[] = [];
  let targetCount = 0;
  let previous = -1;
  for (const target of rankBuckets) {
    if (target !== previous) {
      targetCount += bucketCounts[target];
      previous = target;
    }
    starts.push(targetCount - bucketCounts[target]);
  }
  if (targetCount > MAX_GATHERED_VALUES) {
    return undefined;
  }

  for (const target of rankBuckets) {
    targetBuckets[target] = 1;
  }
  // The branch is cheap because it is rarely taken: few values fall in the target buckets.
  const into = gathered;
  const isTarget = targetBuckets;
  let gatheredCount = 0;
  for (let i = 0; i < count; i += 1) {
    if (isTarget[indices[i]] !== 0) {
      into[gatheredCount] = values[i];
      gatheredCount += 1;
    }
  }
  for (const target of rankBuckets) {
    targetBuckets[target] = 0;
  }
  sortAscending(gathered.subarray(0, gatheredCount));

  // Within the gathered values each bucket lies in order, so a rank's value sits at its place in its bucket.
  return ranks.map((rank, index) => gathered[starts[index] + rank - countsBefore[index]]);
}

/**
 * Returns the bucket of a value: 0 below the lower pivot, 1 to BUCKET_COUNT + 1 from there up to
 * the upper pivot, and BUCKET_COUNT + 1 above it. The bucket never decreases as the value grows:
 * between the pivots, the position plus one is at least zero, where truncation is a floor.
 * Values must not be NaN.
 *
 * The code has no branches because about a third of the values lie outside the pivots in no
 * predictable order. A position outside is multiplied by zero before the truncation, which is
 * slow for numbers beyond 32 bits.
 */
function bucketOf(value: number, low: number, scale: number): number {
  const position = (value - low) * scale;
  const inside = +(position >= -1) & +(position <= BUCKET_COUNT);
  return ((inside * (position + 1)) | 0) + +(position > BUCKET_COUNT) * (BUCKET_COUNT + 1);
}

/** Largest array sorted by insertion, which beats the built-in sort on a few dozen values. */
const MAX_INSERTION_SORT = 48;

/** Sorts values in ascending order. */
function sortAscending(values: Float64Array): void {
  const length = values.length;
  if (length > MAX_INSERTION_SORT) {
    values.sort();
    return;
  }
  for (let i = 1; i < length; i += 1) {
    const value = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > value) {
      values[j + 1] = values[j];
      j -= 1;
    }
    values[j + 1] = value;
  }
}

/**
 * Copies the values between two pivots, chosen from a fixed pseudo-random sample so that the
 * ranks `lowestRank..highestRank` of all values fall between them.
 *
 * @returns the values between the pivots and the rank of their smallest among all values, or
 *   undefined when the sample missed and the wanted ranks are not all among them
 */
function bracket(values: Float64Array, lowestRank: number, highestRank: number): { values: Float64Array; rankOffset: number } | undefined {
  const count = values.length;
  // A fixed linear congruential sequence of indices: the same input always gives the same pivots.
  let state = 0x9e3779b9;
  for (let k = 0; k < BRACKET_SAMPLE_SIZE; k += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bracketSample[k] = values[state % count];
  }

  // The pivots are two order statistics of the sample, found by selection like the rest.
  const marginDraws = BRACKET_MARGIN_SIGMAS * Math.sqrt(BRACKET_SAMPLE_SIZE / 4);
  const lowIndex = Math.max(0, Math.floor((lowestRank / count) * BRACKET_SAMPLE_SIZE - marginDraws));
  const highIndex = Math.min(BRACKET_SAMPLE_SIZE - 1, Math.ceil((highestRank / count) * BRACKET_SAMPLE_SIZE + marginDraws));
  selectInPlace(bracketSample, lowIndex, 0, BRACKET_SAMPLE_SIZE - 1);
  const low = bracketSample[lowIndex];
  if (highIndex > lowIndex) {
    selectInPlace(bracketSample, highIndex, lowIndex + 1, BRACKET_SAMPLE_SIZE - 1);
  }
  const high = bracketSample[highIndex];

  if (bracketed.length < count) {
    bracketed = new Float64Array(count);
  }
  let belowLow = 0;
  let between = 0;
  for (let i = 0; i < count; i += 1) {
    // Without branches: the comparisons are coin flips near the median, and mispredicted
    // branches made this loop several times slower.
    const value = values[i];
    bracketed[between] = value;
    belowLow += +(value < low);
    between += +(value >= low) & +(value <= high);
  }
  // Every value below `low` ranks before every bracketed one, and every value above `high` after.
  if (belowLow > lowestRank || belowLow + between <= highestRank) {
    return undefined;
  }
  return { values: bracketed.subarray(0, between), rankOffset: belowLow };
}

/** Finds values by rank, in ascending order of rank, each in the part of the array left above the previous one. */
class RankedValues {
  private readonly found = new Map<number, number>();
  /** Ranks up to this one (relative to the array) are in place, and larger values lie after it. */
  private settledUpTo = -1;

  constructor(
    private readonly values: Float64Array,
    /** Rank, among all values, of this array's smallest value. */
    private readonly rankOffset: number,
  ) {}

  valueAt(rank: number): number {
    const known = this.found.get(rank);
    if (known !== undefined) {
      return known;
    }
    const local = rank - this.rankOffset;
    if (local <= this.settledUpTo) {
      throw new RangeError(`quantile fractions must ascend: rank ${rank} comes after rank ${this.settledUpTo + this.rankOffset}`);
    }
    let value: number;
    if (local === this.settledUpTo + 1 && this.settledUpTo >= 0) {
      // The next rank is the smallest of the values after the settled ones: one scan, no moves.
      value = Infinity;
      for (let i = local; i < this.values.length; i += 1) {
        if (this.values[i] < value) {
          value = this.values[i];
        }
      }
    } else {
      selectInPlace(this.values, local, this.settledUpTo + 1, this.values.length - 1);
      this.settledUpTo = local;
      value = this.values[local];
    }
    this.found.set(rank, value);
    return value;
  }
}

/**
 * Moves the value of rank `rank` (0-based, within `from..to` inclusive) to index `rank`, with
 * no larger value before it and no smaller one after it. This is Hoare's quickselect with a
 * median-of-three pivot, which stays fast when many values are equal (a flat series).
 */
function selectInPlace(values: Float64Array, rank: number, from: number, to: number): void {
  let left = from;
  let right = to;
  let swapped: number;
  while (right > left + 1) {
    const middle = (left + right) >>> 1;
    swapped = values[middle];
    values[middle] = values[left + 1];
    values[left + 1] = swapped;
    if (values[left] > values[right]) {
      swapped = values[left];
      values[left] = values[right];
      values[right] = swapped;
    }
    if (values[left + 1] > values[right]) {
      swapped = values[left + 1];
      values[left + 1] = values[right];
      values[right] = swapped;
    }
    if (values[left] > values[left + 1]) {
      swapped = values[left];
      values[left] = values[left + 1];
      values[left + 1] = swapped;
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
      swapped = values[i];
      values[i] = values[j];
      values[j] = swapped;
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
    swapped = values[left];
    values[left] = values[right];
    values[right] = swapped;
  }
}

/**
 * Returns quantile `p` of the first `count` values as simple-statistics' `quantile` computes
 * it: the value of rank (count − 1)·p, interpolated linearly toward the next rank when that
 * position is fractional. Reorders those values. Unlike simple-statistics it copies nothing,
 * so callers can reuse one buffer for the thousands of medians of a check.
 *
 * @param count - at least 1
 */
export function quantileOfFirst(values: Float64Array, count: number, p: number): number {
  const last = count - 1;
  const position = p === 1 ? last : last * p;
  const below = Math.floor(position);
  selectInPlace(values, below, 0, last);
  const belowValue = values[below];
  if (p === 0 || p === 1 || position % 1 === 0) {
    return belowValue;
  }
  // The next rank is the smallest value after the selected one.
  let aboveValue = Infinity;
  for (let i = below + 1; i <= last; i += 1) {
    if (values[i] < aboveValue) {
      aboveValue = values[i];
    }
  }
  return belowValue + (position - below) * (aboveValue - belowValue);
}
