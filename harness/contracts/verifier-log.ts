const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Colours only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function colourAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * What of the Pact verifier's log `contracts verify` and the gate show: everything with --verbose; otherwise, only when
 * the verification failed, its "Failures:" section (the verifier's own account of each mismatch).
 * Empty on success. ANSI colours are removed unless `colour`.
 */
export function verifierDetail(log: string, options: { failed: boolean; verbose: boolean; colour: boolean }): string {
  const text = options.colour ? log : stripAnsi(log);
  if (options.verbose) return text.trimEnd();
  if (!options.failed) return '';
  const plain = stripAnsi(text);
  const at = plain.search(/^Failures:\s*$/m);
  if (at < 0) return '';
  // Cut at the same line in the (maybe coloured) text: count lines, not characters.
  const line = plain.slice(0, at).split('\n').length - 1;
  return text.split('\n').slice(line).join('\n').trimEnd();
}
