import { verifyProvider, type VerifyOptions } from '../contracts/verify.js';
import { HarnessError } from '../errors.js';

/**
 * Runs one Pact verification in a child process. The verifier (native code) writes its
 * interaction log straight to file descriptor 1, which no in-process hook can capture; run here,
 * its output is a pipe that `contracts verify` and the gate read, filter and print (see verify-in-worker.ts).
 */
process.once('message', (options: VerifyOptions) => {
  const reply = (message: unknown): void => void process.send?.(message, () => process.exit(0));
  verifyProvider(options).then(
    (result) => reply({ ok: true, result }),
    (error: unknown) => reply({
      ok: false,
      error: error instanceof HarnessError
        ? { code: error.code, message: error.message, exitCode: error.exitCode, hint: error.hint }
        : { message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
    }),
  );
});
