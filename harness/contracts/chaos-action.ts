import { loadProfile } from '../config/profile.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { renderConsole } from '../report/index.js';
import { InterruptedError } from '../errors.js';
import { nothingJudged } from '../run/verdict.js';
import { assertTargetAllowed } from '../safety.js';
import type { Print } from './broker-actions.js';
import { runContractChaos } from './chaos/run-contract-chaos.js';
import { loadPactFile } from './pact-file.js';
import { assertReachable } from '../reachable.js';

export interface ContractChaosFlags {
  pact: string[];
  providerBaseUrl: string;
  profile?: string;
  out?: string;
  seed?: number;
  concurrency?: number;
  toxiproxy?: string;
  allowTarget?: string[];
}

/** `payharness contracts chaos`: prints the verdict like `chaos run` and returns its exit code. */
export async function contractChaosAction(flags: ContractChaosFlags, print: Print): Promise<number> {
  assertTargetAllowed(flags.providerBaseUrl, flags.allowTarget ?? []);
  const pacts = flags.pact.map(loadPactFile);
  const profile = flags.profile ? loadProfile(flags.profile) : SANDBOX_PROFILE;
  await assertReachable(flags.providerBaseUrl);
  const result = await runContractChaos({
    pacts, providerBaseUrl: flags.providerBaseUrl, profile, outDir: flags.out, seed: flags.seed, concurrency: flags.concurrency, toxiproxyUrl: flags.toxiproxy, handleSignals: true,
  });
  for (const line of result.skipped) print(`skipped (not effectful): ${line}`);
  print(renderConsole(result.verdict, result.runDir).trimEnd());
  const empty = nothingJudged(result.verdict);
  if (empty) print(empty);
  if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, proxies deleted, partial history kept in ${result.runDir}`);
  return result.exitCode;
}
