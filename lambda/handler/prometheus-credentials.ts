import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PrometheusAuth } from '../prometheus/auth';
import type { PrometheusAuthSetting } from './config';

/**
 * How long a fetched secret is reused by warm invocations. Short enough that a rotated password
 * reaches the function within the hour, long enough that an hourly check reads the secret about
 * once per cold start.
 */
const SECRET_CACHE_SECONDS = 15 * 60;

/** Secret values by ARN, kept across the warm invocations of one Lambda instance. */
export class SecretCache {
  private readonly entries = new Map<string, { readonly text: string; readonly fetchedAtSeconds: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  /** Returns the secret's string, from the cache while it is younger than 15 minutes. */
  async secretString(secretArn: string): Promise<string> {
    const cached = this.entries.get(secretArn);
    if (cached && this.nowSeconds() - cached.fetchedAtSeconds < SECRET_CACHE_SECONDS) {
      return cached.text;
    }
    const response = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (response.SecretString === undefined) {
      throw new Error(`secret ${secretArn} has no SecretString: store the Prometheus credentials as JSON text`);
    }
    this.entries.set(secretArn, { text: response.SecretString, fetchedAtSeconds: this.nowSeconds() });
    return response.SecretString;
  }
}

/**
 * Turns the configured authentication into the Prometheus client's, reading credentials from
 * Secrets Manager where the setting names a secret.
 *
 * @throws Error naming the secret (never its content) when it is not the expected JSON
 */
export async function resolvePrometheusAuth(setting: PrometheusAuthSetting, secrets: SecretCache): Promise<PrometheusAuth> {
  switch (setting.kind) {
    case 'none':
      return { kind: 'none' };
    case 'sigv4':
      return { kind: 'sigv4', region: setting.region };
    default: {
      const fields = parseSecret(await secrets.secretString(setting.secretArn), setting.secretArn);
      let kind = setting.kind;
      if (kind === 'from-secret') {
        kind = fields.token !== undefined ? 'bearer' : 'basic';
      }
      if (kind === 'bearer') {
        if (fields.token === undefined) {
          throw new Error(`secret ${setting.secretArn}: expected a JSON object with a "token" string for bearer authentication`);
        }
        return { kind: 'bearer', token: fields.token };
      }
      if (fields.username === undefined || fields.password === undefined) {
        throw new Error(`secret ${setting.secretArn}: expected a JSON object with "username" and "password" strings for basic authentication`);
      }
      return { kind: 'basic', username: fields.username, password: fields.password };
    }
  }
}

function parseSecret(text: string, secretArn: string): { username?: string; password?: string; token?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the secret, so it is left out.
    throw new Error(`secret ${secretArn} is not valid JSON: expected {"username": ..., "password": ...} or {"token": ...}`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new Error(`secret ${secretArn}: expected a JSON object such as {"username": ..., "password": ...} or {"token": ...}`);
  }
  const record = parsed as Record<string, unknown>;
  const stringField = (name: string): string | undefined => (typeof record[name] === 'string' ? (record[name] as string) : undefined);
  return { username: stringField('username'), password: stringField('password'), token: stringField('token') };
}
