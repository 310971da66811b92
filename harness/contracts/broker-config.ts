import { UsageError } from '../errors.js';
import { gitBranch, gitCommit } from './git-info.js';

/** Where the Pact Broker is and how to authenticate; credentials never leave this object except as child env. */
export interface BrokerConfig {
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

export interface BrokerFlags {
  brokerUrl?: string;
  brokerToken?: string;
  brokerUsername?: string;
  brokerPassword?: string;
}

/** Flags win over `PACT_BROKER_BASE_URL`, `PACT_BROKER_TOKEN`, `PACT_BROKER_USERNAME` + `PACT_BROKER_PASSWORD`. */
export function resolveBroker(flags: BrokerFlags, env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const url = flags.brokerUrl ?? env.PACT_BROKER_BASE_URL;
  if (!url) {
    throw new UsageError('E_BROKER_URL', 'no Pact Broker URL given', { hint: 'pass --broker-url URL or set PACT_BROKER_BASE_URL' });
  }
  try {
    new URL(url);
  } catch {
    throw new UsageError('E_BROKER_URL', `not a valid broker URL: ${url}`, { hint: 'e.g. --broker-url http://localhost:9292' });
  }
  const config: BrokerConfig = {
    url: url.replace(/\/+$/, ''),
    token: flags.brokerToken ?? env.PACT_BROKER_TOKEN,
    username: flags.brokerUsername ?? env.PACT_BROKER_USERNAME,
    password: flags.brokerPassword ?? env.PACT_BROKER_PASSWORD,
  };
  if ((config.username === undefined) !== (config.password === undefined) && config.token === undefined) {
    throw new UsageError('E_BROKER_CREDENTIALS', 'broker basic auth needs both a username and a password', {
      hint: 'set PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD together (or use PACT_BROKER_TOKEN)',
    });
  }
  return config;
}

/** The environment a child process gets so credentials never appear on a command line (`ps`). */
export function brokerEnv(config: BrokerConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PACT_BROKER_BASE_URL: config.url };
  for (const name of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete env[name];
  if (config.token !== undefined) env.PACT_BROKER_TOKEN = config.token;
  else if (config.username !== undefined && config.password !== undefined) {
    env.PACT_BROKER_USERNAME = config.username;
    env.PACT_BROKER_PASSWORD = config.password;
  }
  return env;
}

/** Masks every credential of the config in text that came back from the tooling. */
export function hideCredentials(text: string, config: BrokerConfig): string {
  let out = text;
  for (const secret of [config.token, config.password]) {
    if (secret) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** Version and branch default to the git commit and branch, as the Pact docs recommend. */
export async function resolveVersion(explicit: string | undefined, what: string): Promise<string> {
  const version = explicit ?? (await gitCommit());
  if (!version) {
    throw new UsageError('E_VERSION', `no ${what} version given and this is not a git checkout`, { hint: `pass --version (or --${what}-version) explicitly` });
  }
  return version;
}

export async function resolveBranch(explicit: string | undefined): Promise<string | undefined> {
  return explicit ?? (await gitBranch());
}
