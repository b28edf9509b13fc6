/** Types of the proxy-from-env package, which ships none. */
declare module 'proxy-from-env' {
  /** Returns the proxy URL that the environment names for `url`, or '' for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}
