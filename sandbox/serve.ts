/**
 * A small entry that serves the sandbox as its own process, for runs that start, crash and restart
 * the provider (`payharness chaos run --target-command`, `payharness demo --inside`). It loads only the
 * sandbox, so a restart is quick; `payharness sandbox` is the full command with every option.
 *
 *   node sandbox/serve.js --port 4010 --database postgres://… [--bug NAME]… [--time-scale 0.05] [--seed N]
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4010' },
    database: { type: 'string' },
    bug: { type: 'string', multiple: true, default: [] },
    'time-scale': { type: 'string', default: '1' },
    seed: { type: 'string' },
  },
});

try {
  const sandbox = await startSandbox({
    host: values.host, port: Number(values.port), bugs: values.bug, timeScale: Number(values['time-scale']), quiet: false,
    ...(values.database ? { database: values.database } : {}), ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  });
  process.stdout.write(`sandbox listening on ${sandbox.url}\n`);
  const stop = (): void => {
    void sandbox.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
