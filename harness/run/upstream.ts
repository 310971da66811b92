/**
 * `host:port` of a base URL, as a Toxiproxy upstream wants it: the URL's own port, else the
 * scheme's default (443 for https, 80 for http). IPv6 hosts keep their brackets.
 */
export function upstreamOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/** The base URL's path without a trailing slash (`http://h/api/v2/` → `/api/v2`; `http://h` → ``). */
export function basePathOf(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '');
}

/**
 * The API's base URL: the target's own path (`--target http://h/api/v2`) followed by the profile's
 * `basePath`, so every request path of the profile is resolved under both.
 */
export function withBasePath(target: string, basePath: string | undefined): string {
  const url = new URL(target);
  const joined = `${url.pathname.replace(/\/+$/, '')}${(basePath ?? '').replace(/\/+$/, '')}`;
  url.pathname = joined === '' ? '/' : joined;
  url.search = '';
  url.hash = '';
  return joined === '' ? url.origin : url.href;
}

/**
 * The URL to send to when a proxy stands in front of `upstreamUrl`: the proxy's origin replaces the
 * upstream's, the upstream's path (the API's base path) stays.
 */
export function throughProxy(proxyUrl: string, upstreamUrl: string): string {
  const path = basePathOf(upstreamUrl);
  return path === '' ? new URL(proxyUrl).origin : `${new URL(proxyUrl).origin}${path}`;
}
