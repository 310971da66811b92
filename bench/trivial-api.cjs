// A trivial payment API for bench:soak, in its own process: answers every create, capture, refund
// and read at once with a fixed-shape payment, so the figures measure the harness, not the API.
// It honours idempotency keys (a repeat gets the stored answer), so the money checks pass, and
// lists payments by reference (GET /v1/payments?reference=…) for runs with final reads.
const http = require('node:http');
let next = 0;
const stored = new Map();
/** Reference → the bodies of the payments created with it; id → body (for runs with final reads only). */
const byReference = new Map();
const byId = new Map();
/** Kept only when asked (`--list`): a 10-minute run creates over a million payments. */
const listing = process.argv.includes('--list');
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/v1/payments?')) {
    const reference = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1)).get('reference') ?? '';
    const body = `{"object":"list","data":[${(byReference.get(reference) ?? []).join(',')}]}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    return res.end(body);
  }
  const read = req.method === 'GET' ? byId.get(req.url.split('/')[3] ?? '') : undefined;
  if (read) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(read) });
    return res.end(read);
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let amount = 1000;
    let reference = 'bench';
    try {
      const sent = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      amount = sent.amount ?? amount;
      reference = typeof sent.reference === 'string' ? sent.reference : reference;
    } catch {}
    const key = req.headers['idempotency-key'];
    if (key && stored.has(key)) {
      const saved = stored.get(key);
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(saved), 'idempotent-replayed': 'true' });
      return res.end(saved);
    }
    const id = req.method === 'POST' && req.url === '/v1/payments' ? `pay_${++next}` : (req.url.split('/')[3] ?? 'pay_0');
    const body = JSON.stringify({
      id, object: 'payment', status: 'succeeded', amount, amount_captured: amount, amount_refunded: 0, currency: 'EUR',
      reference, created_at: '2026-01-01T00:00:00.000Z', livemode: false, metadata: {},
    });
    if (key) stored.set(key, body);
    if (listing && req.method === 'POST' && req.url === '/v1/payments') {
      const listed = byReference.get(reference);
      if (listed) listed.push(body);
      else byReference.set(reference, [body]);
      byId.set(id, body);
    }
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
