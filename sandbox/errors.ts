/**
 * Errors the sandbox raises for its caller to act on. The sandbox is the system under test and never
 * imports the harness; the harness maps these onto its own error family (harness/sandbox-error.ts).
 */
export interface SandboxErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class SandboxError extends Error {
  constructor(
    /** Stable code, e.g. `E_SANDBOX_BUG`. */
    readonly code: string,
    message: string,
    /** `usage`: bad options, nothing started; `infra`: a database or port it could not use. */
    readonly kind: 'usage' | 'infra',
    options: SandboxErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }

  readonly hint?: string;
}

/** Bad sandbox options (an unknown bug, a malformed database URL…). */
export class SandboxUsageError extends SandboxError {
  constructor(code: string, message: string, options: SandboxErrorOptions = {}) {
    super(code, message, 'usage', options);
  }
}

/** A resource the sandbox could not use (its database, its port). */
export class SandboxInfraError extends SandboxError {
  constructor(code: string, message: string, options: SandboxErrorOptions = {}) {
    super(code, message, 'infra', options);
  }
}
