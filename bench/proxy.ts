/**
 * `npm run bench:proxy`: what the embedded proxy costs on the no-toxic path. A keep-alive HTTP
 * server and the proxy each run in their own process (as a real Toxiproxy would); this process
 * measures requests/s (autocannon) and per-request latency (one keep-alive connection, sequential)
 * directly and through the proxy. Prints figures; it is not a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Client } from 'undici';
import { startProxyServer } from '../harness/proxy/index.js';

const SELF = fileURLToPath(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Direct and proxied runs alternate this many times; medians smooth out a busy shared machine. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 2000);
const BODY = JSON.stringify({ id: 'pay_bench', status: 'succeeded', amount: 1000, currency: 'EUR' });

async function roleUpstream(): Promise<void> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) }).end(BODY));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
}

async function roleProxy(upstream: string): Promise<void> {
  const server = await startProxyServer({ seed: 1 });
  const created = await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream }) });
  const { listen } = (await created.json()) as { listen: string };
  process.stdout.write(`${listen.split(':').pop()}\n`);
}

/** The floor for any Node proxy: a bare socket pipe with no API, no toxics, no bookkeeping. */
async function rolePipe(upstream: string): Promise<void> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  const server = net.createServer({ noDelay: true }, (client) => {
    const target = net.connect({ host, port, noDelay: true });
    client.pipe(target).on('error', () => undefined);
    target.pipe(client).on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`));
}

function child(args: string[]): Promise<{ process: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.stdout!.once('data', (chunk: Buffer) => resolve({ process: proc, port: Number(chunk.toString().trim()) }));
  });
}

async function throughput(port: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/v1/payments/pay_bench`, connections: CONNECTIONS, duration: SECONDS });
  return result.requests.average;
}

async function latencies(port: number): Promise<number[]> {
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS + 300; i++) {
    const started = process.hrtime.bigint();
    const response = await client.request({ method: 'GET', path: '/v1/payments/pay_bench' });
    await response.body.text();
    if (i >= 300) samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  await client.close();
  return samples.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const upstream = await child(['--role', 'upstream']);
  const proxy = await child(['--role', 'proxy', '--upstream', `127.0.0.1:${upstream.port}`]);
  const pipe = await child(['--role', 'pipe', '--upstream', `127.0.0.1:${upstream.port}`]);
  try {
    process.stdout.write(
      `bench:proxy — ${ROUNDS} alternating rounds of: ${CONNECTIONS} keep-alive connections for ${SECONDS}s, then ${LATENCY_REQUESTS} sequential requests; no toxics; medians\n`,
    );
    const rps = { direct: [] as number[], proxied: [] as number[], pipe: [] as number[] };
    const lat = { direct: [] as number[][], proxied: [] as number[][], pipe: [] as number[][] };
    for (let round = 0; round < ROUNDS; round++) {
      rps.direct.push(await throughput(upstream.port));
      rps.proxied.push(await throughput(proxy.port));
      rps.pipe.push(await throughput(pipe.port));
      lat.direct.push(await latencies(upstream.port));
      lat.proxied.push(await latencies(proxy.port));
      lat.pipe.push(await latencies(pipe.port));
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const direct = median(rps.direct);
    const proxied = median(rps.proxied);
    const at = (runs: number[][], p: number): number => median(runs.map((run) => percentile(run, p)));
    const row = (label: string, requests: number, runs: number[][]): string =>
      `${label.padEnd(14)} ${requests.toFixed(0).padStart(8)} req/s   p50 ${at(runs, 50).toFixed(0).padStart(5)} µs   p99 ${at(runs, 99).toFixed(0).padStart(5)} µs`;
    process.stdout.write(
      `${row('direct', direct, lat.direct)}\n${row('through proxy', proxied, lat.proxied)}\n${row('bare Node pipe', median(rps.pipe), lat.pipe)}  (the floor for any Node proxy)\n`,
    );
    const addedP50 = at(lat.proxied, 50) - at(lat.direct, 50);
    const addedP99 = at(lat.proxied, 99) - at(lat.direct, 99);
    process.stdout.write(
      `throughput through proxy: ${((proxied / direct) * 100).toFixed(0)}% of direct (aim ≥ 70%)\n` +
        `added latency: p50 ${addedP50.toFixed(0)} µs (aim ≤ 100 µs), p99 ${addedP99.toFixed(0)} µs\n`,
    );
  } finally {
    for (const running of [upstream, proxy, pipe]) running.process.kill();
  }
}

const role = process.argv[process.argv.indexOf('--role') + 1];
if (process.argv.includes('--role') && role === 'upstream') await roleUpstream();
else if (process.argv.includes('--role') && role === 'proxy') await roleProxy(process.argv[process.argv.indexOf('--upstream') + 1]);
else if (process.argv.includes('--role') && role === 'pipe') await rolePipe(process.argv[process.argv.indexOf('--upstream') + 1]);
else await main();
