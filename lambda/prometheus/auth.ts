/**
 * Authentication of requests to the metrics backend: none, HTTP basic, bearer token, or AWS
 * Signature Version 4 for Amazon Managed Service for Prometheus.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from '../config/units';
import { PrometheusError } from './errors';

export type PrometheusAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | {
      readonly kind: 'sigv4';
      /** Region of the workspace, such as `eu-west-1`. */
      readonly region: string;
      /** Signing name of the service. @default aps */
      readonly service?: string;
      /** Credential provider. @default - the AWS SDK's default chain (environment, profile, web identity, container, instance) */
      readonly credentials?: AwsCredentialIdentityProvider;
    };

/** The parts of an outgoing request that authentication may read. */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes that will be sent, as a string. */
  readonly body: string;
}

/** Returns the headers to send, including the ones authentication adds. */
export type Authenticator = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** Region in an Amazon Managed Service for Prometheus host name, such as `aps-workspaces.eu-west-1.amazonaws.com`. */
const AMP_HOST = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

function checkSigV4Region(url: URL, region: string): void {
  const match = AMP_HOST.exec(url.hostname);
  if (match && match[1] !== region) {
    throw new UsageError(
      `SigV4 region "${region}" does not match the workspace URL ${url.origin}, which is in ${match[1]}: set the region to ${match[1]}`,
    );
  }
}

async function loadDefaultCredentials(): Promise<AwsCredentialIdentityProvider> {
  // Loaded on first use: the credential chain pulls in much of the SDK, which other modes never need.
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

function createSigV4Authenticator(auth: Extract<PrometheusAuth, { kind: 'sigv4' }>): Authenticator {
  let signer: SignatureV4 | undefined;

  return async (request) => {
    checkSigV4Region(request.url, auth.region);
    signer ??= new SignatureV4({
      credentials: auth.credentials ?? (await loadDefaultCredentials()),
      region: auth.region,
      service: auth.service ?? 'aps',
      sha256: Sha256,
    });

    // The signature covers the host header and the body string; the client sends both unchanged.
    const query: Record<string, string> = {};
    request.url.searchParams.forEach((value, name) => {
      query[name] = value;
    });
    try {
      const signed = await signer.sign({
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        port: request.url.port === '' ? undefined : Number(request.url.port),
        path: request.url.pathname,
        query,
        headers: { ...request.headers, host: request.url.host },
        body: request.body,
      });
      return signed.headers;
    } catch (error) {
      throw signingError(request.url, error);
    }
  };
}

/**
 * Turns a failure to sign into an authentication error that names the fix. It is almost always
 * the credential chain finding nothing: no environment variables, profile or role.
 */
function signingError(url: URL, error: unknown): PrometheusError {
  const detail = error instanceof Error ? error.message : String(error);
  const endpoint = `${url.origin}${url.pathname}`;
  return new PrometheusError({
    message: `SigV4 signing of the request to ${endpoint} failed: ${detail}. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides credentials.`,
    url: endpoint,
    kind: 'auth',
    backendMessage: detail,
    cause: error,
  });
}

/** Creates the function that adds authentication headers to each request. */
export function createAuthenticator(auth: PrometheusAuth = { kind: 'none' }): Authenticator {
  switch (auth.kind) {
    case 'none':
      return async (request) => ({ ...request.headers });
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      return async (request) => ({ ...request.headers, authorization: `Basic ${encoded}` });
    }
    case 'bearer':
      return async (request) => ({ ...request.headers, authorization: `Bearer ${auth.token}` });
    case 'sigv4':
      return createSigV4Authenticator(auth);
  }
}
