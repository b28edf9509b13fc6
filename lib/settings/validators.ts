/**
 * Checks of the deployment settings that are not durations, byte sizes or day counts (those
 * parsers live in lambda/config/units.ts). Each check takes the `name` to quote in its error,
 * such as `context "notifyEmails" =`, and throws UsageError naming the value and what is
 * accepted.
 */
import { UsageError } from '../../lambda/config/units';

/** Authentication mode of the checker towards the Prometheus HTTP API. */
export type PrometheusAuth = 'none' | 'basic' | 'bearer' | 'sigv4';

export const PROMETHEUS_AUTH_MODES: readonly PrometheusAuth[] = ['none', 'basic', 'bearer', 'sigv4'];

// Deliberately loose: SNS sends a confirmation message, so a typo shows up there. This only
// rejects values that cannot be an address at all (no @, spaces, a missing domain dot).
const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;.]+$/;

// E.164: a plus sign, a country code that does not start with 0, at most 15 digits in all.
const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

const SECRET_ARN_PATTERN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Splits a comma-separated list, accepting a JSON array from cdk.json as well. */
export function splitList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * Checks a Prometheus base URL: http or https, and no user name or password inside it.
 *
 * @returns the URL without surrounding blanks
 */
export function checkPrometheusUrl(text: string, name: string): string {
  const url = parseHttpUrl(text, name, 'an http or https URL such as https://prometheus.example.com', 'an http or https URL');
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      `${name} "${url.protocol}//***@${url.host}${url.pathname}": the URL contains credentials, which would be stored in plain text; ` +
        'put them in a Secrets Manager secret and set prometheusAuth to basic and prometheusSecretArn to the secret',
    );
  }
  return text.trim();
}

/**
 * Checks the URL of an http(s) proxy: http or https, a host, and no user name or password, which
 * the function's environment would show in plain text.
 *
 * @returns the URL without surrounding blanks
 */
export function checkProxyUrl(text: string, name: string): string {
  const url = parseHttpUrl(text, name, 'an http or https proxy URL such as http://proxy.internal:3128', 'an http or https proxy URL');
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${name} "${url.protocol}//***@${url.host}": the proxy URL contains credentials, which the function's environment would show in plain text`);
  }
  return text.trim();
}

/**
 * Parses an http or https URL.
 *
 * @param example - what is expected, with an example, for a value that is no URL
 * @param kind - what is expected, for a URL of another scheme
 * @throws UsageError naming the setting, the value and what is expected
 */
function parseHttpUrl(text: string, name: string, example: string, kind: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${name} "${text}": expected ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${name} "${text}": expected ${kind}, not ${url.protocol}`);
  }
  return url;
}

/** Checks a comma-separated list of e-mail addresses. */
export function parseEmailList(value: string | readonly string[], name: string): string[] {
  const addresses = splitList(value);
  for (const address of addresses) {
    if (!EMAIL_PATTERN.test(address)) {
      throw new UsageError(`${name} "${address}": expected e-mail addresses separated by commas, such as ops@example.com,sre@example.com`);
    }
  }
  return addresses;
}

/** Checks a comma-separated list of E.164 phone numbers. */
export function parsePhoneList(value: string | readonly string[], name: string): string[] {
  const numbers = splitList(value);
  for (const number of numbers) {
    if (!E164_PATTERN.test(number)) {
      throw new UsageError(
        `${name} "${number}": expected E.164 phone numbers separated by commas: a plus sign, the country code and the number, such as +447700900123`,
      );
    }
  }
  return numbers;
}

/** Checks the Prometheus authentication mode. */
export function parsePrometheusAuth(text: string, name: string): PrometheusAuth {
  const mode = text.trim().toLowerCase();
  if (!(PROMETHEUS_AUTH_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`${name} "${text}": expected one of ${PROMETHEUS_AUTH_MODES.join(', ')}`);
  }
  return mode as PrometheusAuth;
}

/** Checks the ARN of an existing Secrets Manager secret. */
export function checkSecretArn(text: string, name: string): string {
  const arn = text.trim();
  if (!SECRET_ARN_PATTERN.test(arn)) {
    throw new UsageError(
      `${name} "${text}": expected the ARN of a Secrets Manager secret, such as arn:aws:secretsmanager:eu-west-1:123456789012:secret:prometheus-AbCdEf`,
    );
  }
  return arn;
}

/** Checks an AWS Region code such as `eu-west-1`. */
export function checkRegion(text: string, name: string): string {
  const region = text.trim();
  if (!REGION_PATTERN.test(region)) {
    throw new UsageError(`${name} "${text}": expected an AWS Region code such as eu-west-1 or us-east-1`);
  }
  return region;
}

/**
 * Checks an IANA time zone name such as `Europe/London` against the zone database of the
 * Node.js that runs the synth.
 */
export function checkTimeZone(text: string, name: string): string {
  const zone = text.trim();
  let resolvedZone: string;
  try {
    resolvedZone = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`${name} "${text}": expected an IANA time zone name such as Europe/London or America/New_York`);
  }

  // Intl ignores case, but EventBridge Scheduler expects the spelling of the zone database.
  if (resolvedZone !== zone && resolvedZone.toLowerCase() === zone.toLowerCase()) {
    throw new UsageError(`${name} "${text}": write the time zone as ${resolvedZone}`);
  }
  // Abbreviations are legacy links that mislead: Node reads "BST" as Asia/Dhaka, not London.
  if (!zone.includes('/') && zone !== 'UTC') {
    throw new UsageError(
      `${name} "${text}": expected a Region/City zone name such as Europe/London or America/New_York, or UTC; ` +
        `abbreviations are ambiguous (this one is read as ${resolvedZone})`,
    );
  }
  return zone;
}

/**
 * Checks a list of EC2 resource ids that share a prefix, such as subnet ids.
 *
 * @param prefix - the id prefix without the dash: `vpc`, `subnet` or `sg`
 */
export function parseResourceIds(value: string | readonly string[], name: string, prefix: string): string[] {
  const ids = splitList(value);
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`);
  for (const id of ids) {
    if (!pattern.test(id)) {
      throw new UsageError(`${name} "${id}": expected ids such as ${prefix}-0123456789abcdef0, separated by commas`);
    }
  }
  return ids;
}
