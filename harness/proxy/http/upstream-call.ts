import http from 'node:http';

/** A buffered upstream answer: payment APIs answer small JSON documents. */
export interface UpstreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1), framing we recompute, and Expect (bodies are buffered already). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'expect']);

export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const result: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) result[name] = value;
  }
  return result;
}

/** Sends one request upstream over the proxy's keep-alive agent and reads the whole answer. */
export function callUpstream(
  agent: http.Agent,
  upstream: { host: string; port: number },
  request: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer },
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const headers = endToEndHeaders(request.headers);
    if (request.body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method)) headers['content-length'] = request.body.length;
    const outgoing = http.request({ host: upstream.host, port: upstream.port, method: request.method, path: request.url, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
