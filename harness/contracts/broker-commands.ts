import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { cliErrorLines, runBrokerCli } from './broker-cli.js';
import type { BrokerConfig } from './broker-config.js';
import { BrokerCommandError } from './broker-errors.js';

export interface PublishOptions {
  pactDir: string;
  version: string;
  branch?: string;
  tags?: string[];
  buildUrl?: string;
}

/** `pact broker publish DIR`: every pact file in the directory, as one consumer version. Returns the CLI's report. */
export async function publishPacts(config: BrokerConfig, options: PublishOptions): Promise<string> {
  if (!existsSync(options.pactDir) || !readdirSync(options.pactDir).some((f) => f.endsWith('.json'))) {
    throw new UsageError('E_PACT_DIR', `no pact files in ${options.pactDir}`, { hint: 'run `payharness contracts test` first, or pass --pact-dir DIR' });
  }
  const args = ['publish', path.resolve(options.pactDir), '--consumer-app-version', options.version];
  if (options.branch) args.push('--branch', options.branch);
  for (const tag of options.tags ?? []) args.push('--tag', tag);
  if (options.buildUrl) args.push('--build-url', options.buildUrl);
  const result = await runBrokerCli(config, args);
  if (result.exitCode !== 0) throw new BrokerCommandError('publish', cliErrorLines(result));
  return result.stdout.trim();
}

export interface CanIDeployOptions {
  pacticipant: string;
  version: string;
  environment: string;
  /** Poll this many times while results are unknown (a verification may still be running). */
  retryWhileUnknown?: number;
  retryIntervalSeconds?: number;
}

/** The broker's answer: yes, no, or unknown (missing verifications — we fail closed on it). */
export interface DeployDecision {
  deployable: 'yes' | 'no' | 'unknown';
  reason: string;
  counts: { success: number; failed: number; unknown: number };
  /** One line per integration: consumer@version → provider@version: result. */
  rows: string[];
}

interface MatrixJson {
  summary?: { deployable?: boolean | null; reason?: string; success?: number; failed?: number; unknown?: number };
  matrix?: Array<{
    consumer?: { name?: string; version?: { number?: string } };
    provider?: { name?: string; version?: { number?: string } };
    verificationResult?: { success?: boolean } | null;
  }>;
}

/** `pact broker can-i-deploy … --output json`, read from its JSON (its exit code alone cannot tell "no" from "broker down"). */
export async function canIDeploy(config: BrokerConfig, options: CanIDeployOptions): Promise<DeployDecision> {
  const args = ['can-i-deploy', '--pacticipant', options.pacticipant, '--version', options.version, '--to-environment', options.environment, '--output', 'json'];
  if (options.retryWhileUnknown) args.push('--retry-while-unknown', String(options.retryWhileUnknown), '--retry-interval', String(options.retryIntervalSeconds ?? 10));
  const result = await runBrokerCli(config, args, 60_000 + (options.retryWhileUnknown ?? 0) * (options.retryIntervalSeconds ?? 10) * 1000);
  let parsed: MatrixJson;
  try {
    parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as MatrixJson;
  } catch {
    // No JSON: the broker could not answer the question at all (unknown version, bad environment…).
    return { deployable: 'unknown', reason: cliErrorLines(result) || 'the broker gave no answer', counts: { success: 0, failed: 0, unknown: 0 }, rows: [] };
  }
  const summary = parsed.summary ?? {};
  const rows = (parsed.matrix ?? []).map((row) => {
    const verdict = row.verificationResult == null ? 'not verified' : row.verificationResult.success ? 'verified' : 'verification failed';
    return `${row.consumer?.name}@${row.consumer?.version?.number} → ${row.provider?.name}@${row.provider?.version?.number}: ${verdict}`;
  });
  return {
    deployable: summary.deployable === true ? 'yes' : summary.deployable === false ? 'no' : 'unknown',
    reason: summary.reason ?? '',
    counts: { success: summary.success ?? 0, failed: summary.failed ?? 0, unknown: summary.unknown ?? 0 },
    rows,
  };
}

export interface RecordDeploymentOptions {
  pacticipant: string;
  version: string;
  environment: string;
  applicationInstance?: string;
}

/** `pact broker record-deployment`: tells the broker this version now runs in the environment. */
export async function recordDeployment(config: BrokerConfig, options: RecordDeploymentOptions): Promise<string> {
  const args = ['record-deployment', '--pacticipant', options.pacticipant, '--version', options.version, '--environment', options.environment];
  if (options.applicationInstance) args.push('--application-instance', options.applicationInstance);
  const result = await runBrokerCli(config, args);
  if (result.exitCode !== 0) throw new BrokerCommandError('record-deployment', cliErrorLines(result));
  return result.stdout.trim();
}
