import { NotYetAvailableError } from '../errors.js';
import type { Print } from './broker-actions.js';

export async function contractChaosAction(flags: Record<string, unknown>, print: Print): Promise<number> {
  void flags;
  void print;
  throw new NotYetAvailableError('contracts chaos');
}
