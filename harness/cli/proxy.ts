import type { Command } from 'commander';
import { InfraError, UsageError } from '../errors.js';
import { startProxyServer, TOXICS } from '../proxy/index.js';

function parseInteger(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      throw new UsageError('E_PROXY_OPTION', `${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** The toxic list in --help comes from the registry, so it cannot drift from what the server accepts. */
function toxicHelp(): string {
  const width = Math.max(...TOXICS.map((toxic) => toxic.type.length));
  return TOXICS.map((toxic) => `  ${toxic.type.padEnd(width)}  ${toxic.summary}`).join('\n');
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('Serve the embedded Toxiproxy-compatible fault proxy (Toxiproxy v2 API, plus http_* toxics and GET /events unless --tcp-only)')
    .option('--host <host>', 'address of the API', '127.0.0.1')
    .option('--port <port>', 'port of the API (0 = any free port)', parseInteger('--port', 0, 65535), 8474)
    .option('--seed <n>', 'seed for every random choice (default: random, printed)', parseInteger('--seed', 0, 2 ** 31 - 1))
    .option('--tcp-only', 'behave as a real Toxiproxy 2.12.0: refuse http_* toxics as unknown types, no GET /events')
    .addHelpText('after', `\nToxic types (--tcp-only serves only the non-http_* ones):\n${toxicHelp()}\n\nStops on SIGINT/SIGTERM, closing every proxy (which removes every toxic).`)
    .action(async (options: { host: string; port: number; seed?: number; tcpOnly?: boolean }) => {
      let server;
      try {
        server = await startProxyServer(options);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new InfraError('E_PROXY_LISTEN', `cannot serve the proxy API on ${options.host}:${options.port}: ${code ?? String(error)}`, {
          hint: code === 'EADDRINUSE' ? 'another Toxiproxy may be running there; pick another --port (0 = any free port)' : undefined,
          cause: error,
        });
      }
      const mode = server.tcpOnly ? ', TCP toxics only' : '';
      process.stdout.write(`payharness proxy: Toxiproxy-compatible API on ${server.url} (seed ${server.seed}${mode})\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      await server.close();
      process.stdout.write(`payharness proxy: ${signal}: every proxy closed, every toxic removed\n`);
    });
}
