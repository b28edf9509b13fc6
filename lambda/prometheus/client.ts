/**
 * HTTP client for the query API of Prometheus and compatible backends (Thanos, Mimir,
 * VictoriaMetrics, Amazon Managed Service for Prometheus).
 *
 * Every query is a POST with an `application/x-www-form-urlencoded` body: long PromQL never hits
 * URL length limits, and a SigV4 signature covers exactly the body bytes sent, which avoids the
 * query-string encoding mismatches that break signed GET requests.
 */
import axios, { AxiosInstance } from 'axios';
import { UsageError } from '../config/units';
import { Authenticator, createAuthenticator, PrometheusAuth } from './auth';
import { errorFromNetwork, errorFromResponse, isRetryable, PrometheusError, withProxyNote } from './errors';
import { parseQueryResponse } from './fast-response';
import { proxyRouteFor } from './proxy';
import { parseQueryData, PromSeries } from './response';

export type { PromSeries } from './response';

/** Options of {@link createPrometheusClient}. */
export interface PrometheusClientOptions {
  /**
   * Base URL of the HTTP API, with any path prefix: `http://prometheus:9090`,
   * `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-x`. A trailing `/api/v1` is
   * ignored. User info in the URL (`https://user:pass@host`) becomes basic authentication.
   */
  readonly url: string;
  /** @default - none, or basic from the URL's user info */
  readonly auth?: PrometheusAuth;
  /** Timeout of one HTTP request, in milliseconds. @default 60000 */
  readonly timeoutMs?: number;
  /** Retries after a network error, a timeout or a 5xx that is not a limit. @default 3 */
  readonly maxRetries?: number;
  /** First retry delay in milliseconds, doubled on every further retry, with jitter. @default 500 */
  readonly retryBaseDelayMs?: number;
}

/** Counters of one client, for logs and benchmarks. */
export interface PrometheusClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests sent again after a retryable failure. */
  retries: number;
  /** Finite samples parsed from responses. */
  samplesRead: number;
  /** Samples that were NaN, +Inf or -Inf and were dropped. */
  nonFiniteSamplesDropped: number;
  /** Distinct warnings that the backend attached to successful responses. */
  warnings: string[];
}

/** Options of {@link PrometheusClient.labelValues}. */
export interface LabelValuesOptions {
  readonly startSeconds?: number;
  readonly endSeconds?: number;
  /** Series selectors that the values must come from, such as `container_memory_working_set_bytes{namespace!=""}`. */
  readonly match?: readonly string[];
}

/** Queries one backend. Failed requests throw {@link PrometheusError}; none returns an empty result instead. */
export interface PrometheusClient {
  /** Base URL without credentials, for messages. */
  readonly url: string;
  /** Evaluates `expr` at one instant (`/api/v1/query`). */
  query(expr: string, timeSeconds: number): Promise<PromSeries[]>;
  /** Evaluates `expr` at every step from start to end (`/api/v1/query_range`). */
  queryRange(expr: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<PromSeries[]>;
  /** Values of one label (`/api/v1/label/<name>/values`). */
  labelValues(label: string, options?: LabelValuesOptions): Promise<string[]>;
  readonly stats: PrometheusClientStats;
}

/** Maximum number of warnings kept in stats, because a backend may repeat one per chunk. */
const MAX_WARNINGS = 20;

interface ParsedBaseUrl {
  readonly baseUrl: string;
  readonly authFromUrl?: PrometheusAuth;
}

function parseBaseUrl(text: string): ParsedBaseUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Prometheus URL "${text}": expected an http:// or https:// URL such as http://prometheus.monitoring:9090`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Prometheus URL "${text}": expected an http:// or https:// URL, not ${url.protocol}`);
  }

  const authFromUrl: PrometheusAuth | undefined =
    url.username === '' ? undefined : { kind: 'basic', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const baseUrl = url.toString().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return { baseUrl, authFromUrl };
}

/** One call of the HTTP API. */
interface ApiRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, such as `/api/v1/query`. */
  readonly path: string;
  readonly params: readonly [string, string][];
  /** The PromQL expression, quoted in errors about it. */
  readonly query?: string;
  /** The response is a query result, which the fast parser can read without `JSON.parse`. */
  readonly expectsSeries?: boolean;
}

/** The parsed response of one call: series when the fast parser read them, else the `data` member. */
interface ApiResponse {
  readonly series?: PromSeries[];
  readonly data?: unknown;
  readonly warnings: unknown;
}

/**
 * Encodes query parameters per RFC 3986 (space as %20, `!'()*` escaped), the form a SigV4
 * canonical request uses, so that what is signed and what is sent decode to the same values.
 */
function encodeQueryString(params: readonly [string, string][]): string {
  const encode = (text: string): string =>
    encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return params.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

/** Returns the endpoint for messages: origin and path, without the query string. */
function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Creates a client for one backend.
 *
 * @throws UsageError when the URL is not an http(s) URL
 */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const { baseUrl, authFromUrl } = parseBaseUrl(options.url);
  const authenticate: Authenticator = createAuthenticator(options.auth ?? authFromUrl);
  const timeoutMs = options.timeoutMs ?? 60000;
  const maxRetries = options.maxRetries ?? 3;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
  const stats: PrometheusClientStats = { requests: 0, retries: 0, samplesRead: 0, nonFiniteSamplesDropped: 0, warnings: [] };
  const proxyRoute = proxyRouteFor(baseUrl);
  const http: AxiosInstance = axios.create({
    timeout: timeoutMs,
    // Every status comes back as a response, so that errors are classified in one place.
    validateStatus: () => true,
    // Bytes, so that query results are parsed without first building a string of the whole body.
    responseType: 'arraybuffer',
    // The body string is sent as is, because a SigV4 signature covers these exact bytes.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    maxContentLength: Infinity,
    maxBodyLength: Infinity,
    // axios's own proxy support cannot tunnel https; proxyRouteFor reads the same variables and
    // tunnels https with CONNECT.
    proxy: false,
    ...(proxyRoute === null ? {} : { httpAgent: proxyRoute.agent, httpsAgent: proxyRoute.agent }),
  });

  /**
   * Sends one request and returns the parsed success response. POST carries the
   * parameters as a form body; GET carries them in the query string, encoded once per RFC 3986.
   */
  async function sendOnce(request: ApiRequest): Promise<ApiResponse> {
    const url = new URL(`${baseUrl}${request.path}`);
    let body = '';
    if (request.method === 'POST') {
      body = new URLSearchParams(request.params as [string, string][]).toString();
    } else if (request.params.length > 0) {
      url.search = `?${encodeQueryString(request.params)}`;
    }
    const headers = await authenticate({
      method: request.method,
      url,
      headers: {
        ...(request.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        accept: 'application/json',
        'user-agent': 'oom-forecast',
      },
      body,
    });

    stats.requests += 1;
    let response;
    try {
      response = await http.request<Buffer>({ method: request.method, url: url.toString(), data: request.method === 'POST' ? body : undefined, headers });
    } catch (error) {
      throw errorFromNetwork(endpointOf(url), error, timeoutMs, proxyRoute?.proxyDisplayUrl);
    }

    const responseBody = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
    const succeeded = response.status >= 200 && response.status < 300;
    if (succeeded && request.expectsSeries) {
      const fast = parseQueryResponse(responseBody, stats);
      if (fast !== undefined) {
        return fast;
      }
    }

    // The general way, for errors and unusual responses. A UTF-8 byte order mark is dropped, as
    // axios drops it from text responses.
    const text = responseBody.toString('utf8').replace(/^\uFEFF/, '');
    let parsed: { status?: unknown; data?: unknown; warnings?: unknown } | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!succeeded || parsed?.status !== 'success') {
      const failure = errorFromResponse(endpointOf(url), response.status, parsed ?? text, request.query);
      throw proxyRoute === null ? failure : withProxyNote(failure, proxyRoute.proxyDisplayUrl);
    }
    return { data: parsed.data, warnings: parsed.warnings };
  }

  /** Sends a request, retrying failures that a later attempt may not repeat. */
  async function send(request: ApiRequest): Promise<ApiResponse> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await sendOnce(request);
        recordWarnings(response.warnings);
        return response;
      } catch (error) {
        if (!(error instanceof PrometheusError) || !isRetryable(error) || attempt >= maxRetries) {
          throw error;
        }
        // Exponential backoff with equal jitter: half the delay is fixed, half random, so that
        // several clients failing together do not retry in step.
        const delayMs = retryBaseDelayMs * 2 ** attempt;
        stats.retries += 1;
        await sleep(delayMs / 2 + Math.random() * (delayMs / 2));
      }
    }
  }

  function recordWarnings(warnings: unknown): void {
    if (!Array.isArray(warnings)) {
      return;
    }
    for (const warning of warnings) {
      const text = String(warning);
      if (!stats.warnings.includes(text) && stats.warnings.length < MAX_WARNINGS) {
        stats.warnings.push(text);
      }
    }
  }

  function parseSeries(response: ApiResponse, path: string): PromSeries[] {
    if (response.series !== undefined) {
      return response.series;
    }
    try {
      return parseQueryData(response.data, stats);
    } catch (error) {
      throw new PrometheusError({
        message: `Prometheus at ${baseUrl}${path} returned a result that is not a Prometheus query result: ${(error as Error).message}`,
        url: `${baseUrl}${path}`,
        kind: 'server',
        backendMessage: (error as Error).message,
      });
    }
  }

  return {
    url: baseUrl,
    stats,

    async query(expr, timeSeconds) {
      const path = '/api/v1/query';
      const params: [string, string][] = [
        ['query', expr],
        ['time', String(timeSeconds)],
      ];
      return parseSeries(await send({ method: 'POST', path, params, query: expr, expectsSeries: true }), path);
    },

    async queryRange(expr, startSeconds, endSeconds, stepSeconds) {
      const path = '/api/v1/query_range';
      const params: [string, string][] = [
        ['query', expr],
        ['start', String(startSeconds)],
        ['end', String(endSeconds)],
        ['step', String(stepSeconds)],
      ];
      return parseSeries(await send({ method: 'POST', path, params, query: expr, expectsSeries: true }), path);
    },

    async labelValues(label, labelOptions = {}) {
      const params: [string, string][] = [];
      if (labelOptions.startSeconds !== undefined) {
        params.push(['start', String(labelOptions.startSeconds)]);
      }
      if (labelOptions.endSeconds !== undefined) {
        params.push(['end', String(labelOptions.endSeconds)]);
      }
      for (const selector of labelOptions.match ?? []) {
        params.push(['match[]', selector]);
      }
      // Prometheus serves label values on GET only.
      const { data } = await send({ method: 'GET', path: `/api/v1/label/${encodeURIComponent(label)}/values`, params });
      return Array.isArray(data) ? data.map(String) : [];
    },
  };
}
