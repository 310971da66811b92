import type { EngineRunContext, EngineRunOutcome } from './builtin-runner.js';
export async function runK6(ctx: EngineRunContext & { outDir: string; k6Bin?: string }): Promise<EngineRunOutcome> {
  void ctx;
  throw new Error('not yet');
}
