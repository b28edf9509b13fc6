/**
 * V8 flags of the checker function, in its NODE_OPTIONS. The scale benchmark runs the checker
 * with the same flags, so that its memory figures are those of the deployed function.
 *
 * A check allocates fast and briefly: every response becomes samples that live only until their
 * batch is judged, so most of the young generation is garbage at any moment. Node.js 20 and later
 * size the semi-spaces from the heap limit, up to 16 MB each on a machine with plenty of memory.
 * On such a machine, semi-spaces of 4 MB cut the peak resident set of a check over 10,000
 * containers from 260–300 MiB to 233–240 MiB at about the same CPU time (measured with
 * `npm run bench:scale`). In a function of 1,024 MB the flag keeps that bound whatever size
 * Node.js would pick.
 *
 * NOTE: the command line runs with node's default heap; only the deployed function uses these.
 */
export const CHECKER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
