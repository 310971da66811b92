import { ExitCode, UsageError } from '../errors.js';
import { resolveBranch, resolveBroker, resolveVersion, type BrokerFlags } from './broker-config.js';
import { canIDeploy, publishPacts, recordDeployment, type DeployDecision } from './broker-commands.js';

/** What the broker commands print; the CLI passes process.stdout. */
export type Print = (line: string) => void;

export interface PublishFlags extends BrokerFlags {
  pactDir: string;
  consumerVersion?: string;
  branch?: string;
  tag?: string[];
  buildUrl?: string;
}

/** `payharness contracts publish`. */
export async function publishAction(flags: PublishFlags, print: Print): Promise<number> {
  const config = resolveBroker(flags);
  const version = await resolveVersion(flags.consumerVersion, 'consumer');
  const branch = await resolveBranch(flags.branch);
  const report = await publishPacts(config, { pactDir: flags.pactDir, version, branch, tags: flags.tag, buildUrl: flags.buildUrl ?? process.env.BUILD_URL });
  print(report);
  print(`published the pacts in ${flags.pactDir} as version ${version}${branch ? ` (branch ${branch})` : ''} to ${config.url}`);
  return ExitCode.pass;
}

export interface CanIDeployFlags extends BrokerFlags {
  pacticipant?: string;
  version?: string;
  toEnvironment?: string;
  retryWhileUnknown?: number;
  retryInterval?: number;
}

/** Exit code for a decision: yes 0, no 1, unknown 2 (fail closed: anything but a clear yes blocks a deploy). */
export function decisionExitCode(decision: DeployDecision): number {
  return decision.deployable === 'yes' ? ExitCode.pass : decision.deployable === 'no' ? ExitCode.failed : ExitCode.inconclusive;
}

export function describeDecision(pacticipant: string, version: string, environment: string, decision: DeployDecision): string[] {
  const answer = { yes: 'YES', no: 'NO', unknown: 'UNKNOWN (failing closed)' }[decision.deployable];
  return [`can-i-deploy ${pacticipant}@${version} to ${environment}: ${answer}${decision.reason ? ` — ${decision.reason}` : ''}`, ...decision.rows.map((r) => `  ${r}`)];
}

/** `payharness contracts can-i-deploy`. */
export async function canIDeployAction(flags: CanIDeployFlags, print: Print): Promise<number> {
  if (!flags.pacticipant) throw new UsageError('E_ARGS', 'can-i-deploy needs --pacticipant NAME', { hint: 'e.g. --pacticipant checkout-service' });
  if (!flags.toEnvironment) throw new UsageError('E_ARGS', 'can-i-deploy needs --to-environment NAME', { hint: 'e.g. --to-environment production' });
  const config = resolveBroker(flags);
  const version = await resolveVersion(flags.version, 'pacticipant');
  const decision = await canIDeploy(config, {
    pacticipant: flags.pacticipant,
    version,
    environment: flags.toEnvironment,
    retryWhileUnknown: flags.retryWhileUnknown,
    retryIntervalSeconds: flags.retryInterval,
  });
  for (const line of describeDecision(flags.pacticipant, version, flags.toEnvironment, decision)) print(line);
  return decisionExitCode(decision);
}

export interface RecordDeploymentFlags extends BrokerFlags {
  pacticipant?: string;
  version?: string;
  environment?: string;
  applicationInstance?: string;
}

/** `payharness contracts record-deployment`. */
export async function recordDeploymentAction(flags: RecordDeploymentFlags, print: Print): Promise<number> {
  if (!flags.pacticipant) throw new UsageError('E_ARGS', 'record-deployment needs --pacticipant NAME');
  if (!flags.environment) throw new UsageError('E_ARGS', 'record-deployment needs --environment NAME', { hint: 'e.g. --environment production' });
  const config = resolveBroker(flags);
  const version = await resolveVersion(flags.version, 'pacticipant');
  print(await recordDeployment(config, { pacticipant: flags.pacticipant, version, environment: flags.environment, applicationInstance: flags.applicationInstance }));
  return ExitCode.pass;
}
