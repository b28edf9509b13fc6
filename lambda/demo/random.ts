/**
 * A small seeded pseudo-random generator (mulberry32), so generated scenarios are the same on
 * every run and every machine.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a normal distribution with the Box-Muller transform. */
export function gaussian(random: () => number, standardDeviation: number): number {
  const u1 = Math.max(random(), Number.EPSILON);
  const u2 = random();
  return standardDeviation * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
