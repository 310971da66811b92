import type { Reporter } from './types.js';

/** `verdict.json`: machine-readable verdict with witnesses, for CI and the contracts gate. */
export const jsonReporter: Reporter = {
  name: 'json',
  file: 'verdict.json',
  render: ({ verdict }) => `${JSON.stringify(verdict, null, 2)}\n`,
};
