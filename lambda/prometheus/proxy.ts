/**
 * The proxy of a Prometheus URL, from the standard environment variables: `HTTPS_PROXY` for
 * https URLs, `HTTP_PROXY` for http URLs, `ALL_PROXY` for both, `NO_PROXY` for hosts reached
 * directly (the lower-case name wins over the upper-case one). https goes through a CONNECT tunnel,
 * so the proxy gets neither the query nor the credentials.
 */
import type { Agent } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { UsageError } from '../config/units';

/** The agents that send a client's requests through its proxy, and the proxy's URL without credentials. */
export interface ProxyRoute {
  readonly agent: Agent;
  /** For messages: scheme, host and port, never a user name or password. */
  readonly proxyDisplayUrl: string;
}

/** Host names that are always reached directly, so that no proxy receives what is meant for this machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);
/** The IPv4 loopback network 127.0.0.0/8, as an address rather than a host name such as 127.example.com. */
const IPV4_LOOPBACK = /^127(\.\d{1,3}){3}$/;

/**
 * Returns the route to a Prometheus base URL through the proxy that the environment names, or
 * null for a direct connection. Loopback hosts are always reached directly, whatever the
 * variables hold: a local Prometheus, the demo's and the tests'.
 *
 * @throws UsageError when the proxy variable is not an http(s) URL
 */
export function proxyRouteFor(baseUrl: string): ProxyRoute | null {
  const target = new URL(baseUrl);
  if (LOOPBACK_HOSTS.has(target.hostname) || IPV4_LOOPBACK.test(target.hostname)) {
    return null;
  }
  const proxyText = getProxyForUrl(baseUrl);
  if (proxyText === '') {
    return null;
  }
  let proxyUrl: URL;
  try {
    proxyUrl = new URL(proxyText.includes('://') ? proxyText : `http://${proxyText}`);
  } catch {
    throw new UsageError(`${variableFor(target)} = "${proxyText}": expected a proxy URL such as http://proxy.example.com:3128, or unset it`);
  }
  if (proxyUrl.protocol !== 'http:' && proxyUrl.protocol !== 'https:') {
    throw new UsageError(`${variableFor(target)} = "${proxyUrl.protocol}//${proxyUrl.host}": expected an http or https proxy; socks proxies are not supported`);
  }
  const agent = target.protocol === 'https:' ? new HttpsProxyAgent(proxyUrl, { keepAlive: true }) : new HttpProxyAgent(proxyUrl, { keepAlive: true });
  return { agent, proxyDisplayUrl: `${proxyUrl.protocol}//${proxyUrl.host}` };
}

/** Returns the variable that a target's proxy most likely came from, to name it in an error. */
function variableFor(target: URL): string {
  return target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
}
