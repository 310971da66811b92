import { loadProfile } from '../config/profile.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { ExitCode, UsageError } from '../errors.js';
import { assertTargetAllowed } from '../safety.js';
import type { Print } from './broker-actions.js';
import { resolveBranch, resolveBroker, resolveVersion, type BrokerFlags } from './broker-config.js';
import { loadPactDir, loadPactFile, type PactFile } from './pact-file.js';
import { assertReachable } from '../reachable.js';
import { withBasePath } from '../run/upstream.js';
import { type PactSource, type VerifyResult } from './verify.js';
import { verifyInWorker } from './verify-in-worker.js';
import { colourAllowed, verifierDetail } from './verifier-log.js';

export interface VerifyFlags extends BrokerFlags {
  providerBaseUrl: string;
  pactDir?: string;
  pact?: string[];
  provider?: string;
  profile?: string;
  consumerVersionSelectors?: string;
  providerVersion?: string;
  providerBranch?: string;
  publish?: boolean;
  enablePending?: boolean;
  includeWipSince?: string;
  allowTarget?: string[];
  /** Print the Pact verifier's whole log; by default only a failed verification shows it. */
  verbose?: boolean;
}

type Selectors = Extract<PactSource, { kind: 'broker' }>['consumerVersionSelectors'];

function parseSelectors(json: string | undefined): Selectors {
  if (json === undefined) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null)) throw new Error('expected an array of objects');
    return value as Selectors;
  } catch (error) {
    throw new UsageError('E_SELECTORS', `--consumer-version-selectors is not a JSON array of selectors: ${(error as Error).message}`, {
      hint: `e.g. '[{"mainBranch":true},{"deployedOrReleased":true}]'`,
    });
  }
}

function fileSource(flags: VerifyFlags): { source: PactSource; pacts: PactFile[] } {
  const pacts = flags.pact?.length ? flags.pact.map(loadPactFile) : loadPactDir(flags.pactDir ?? 'contracts/pacts');
  return { source: { kind: 'files', files: pacts.map((p) => p.file) }, pacts };
}

/** Prints one line per interaction (failures with their reasons) and a summary; returns the exit code. */
export function reportVerification(result: VerifyResult, print: Print): number {
  for (const i of result.interactions) {
    const mark = i.result === 'passed' ? 'ok  ' : i.result === 'pending' ? 'pending' : 'FAIL';
    print(`${mark} ${i.consumer ? `${i.consumer}: ` : ''}${i.description}`);
    for (const reason of i.result === 'passed' ? [] : i.reasons) print(`       ${reason}`);
  }
  const failed = result.interactions.filter((i) => i.result === 'failed');
  if (failed.length > 0 || !result.passed) {
    print(`contract verification FAILED: ${failed.length} of ${result.interactions.length} interactions failed (${failed.map((i) => `"${i.description}"`).join(', ')})`);
    return ExitCode.failed;
  }
  print(`contract verification passed: ${result.interactions.length} interactions`);
  return ExitCode.pass;
}

/** `payharness contracts verify`. */
export async function verifyAction(flags: VerifyFlags, print: Print, signal?: AbortSignal): Promise<number> {
  assertTargetAllowed(flags.providerBaseUrl, flags.allowTarget ?? []);
  const profile = flags.profile ? loadProfile(flags.profile) : SANDBOX_PROFILE;
  const fromBroker = flags.brokerUrl !== undefined || flags.consumerVersionSelectors !== undefined;
  if (fromBroker && (flags.pactDir || flags.pact?.length)) {
    throw new UsageError('E_ARGS', 'give either --pact-dir/--pact or a broker (--broker-url, --consumer-version-selectors), not both');
  }
  if (!fromBroker && (flags.publish || flags.enablePending || flags.includeWipSince)) {
    throw new UsageError('E_ARGS', '--publish, --enable-pending and --include-wip-since need pacts from a broker', { hint: 'add --broker-url URL (or set PACT_BROKER_BASE_URL and pass --consumer-version-selectors)' });
  }
  let source: PactSource;
  let provider = flags.provider;
  if (fromBroker) {
    source = {
      kind: 'broker',
      broker: resolveBroker(flags),
      consumerVersionSelectors: parseSelectors(flags.consumerVersionSelectors),
      enablePending: flags.enablePending,
      includeWipPactsSince: flags.includeWipSince,
    };
    provider ??= 'payharness-sandbox';
  } else {
    const files = fileSource(flags);
    source = files.source;
    const providers = [...new Set(files.pacts.map((p) => p.provider))];
    if (provider === undefined && providers.length > 1) {
      throw new UsageError('E_ARGS', `the pacts are for several providers (${providers.join(', ')})`, { hint: 'pass --provider NAME or --pact FILE for one of them' });
    }
    provider ??= providers[0]!;
    const others = files.pacts.filter((p) => p.provider !== provider);
    if (others.length > 0) throw new UsageError('E_ARGS', `${others[0]!.file} is a pact with ${others[0]!.provider}, not ${provider}`);
    print(`verifying ${provider} at ${withBasePath(flags.providerBaseUrl, profile.basePath)} against ${files.pacts.map((p) => `${p.consumer} (${p.interactions.length} interactions)`).join(', ')}`);
  }
  await assertReachable(flags.providerBaseUrl);
  const publish = flags.publish
    ? { providerVersion: await resolveVersion(flags.providerVersion, 'provider'), providerBranch: await resolveBranch(flags.providerBranch) }
    : undefined;
  // The verifier runs in a child process so its own log (pino lines, Rust errors, colours) is ours to filter.
  const { result, log } = await verifyInWorker({ providerBaseUrl: flags.providerBaseUrl, provider, profile, source, publish }, signal);
  const failed = !result.passed || result.interactions.some((i) => i.result === 'failed');
  const detail = verifierDetail(log, { failed, verbose: flags.verbose === true, colour: colourAllowed(process.stdout) });
  if (detail) print(detail);
  return reportVerification(result, print);
}
