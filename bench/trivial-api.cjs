// A trivial payment API for bench:soak, in its own process: answers every create, capture, refund
// and read at once with a fixed-shape payment, so the figures measure the harness, not the API.
// It honours idempotency keys (a repeat gets the stored answer), so the money checks pass.
const http = require('node:http');
let next = 0;
const stored = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let amount = 1000;
    try { amount = JSON.parse(Buffer.concat(chunks).toString() || '{}').amount ?? amount; } catch {}
    const key = req.headers['idempotency-key'];
    if (key && stored.has(key)) {
      const saved = stored.get(key);
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(saved), 'idempotent-replayed': 'true' });
      return res.end(saved);
    }
    const id = req.method === 'POST' && req.url === '/v1/payments' ? `pay_${++next}` : (req.url.split('/')[3] ?? 'pay_0');
    const body = JSON.stringify({
      id, object: 'payment', status: 'succeeded', amount, amount_captured: amount, amount_refunded: 0, currency: 'EUR',
      reference: 'bench', created_at: '2026-01-01T00:00:00.000Z', livemode: false, metadata: {},
    });
    if (key) stored.set(key, body);
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
