/**
 * Keeps queries within the limits of Prometheus-compatible backends. Long ranges go out in chunks
 * of at most 11,000 points per series. A query that a backend rejects for its size is split, by a
 * label such as namespace or by time, and the pieces are stitched together. A query that still
 * fails throws, so a failed query never turns into an empty result.
 */
import { PrometheusClient } from './client';
import { PrometheusError, PrometheusLimit } from './errors';
import { PromSeries } from './response';

/** Prometheus rejects range queries of more than 11,000 points per series (`(end - start) / step > 11000`). */
export const MAX_POINTS_PER_SERIES = 11000;

/** One time window of a range query, both ends on the step grid of the whole query. */
export interface TimeChunk {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/**
 * Returns the smallest whole step, in seconds, at which a range of `rangeSeconds` fits in one
 * request of at most `maxPoints` points per series: ⌈range / (maxPoints − 1)⌉, 236 s for 30 days.
 */
export function minimumStepSeconds(rangeSeconds: number, maxPoints = MAX_POINTS_PER_SERIES): number {
  return Math.max(1, Math.ceil(rangeSeconds / (maxPoints - 1)));
}

/**
 * Splits the evaluation instants `start, start + step, … ≤ end` into chunks of at most
 * `maxPoints` instants. Chunks share no instant, so stitching them needs no de-duplication
 * unless a backend rounds timestamps.
 *
 * @throws RangeError when the step is not positive or maxPoints is below 1
 */
export function chunkRange(startSeconds: number, endSeconds: number, stepSeconds: number, maxPoints = MAX_POINTS_PER_SERIES): TimeChunk[] {
  if (!(stepSeconds > 0)) {
    throw new RangeError(`step ${stepSeconds} s: expected a step above zero seconds`);
  }
  if (!(maxPoints >= 1)) {
    throw new RangeError(`maxPoints ${maxPoints}: expected at least 1`);
  }
  if (endSeconds < startSeconds) {
    return [];
  }

  const pointCount = Math.floor((endSeconds - startSeconds) / stepSeconds + 1e-9) + 1;
  const chunks: TimeChunk[] = [];
  for (let first = 0; first < pointCount; first += maxPoints) {
    const last = Math.min(first + maxPoints, pointCount) - 1;
    chunks.push({ startSeconds: startSeconds + first * stepSeconds, endSeconds: startSeconds + last * stepSeconds });
  }
  return chunks;
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/**
 * Merges the results of several pieces of one query by label set. Samples come out sorted by
 * time, and of two samples at the same instant (a shared chunk edge) the first piece's is kept.
 */
export function stitchSeries(parts: readonly (readonly PromSeries[])[]): PromSeries[] {
  const merged = new Map<string, PromSeries>();
  for (const part of parts) {
    for (const series of part) {
      const key = labelKey(series.labels);
      const existing = merged.get(key);
      if (existing === undefined) {
        merged.set(key, { labels: series.labels, samples: [...series.samples] });
      } else {
        existing.samples.push(...series.samples);
      }
    }
  }

  for (const series of merged.values()) {
    series.samples.sort((a, b) => a.t - b.t);
    let kept = 0;
    for (let i = 0; i < series.samples.length; i += 1) {
      if (kept === 0 || series.samples[i].t !== series.samples[kept - 1].t) {
        series.samples[kept] = series.samples[i];
        kept += 1;
      }
    }
    series.samples.length = kept;
  }
  return [...merged.values()];
}

/** How to narrow a query to a subset of one label's values, used when it is too large as a whole. */
export interface LabelSplit {
  /** The label, usually `namespace`. */
  readonly label: string;
  /** Series selector whose label values are listed (`match[]`), such as the usage metric with the user's selector. @default - all series */
  readonly seriesSelector?: string;
  /** Returns the query with one more matcher, such as `namespace=~"a|b"`, in every metric selector. */
  expressionFor(extraMatcher: string): string;
}

/** A range query for {@link queryRangePlanned}. */
export interface PlannedRangeQuery {
  readonly expr: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly stepSeconds: number;
  /** Lets a query too large for the backend be split by a label's values. @default - split by time only */
  readonly splitBy?: LabelSplit;
}

/** An instant query for {@link queryInstantPlanned}. */
export interface PlannedInstantQuery {
  readonly expr: string;
  readonly timeSeconds: number;
  /** Lets a query too large for the backend be split by a label's values. @default - no splitting */
  readonly splitBy?: LabelSplit;
}

/** Options of the planned queries. */
export interface RangePlannerOptions {
  /** Most evaluation instants per request. @default 11000 */
  readonly maxPointsPerRequest?: number;
  /**
   * Most requests one planned query may send after the first limit error, so that a backend
   * that rejects every piece is not hammered. @default 64
   */
  readonly maxRequestsAfterLimit?: number;
  /** Chunks requested at the same time. @default 4 */
  readonly concurrency?: number;
}

/** Label values for splitting an instant query come from the day before it, which covers its range selectors. */
const INSTANT_LABEL_WINDOW_SECONDS = 86400;

/** Limits that a smaller piece of the same query can pass. */
const SPLITTABLE_LIMITS = new Set<PrometheusLimit>(['resolution', 'samples', 'series', 'response-size', 'query-length']);

/** Limits on how much data one query touches, which fewer series help as much as a shorter range. */
const SIZE_LIMITS = new Set<PrometheusLimit>(['samples', 'series', 'response-size']);

/** A piece of a planned query: a time window and, after a label split, a subset of label values. */
interface Piece {
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Label values this piece is restricted to; undefined means all. */
  readonly labelValues?: readonly string[];
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function escapeStringLiteral(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Builds `label=~"v1|v2"` (PromQL regex matchers are anchored at both ends). */
function valuesMatcher(label: string, values: readonly string[]): string {
  if (values.length === 1) {
    return `${label}="${escapeStringLiteral(values[0])}"`;
  }
  return `${label}=~"${escapeStringLiteral(values.map(escapeRegex).join('|'))}"`;
}

function halves<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

function describeDuration(seconds: number): string {
  return seconds >= 3600 ? `${Math.round((seconds / 3600) * 10) / 10} h` : `${seconds} s`;
}

/** Splits pieces on limit errors and keeps the request budget of one planned query. */
class PieceRunner {
  private requestsAfterLimit = 0;

  constructor(
    private readonly client: PrometheusClient,
    private readonly maxRequestsAfterLimit: number,
    private readonly splitBy: LabelSplit | undefined,
    /** Step of a range query; undefined for an instant query, which cannot be split in time. */
    private readonly stepSeconds: number | undefined,
    /** How far back label values are listed: series that a range selector reads may have ended before the piece. */
    private readonly labelWindowSeconds: number,
    private readonly send: (expr: string, piece: Piece) => Promise<PromSeries[]>,
    private readonly baseExpr: string,
  ) {}

  async run(piece: Piece, hitLimit = false): Promise<PromSeries[]> {
    if (hitLimit) {
      this.requestsAfterLimit += 1;
    }
    const expr =
      piece.labelValues === undefined || this.splitBy === undefined
        ? this.baseExpr
        : this.splitBy.expressionFor(valuesMatcher(this.splitBy.label, piece.labelValues));

    try {
      return await this.send(expr, piece);
    } catch (error) {
      if (!(error instanceof PrometheusError) || error.kind !== 'limit' || !SPLITTABLE_LIMITS.has(error.limit!)) {
        throw error;
      }
      const smaller = await this.split(piece, error);
      if (smaller === undefined || this.requestsAfterLimit + smaller.length > this.maxRequestsAfterLimit) {
        throw this.exhausted(error, piece);
      }
      const results: PromSeries[][] = [];
      for (const next of smaller) {
        results.push(await this.run(next, true));
      }
      return stitchSeries(results);
    }
  }

  /** Returns two smaller pieces, or undefined when the piece cannot shrink further. */
  private async split(piece: Piece, error: PrometheusError): Promise<Piece[] | undefined> {
    if (this.splitBy !== undefined && SIZE_LIMITS.has(error.limit!)) {
      const values = piece.labelValues ?? (await this.listLabelValues(piece));
      if (values.length >= 2) {
        return halves(values).map((part) => ({ ...piece, labelValues: part }));
      }
    }

    if (this.stepSeconds !== undefined) {
      const steps = Math.floor((piece.endSeconds - piece.startSeconds) / this.stepSeconds + 1e-9);
      if (steps >= 1) {
        const firstEnd = piece.startSeconds + Math.floor(steps / 2) * this.stepSeconds;
        return [
          { ...piece, endSeconds: firstEnd },
          { ...piece, startSeconds: firstEnd + this.stepSeconds },
        ];
      }
    }
    return undefined;
  }

  private async listLabelValues(piece: Piece): Promise<string[]> {
    const splitBy = this.splitBy!;
    try {
      this.requestsAfterLimit += 1;
      return await this.client.labelValues(splitBy.label, {
        startSeconds: piece.startSeconds - this.labelWindowSeconds,
        endSeconds: piece.endSeconds,
        match: splitBy.seriesSelector === undefined ? undefined : [splitBy.seriesSelector],
      });
    } catch {
      // A backend without the label values endpoint still allows splitting by time.
      return [];
    }
  }

  private exhausted(error: PrometheusError, piece: Piece): PrometheusError {
    const pieceParts: string[] = [];
    if (this.stepSeconds !== undefined) {
      pieceParts.push(describeDuration(piece.endSeconds - piece.startSeconds + this.stepSeconds));
    }
    if (piece.labelValues !== undefined && this.splitBy !== undefined) {
      pieceParts.push(`${piece.labelValues.length} ${this.splitBy.label} value(s)`);
    }
    const howSplit =
      this.requestsAfterLimit > 0
        ? `It still failed for a piece of ${pieceParts.join(' and ')} after ${this.requestsAfterLimit} smaller requests.`
        : 'The query cannot be split into smaller pieces.';
    return new PrometheusError({
      message: `${error.message} ${howSplit}`,
      url: error.url,
      kind: 'limit',
      status: error.status,
      backendMessage: error.backendMessage,
      limit: error.limit,
      cause: error,
    });
  }
}

async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Runs a range query in chunks of at most 11,000 points per series and stitches the results by
 * label set. A piece that the backend rejects for a limit is split: by the `splitBy` label for
 * size limits, then in halves of time.
 *
 * @throws PrometheusError of kind `limit`, naming the limit and URL, when the smallest pieces still
 *   fail or the request budget is spent. Other failures pass through as the client threw them.
 */
export async function queryRangePlanned(
  client: PrometheusClient,
  query: PlannedRangeQuery,
  options: RangePlannerOptions = {},
): Promise<PromSeries[]> {
  const chunks = chunkRange(query.startSeconds, query.endSeconds, query.stepSeconds, options.maxPointsPerRequest ?? MAX_POINTS_PER_SERIES);
  const runner = new PieceRunner(
    client,
    options.maxRequestsAfterLimit ?? 64,
    query.splitBy,
    query.stepSeconds,
    query.stepSeconds,
    (expr, piece) => client.queryRange(expr, piece.startSeconds, piece.endSeconds, query.stepSeconds),
    query.expr,
  );
  const parts = await mapWithConcurrency(chunks, options.concurrency ?? 4, (chunk) => runner.run(chunk));
  return stitchSeries(parts);
}

/**
 * Runs an instant query, splitting it by the `splitBy` label's values when the backend rejects
 * it for its size. An instant query cannot be split in time: a range-selector limit such as the
 * one of Amazon Managed Service for Prometheus for 32 days or more is thrown to the caller.
 *
 * @throws PrometheusError as {@link queryRangePlanned}
 */
export async function queryInstantPlanned(
  client: PrometheusClient,
  query: PlannedInstantQuery,
  options: RangePlannerOptions = {},
): Promise<PromSeries[]> {
  const runner = new PieceRunner(
    client,
    options.maxRequestsAfterLimit ?? 64,
    query.splitBy,
    undefined,
    INSTANT_LABEL_WINDOW_SECONDS,
    (expr) => client.query(expr, query.timeSeconds),
    query.expr,
  );
  return runner.run({ startSeconds: query.timeSeconds, endSeconds: query.timeSeconds });
}
