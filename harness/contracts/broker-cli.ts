import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { InfraError } from '../errors.js';
import { redactText } from '../redact.js';
import { brokerEnv, hideCredentials, type BrokerConfig } from './broker-config.js';

/** What one run of the official `pact broker …` CLI printed and how it exited (credentials masked). */
export interface BrokerCliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const require = createRequire(import.meta.url);

/** The Rust `pact` binary that @pact-foundation/pact-cli ships for this platform. */
function pactBinary(): string {
  try {
    const standalone = require('@pact-foundation/pact-cli/src/pact-standalone') as { standalone(): { pactFullPath: string } };
    return standalone.standalone().pactFullPath;
  } catch (error) {
    throw new InfraError('E_PACT_CLI_MISSING', 'the Pact CLI (@pact-foundation/pact-cli) is not installed for this platform', {
      hint: 'run `npm ci`; the package ships the pact-broker binaries',
      cause: error,
    });
  }
}

/** Broker HTTP retries (5xx, 408, 429, refused connections) before the CLI gives up. */
export const DEFAULT_RETRIES = 2;

const UNREACHABLE = /IO Error|Failed to access pact broker|error sending request|Connection refused|dns error|timed out/i;
const UNAUTHORISED = /\b(401|403)\b|Unauthori[sz]ed|Forbidden/i;

/**
 * Runs `pact broker <args>` with the broker URL and credentials in its environment (never on the
 * command line, never printed). A broker that cannot be reached or refuses the credentials is an
 * InfraError (exit 4); any other outcome is returned for the command to interpret.
 */
export function runBrokerCli(config: BrokerConfig, args: string[], timeoutMs = 60_000): Promise<BrokerCliResult> {
  const binary = pactBinary();
  return new Promise((resolve, reject) => {
    // The CLI retries a refused connection with exponential back-off for about a minute by default;
    // a gate should say "broker down" in seconds, so retry only a little (PACT_BROKER_HTTP_RETRIES overrides).
    const env = { ...brokerEnv(config), PACT_BROKER_HTTP_RETRIES: process.env.PACT_BROKER_HTTP_RETRIES ?? String(DEFAULT_RETRIES) };
    const child = spawn(binary, ['broker', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new InfraError('E_PACT_CLI', `could not run the Pact CLI: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const clean = (text: string) => redactText(hideCredentials(text, config)).replace(/\u001b\[[0-9;]*m/g, '');
      const result = { exitCode: code ?? 1, stdout: clean(stdout), stderr: clean(stderr) };
      const output = `${result.stdout}\n${result.stderr}`;
      if (signal === 'SIGKILL') {
        reject(new InfraError('E_BROKER_TIMEOUT', `the Pact Broker at ${config.url} did not answer within ${timeoutMs / 1000} s`, { hint: 'check the broker is up' }));
      } else if (result.exitCode !== 0 && UNAUTHORISED.test(output)) {
        reject(new InfraError('E_BROKER_AUTH', `the Pact Broker at ${config.url} refused our credentials`, { hint: 'check PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD' }));
      } else if (result.exitCode !== 0 && UNREACHABLE.test(output)) {
        reject(new InfraError('E_BROKER_UNREACHABLE', `the Pact Broker at ${config.url} is unreachable`, { hint: 'check --broker-url / PACT_BROKER_BASE_URL and that the broker is running' }));
      } else {
        resolve(result);
      }
    });
  });
}

/** The CLI's own error lines (❌ …), for messages. */
export function cliErrorLines(result: BrokerCliResult): string {
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.replace(/^\s*❌\s*/, '').trim()).filter(Boolean);
  return lines.slice(0, 5).join('; ');
}
