/** Exit codes of DESIGN.md; the only numbers `cli/main.ts` ever exits with. */
export const ExitCode = {
  pass: 0,
  failed: 1,
  inconclusive: 2,
  badInput: 3,
  infrastructure: 4,
  /** payharness itself crashed (a bug, never a verdict); 70 is EX_SOFTWARE of sysexits.h. */
  crashed: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface HarnessErrorOptions {
  /** What the user can do about it; printed under the message. */
  hint?: string;
  /** Where in a user's file the problem is, e.g. `scenarios/chaos/x.yaml:4:7`. */
  location?: string;
  cause?: unknown;
}

/**
 * Every error a user can act on. `code` is stable (documented, greppable), `exitCode` is one of
 * DESIGN.md's, `hint` says what to do. Anything thrown that is not a HarnessError is a bug and is
 * printed with its stack.
 */
export class HarnessError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly location?: string;

  constructor(code: string, message: string, exitCode: ExitCode, options: HarnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** Bad arguments, config, scenario or pact file: exit 3, nothing has started. */
export class UsageError extends HarnessError {
  constructor(code: string, message: string, options: HarnessErrorOptions = {}) {
    super(code, message, ExitCode.badInput, options);
  }
}

/** Several located problems in one file, reported at once (k6-style). */
export class ConfigError extends UsageError {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[], options: HarnessErrorOptions = {}) {
    super('E_CONFIG', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}

/** Target, proxy, broker or tool unreachable or broken: exit 4. */
export class InfraError extends HarnessError {
  constructor(code: string, message: string, options: HarnessErrorOptions = {}) {
    super(code, message, ExitCode.infrastructure, options);
  }
}

/** SIGINT/SIGTERM: faults were healed and the partial history kept; exit 130. */
export class InterruptedError extends HarnessError {
  constructor(message = 'interrupted; faults healed, partial history kept', options: HarnessErrorOptions = {}) {
    super('E_INTERRUPTED', message, ExitCode.interrupted, options);
  }
}
