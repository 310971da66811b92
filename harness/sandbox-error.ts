import { SandboxError } from '../sandbox/errors.js';
import { InfraError, UsageError } from './errors.js';

/** The sandbox reports its own errors (it never imports the harness); here they join the harness's family. */
export function asHarnessError(error: unknown): unknown {
  if (!(error instanceof SandboxError)) return error;
  const options = { ...(error.hint ? { hint: error.hint } : {}), cause: error };
  return error.kind === 'usage' ? new UsageError(error.code, error.message, options) : new InfraError(error.code, error.message, options);
}
