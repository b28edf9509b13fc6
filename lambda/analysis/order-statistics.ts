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
 * Returns the quantiles that sorting `values` and interpolating linearly between neighbours
 * would give, without sorting. Large arrays are first narrowed to the values between two pivots
 * drawn from a sample, which usually contain every rank needed. When they do not, all values are used.
 * Reorders `values`.
 *
 * @param fractions - quantiles to return, in ascending order
 * @throws RangeError when the fractions are not in ascending order
 */
export function quantilesInPlace(values: Float64Array, fractions: readonly number[]): number[] {
  const last = values.length - 1;
  const ranks = fractions.map((fraction) => Math.floor(last * fraction));
  const lowestRank = ranks[0];
  const highestRank = Math.min(ranks[ranks.length - 1] + 1, last);
  const narrowed = values.length >= MIN_BRACKETED_VALUES ? bracket(values, lowestRank, highestRank) : undefined;
  const ranked = narrowed === undefined ? new RankedValues(values, 0) : new RankedValues(narrowed.values, narrowed.rankOffset);

  return fractions.map((fraction) => {
    const position = last * fraction;
    const below = Math.floor(position);
    const above = Math.min(below + 1, last);
    const belowValue = ranked.valueAt(below);
    return belowValue + (ranked.valueAt(above) - belowValue) * (position - below);
  });
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
