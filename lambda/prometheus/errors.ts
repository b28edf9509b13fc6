/**
 * Errors from a Prometheus-compatible backend, classified so that callers can retry, split a
 * query or stop, and worded so that a person can fix the cause. The CLI exits with status 3 on
 * any of them.
 */

export type PrometheusErrorKind = 'unreachable' | 'timeout' | 'limit' | 'auth' | 'bad-query' | 'server';

/**
 * The query limit that the backend enforced:
 * - `resolution`: too many points per series (Prometheus 11,000; VictoriaMetrics
 *   `-search.maxPointsPerTimeseries`);
 * - `samples`: too many samples or chunks loaded (Prometheus `--query.max-samples`, Mimir chunk limits);
 * - `series`: too many series fetched (Mimir `max-fetched-series-per-query`, VictoriaMetrics `maxUniqueTimeseries`);
 * - `response-size`: the response body is too large (Amazon Managed Service for Prometheus caps it at 50 MiB);
 * - `query-length`: the time range is too long (Mimir `max-query-length`);
 * - `instant-range`: Amazon Managed Service for Prometheus accepts range selectors of 32 days or
 *   more in range queries only;
 * - `rate`: HTTP 429, too many requests.
 */
export type PrometheusLimit = 'resolution' | 'samples' | 'series' | 'response-size' | 'query-length' | 'instant-range' | 'rate';

/** A failed request to the metrics backend. */
export class PrometheusError extends Error {
  /** The endpoint that failed, without credentials. */
  readonly url: string;
  /** HTTP status, absent when no response arrived. */
  readonly status?: number;
  /** The backend's own error text, or the network error. */
  readonly backendMessage?: string;
  readonly kind: PrometheusErrorKind;
  /** The limit that was hit, when `kind` is `limit`. */
  readonly limit?: PrometheusLimit;

  constructor(fields: {
    message: string;
    url: string;
    kind: PrometheusErrorKind;
    status?: number;
    backendMessage?: string;
    limit?: PrometheusLimit;
    cause?: unknown;
  }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'PrometheusError';
    this.url = fields.url;
    this.kind = fields.kind;
    this.status = fields.status;
    this.backendMessage = fields.backendMessage;
    this.limit = fields.limit;
  }
}

/** Backend error texts of known limits, checked in order. */
const LIMIT_PATTERNS: readonly [RegExp, PrometheusLimit][] = [
  [/long day range|only supported for range type queries/i, 'instant-range'],
  [/exceeded maximum resolution|too many points|maxPointsPerTimeseries|maxPointsPerSeries/i, 'resolution'],
  [/response larger than the max|response (body )?(is )?too large|max-?response-?size/i, 'response-size'],
  [/err-mimir-max-query-length|err-mimir-max-total-query-length|query time range exceeds the limit|time range cannot exceed/i, 'query-length'],
  [/err-mimir-max-(fetched-)?series-per-query|maxUniqueTimeseries|exceeded series limit|too many series/i, 'series'],
  [/too many samples|maxSamplesPerQuery|err-mimir-max-|max number of chunks/i, 'samples'],
];

/** Finds which limit an error text describes, if any. */
export function classifyLimitMessage(message: string): PrometheusLimit | undefined {
  return LIMIT_PATTERNS.find(([pattern]) => pattern.test(message))?.[1];
}

const LIMIT_ADVICE: Record<PrometheusLimit, string> = {
  resolution:
    'The request asked for more points per series than the backend returns (Prometheus allows 11,000); use a coarser step or a shorter range per request.',
  samples:
    'The query would load more samples than the backend allows (Prometheus --query.max-samples, Mimir chunk limits); narrow the selector, shorten the lookback or raise the limit.',
  series:
    'The query selects more series than the backend allows per query; narrow the selector (for example by namespace) or raise the limit.',
  'response-size':
    'The response is larger than the backend sends (Amazon Managed Service for Prometheus caps it at 50 MiB); narrow the selector or shorten the lookback.',
  'query-length':
    "The time range is longer than the backend's maximum query length (Mimir max_query_length); shorten the lookback or raise the limit.",
  'instant-range':
    'Amazon Managed Service for Prometheus accepts range selectors of 32 days or more only in range queries; use query_range or a lookback below 32 days.',
  rate: 'The backend rejected the request rate (HTTP 429); run checks less often or raise the rate limit.',
};

/** Maximum length of backend text quoted in a message, because an HTML error page can be huge. */
const MAX_QUOTED_CHARS = 500;

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUOTED_CHARS ? `"${oneLine.slice(0, MAX_QUOTED_CHARS)}…"` : `"${oneLine}"`;
}

/** Pulls the error text out of a response body: Prometheus JSON `error`, else the raw text. */
export function backendMessageOf(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return backendMessageOf(JSON.parse(body));
    } catch {
      return body.trim();
    }
  }
  if (body !== null && typeof body === 'object') {
    const fields = body as { error?: unknown; message?: unknown; errorType?: unknown };
    if (typeof fields.error === 'string') {
      return fields.error;
    }
    if (typeof fields.message === 'string') {
      return fields.message;
    }
    return JSON.stringify(body);
  }
  return body === undefined || body === null ? '' : String(body);
}

function authAdvice(status: number): string {
  if (status === 401) {
    return 'The backend requires credentials: configure basic or bearer authentication, or SigV4 for Amazon Managed Service for Prometheus.';
  }
  return (
    'The backend rejected the credentials: check them and, with SigV4, that the signing region matches the workspace ' +
    '(aps-workspaces.<region>.amazonaws.com), the service is aps, and the identity may call aps:QueryMetrics.'
  );
}

function kindOfStatus(status: number, limit: PrometheusLimit | undefined, body: unknown): PrometheusErrorKind {
  if (limit !== undefined) {
    return 'limit';
  }
  if (status === 401 || status === 403) {
    return 'auth';
  }
  const errorType = typeof body === 'object' && body !== null ? (body as { errorType?: unknown }).errorType : undefined;
  if (errorType === 'timeout' || status === 504) {
    return 'timeout';
  }
  if (status === 400 || status === 422) {
    return 'bad-query';
  }
  return 'server';
}

function adviceFor(kind: PrometheusErrorKind, status: number, limit: PrometheusLimit | undefined): string {
  if (limit !== undefined) {
    return LIMIT_ADVICE[limit];
  }
  switch (kind) {
    case 'auth':
      return authAdvice(status);
    case 'timeout':
      return 'The query timed out in the backend; narrow the selector or shorten the lookback.';
    case 'bad-query':
      return 'The backend rejected the PromQL expression; check a custom usage or limit query.';
    default:
      if (status >= 200 && status < 300) {
        return 'The response is not from a Prometheus HTTP API; check that the URL does not point at a login page or another service.';
      }
      return status === 404
        ? 'Check that the URL is the base of a Prometheus HTTP API, including any path prefix such as /workspaces/<id> or /prometheus.'
        : 'The backend failed; it may be overloaded or restarting.';
  }
}

/**
 * Builds the error for an HTTP response that is not a success.
 *
 * @param url - the endpoint, without credentials
 * @param query - the PromQL expression, quoted in the message when the backend rejected it
 */
export function errorFromResponse(url: string, status: number, body: unknown, query?: string): PrometheusError {
  const backendMessage = backendMessageOf(body);
  let limit: PrometheusLimit | undefined = classifyLimitMessage(backendMessage);
  if (status === 413) {
    limit = 'response-size';
  } else if (status === 429) {
    limit = 'rate';
  }
  const kind = kindOfStatus(status, limit, body);
  const quotedQuery = kind === 'bad-query' && query !== undefined ? ` Query: ${quote(query)}.` : '';
  const message =
    `Prometheus request to ${url} failed with HTTP ${status}: ${quote(backendMessage || '(empty body)')}. ` +
    `${adviceFor(kind, status, limit)}${quotedQuery}`;
  return new PrometheusError({ message, url, kind, status, backendMessage, limit });
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Builds the error for a request that got no HTTP response: refused, unresolved, reset or timed out. */
export function errorFromNetwork(url: string, error: unknown, timeoutMs: number, proxyDisplayUrl?: string): PrometheusError {
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  const backendMessage = typeof code === 'string' && !detail.includes(code) ? `${code}: ${detail}` : detail;

  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new PrometheusError({
      message: `Prometheus request to ${url} timed out after ${timeoutMs} ms (${backendMessage}). The backend may be overloaded; narrow the selector or raise the timeout.`,
      url,
      kind: 'timeout',
      backendMessage,
      cause: error,
    });
  }
  return new PrometheusError({
    message:
      proxyDisplayUrl === undefined
        ? `Prometheus at ${url} could not be reached (${backendMessage}). Check the URL, the network path and that the server is running.`
        : `Prometheus at ${url} could not be reached through the proxy ${proxyDisplayUrl} (${backendMessage}). Check the URL, the proxy, and NO_PROXY for hosts to reach directly.`,
    url,
    kind: 'unreachable',
    backendMessage,
    cause: error,
  });
}

/**
 * Adds the proxy to an error from a response: a 407, or a 502 with an empty body when the proxy
 * could not open the tunnel, comes from the proxy rather than from Prometheus.
 */
export function withProxyNote(error: PrometheusError, proxyDisplayUrl: string): PrometheusError {
  return new PrometheusError({
    message: `${error.message} The request went through the proxy ${proxyDisplayUrl}, which may have sent this response itself. Check the proxy, and NO_PROXY for hosts to reach directly.`,
    url: error.url,
    kind: error.kind,
    status: error.status,
    backendMessage: error.backendMessage,
    limit: error.limit,
    cause: error.cause,
  });
}

/** Whether a failed request may succeed when sent again: network errors, timeouts and 5xx that are no limit. */
export function isRetryable(error: PrometheusError): boolean {
  if (error.kind === 'limit' || error.kind === 'auth' || error.kind === 'bad-query') {
    return false;
  }
  return error.status === undefined || error.status >= 500;
}
