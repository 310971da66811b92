/**
 * `host:port` of a base URL, as a Toxiproxy upstream wants it: the URL's own port, else the
 * scheme's default (443 for https, 80 for http). IPv6 hosts keep their brackets.
 */
export function upstreamOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}
