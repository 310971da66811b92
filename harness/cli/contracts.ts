import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { canIDeployAction, publishAction, recordDeploymentAction } from '../contracts/broker-actions.js';
import { runConsumerTests } from '../contracts/consumer-tests.js';
import { verifyAction } from '../contracts/verify-action.js';
import { contractChaosAction } from '../contracts/chaos-action.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);

const integer = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('E_ARGS', `${name} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The broker flags every broker command shares; env vars are the safer way to pass credentials. */
function brokerOptions(command: Command): Command {
  return command
    .option('--broker-url <url>', 'Pact Broker base URL (env PACT_BROKER_BASE_URL)')
    .addOption(new Option('--broker-token <token>', 'bearer token (prefer env PACT_BROKER_TOKEN: flags show up in `ps`)'))
    .option('--broker-username <name>', 'basic auth user (env PACT_BROKER_USERNAME)')
    .addOption(new Option('--broker-password <password>', 'basic auth password (prefer env PACT_BROKER_PASSWORD)'));
}

export function registerContracts(program: Command): void {
  // `can-i-deploy --version V` is the Pact CLI's own spelling; without positional options the
  // root program's `--version` flag would swallow it and print payharness's version instead.
  program.enablePositionalOptions();
  const contracts = program
    .command('contracts')
    .description('Pact contracts: run consumer tests, verify a provider, talk to a Pact Broker, replay contracts under faults');

  contracts
    .command('test')
    .description('run the consumer tests (contracts/*.pact.test.ts) against Pact mock servers and write the pact files')
    .option('--pact-dir <dir>', 'where to write the pacts', 'contracts/pacts')
    .action(async (flags: { pactDir: string }) => {
      const result = await runConsumerTests({ pactDir: flags.pactDir, onOutput: (chunk) => process.stdout.write(chunk) });
      for (const file of result.pactFiles) print(`pact: ${file}`);
      process.exitCode = result.exitCode;
    });

  brokerOptions(
    contracts
      .command('verify')
      .description('verify a running provider against pacts (HTTP interactions and webhook messages); failed interactions are named')
      .requiredOption('--provider-base-url <url>', 'the provider under test, e.g. http://127.0.0.1:4010 (its path is kept; the profile\'s basePath goes under it)')
      .option('--pact-dir <dir>', 'pact files to verify (default contracts/pacts; ignored with --broker-url)')
      .option('--pact <file>', 'one pact file to verify (repeatable)', collect)
      .option('--provider <name>', 'provider name in the pacts / broker', 'payharness-sandbox')
      .option('--profile <file>', 'API profile (YAML) of the provider; default: the built-in sandbox profile')
      .option('--consumer-version-selectors <json>', 'broker selectors, e.g. \'[{"mainBranch":true},{"deployedOrReleased":true}]\'')
      .option('--provider-version <version>', 'provider version for published results (default: git commit)')
      .option('--provider-branch <branch>', 'provider branch for published results (default: git branch)')
      .option('--publish', 'publish verification results to the broker')
      .option('--enable-pending', 'pending pacts do not fail the verification (broker only)')
      .option('--include-wip-since <date>', 'also verify work-in-progress pacts since this date (broker only)')
      .option('--allow-target <host>', 'allow a non-loopback provider host', collect)
      .option('--verbose', "print the Pact verifier's whole log (by default it is shown only when a verification fails)"),
  ).action(async (flags) => {
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      process.exitCode = await verifyAction(flags, print, interrupt.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

  brokerOptions(
    contracts
      .command('publish')
      .description('publish the pact files to a Pact Broker (pact-broker publish)')
      .option('--pact-dir <dir>', 'pact files to publish', 'contracts/pacts')
      .option('--consumer-version <version>', 'consumer version (default: git commit)')
      .option('--branch <branch>', 'consumer branch (default: git branch)')
      .option('--tag <tag>', 'consumer version tag (repeatable)', collect)
      .option('--build-url <url>', 'CI build URL (default: env BUILD_URL)'),
  ).action(async (flags) => {
    process.exitCode = await publishAction(flags, print);
  });

  brokerOptions(
    contracts
      .command('can-i-deploy')
      .description('ask the broker whether a version can be deployed: exit 0 yes, 1 no, 2 unknown (fails closed), 4 broker unreachable')
      .option('--pacticipant <name>', 'application name, e.g. payharness-sandbox')
      .option('--version <version>', 'its version (default: git commit)')
      .option('--to-environment <name>', 'target environment, e.g. production')
      .option('--retry-while-unknown <times>', 'poll while verification results are missing', integer('--retry-while-unknown'))
      .option('--retry-interval <seconds>', 'seconds between polls', integer('--retry-interval')),
  ).action(async (flags) => {
    process.exitCode = await canIDeployAction(flags, print);
  });

  brokerOptions(
    contracts
      .command('record-deployment')
      .description('record that a version is now deployed to an environment')
      .option('--pacticipant <name>', 'application name')
      .option('--version <version>', 'its version (default: git commit)')
      .option('--environment <name>', 'environment it was deployed to')
      .option('--application-instance <name>', 'instance name when several run side by side'),
  ).action(async (flags) => {
    process.exitCode = await recordDeploymentAction(flags, print);
  });

  contracts
    .command('chaos')
    .description('replay every effectful interaction of a pact through the fault proxy (repeat, concurrent copies, lost response, changed payload) and judge it')
    .requiredOption('--pact <file>', 'pact file whose interactions to replay (repeatable)', collect)
    .requiredOption('--provider-base-url <url>', 'the provider under test')
    .option('--profile <file>', 'API profile (YAML); default: the built-in sandbox profile')
    .option('--out <dir>', 'run directory for history.jsonl, verdict.json, junit.xml, report.html; must be new or empty (default: reports/<run-id>)')
    .option('--seed <n>', 'seed for keys and fault decisions', integer('--seed'))
    .option('--concurrency <n>', 'concurrent copies per interaction', integer('--concurrency'), 3)
    .option('--toxiproxy <url>', 'a Toxiproxy API to use instead of the embedded proxy (needs the http_* toxics)')
    .option('--allow-target <host>', 'allow a non-loopback provider host', collect)
    .action(async (flags) => {
      process.exitCode = await contractChaosAction(flags, print);
    });
}
