import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VerifyOptions, VerifyResult } from './verify.js';
import { HarnessError, InterruptedError, type ExitCode } from '../errors.js';

export interface WorkerVerification {
  result: VerifyResult;
  /** Everything the verifier printed (its interaction log), as printed. */
  log: string;
}

type WorkerReply =
  | { ok: true; result: VerifyResult }
  | { ok: false; error: { code?: string; message: string; exitCode?: ExitCode; hint?: string } };

/** The worker beside this file: .ts when running from source (through tsx), .js when built. */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const file = here.replace(/verify-in-worker\.(ts|js)$/, 'verify-worker.$1');
  const fromSource = file.endsWith('.ts');
  const hasTsx = process.execArgv.some((a) => a.includes('tsx'));
  return { file, execArgv: fromSource && !hasTsx ? [...process.execArgv, '--import', 'tsx'] : process.execArgv };
}

/**
 * `verifyProvider` in a child process whose stdout and stderr are pipes: the verifier's own log is
 * captured instead of printed, so the caller (gate or `contracts verify`) decides what to show (failures only, or everything with
 * --verbose) and whether colours survive. Aborting the signal stops the verification.
 */
export function verifyInWorker(options: VerifyOptions, signal?: AbortSignal): Promise<WorkerVerification> {
  const { file, execArgv } = workerEntry();
  return new Promise((resolve, reject) => {
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let log = '';
    let reply: WorkerReply | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('message', (message: WorkerReply) => (reply = message));
    const onAbort = (): void => void child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(new InterruptedError('interrupted while verifying the contracts'));
      if (!reply) return reject(new Error(`the contract verification worker ended (exit ${code}) without a result:\n${log.slice(-2000)}`));
      if (reply.ok) return resolve({ result: reply.result, log });
      const e = reply.error;
      if (e.code && e.exitCode !== undefined) return reject(new HarnessError(e.code, e.message, e.exitCode, { hint: e.hint }));
      reject(new Error(e.message));
    });
    child.send(options);
  });
}
