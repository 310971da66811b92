/** The fake broker's memory and its can-i-deploy logic (the matrix, `latestby=cvpv`, to an environment). */

export interface BrokerVersion {
  pacticipant: string;
  number: string;
  branch?: string;
}

export interface BrokerPact {
  consumer: string;
  provider: string;
  consumerVersion: string;
  branch?: string;
  content: Record<string, unknown>;
}

export interface BrokerVerification {
  provider: string;
  providerVersion: string;
  consumer: string;
  consumerVersion: string;
  success: boolean;
}

export interface BrokerEnvironment {
  uuid: string;
  name: string;
  displayName: string;
  production: boolean;
}

export interface BrokerDeployment {
  uuid: string;
  pacticipant: string;
  version: string;
  environment: string;
  applicationInstance?: string;
  currentlyDeployed: boolean;
}

export interface BrokerState {
  versions: BrokerVersion[];
  pacts: BrokerPact[];
  verifications: BrokerVerification[];
  environments: BrokerEnvironment[];
  deployments: BrokerDeployment[];
}

interface Row {
  consumer: string;
  consumerVersion: string;
  provider: string;
  providerVersion: string;
  verification?: BrokerVerification;
}

const deployedIn = (state: BrokerState, pacticipant: string, environment: string): string[] =>
  state.deployments.filter((d) => d.currentlyDeployed && d.pacticipant === pacticipant && d.environment === environment).map((d) => d.version);

const latestVerification = (state: BrokerState, row: Omit<Row, 'verification'>): BrokerVerification | undefined =>
  state.verifications.filter((v) => v.provider === row.provider && v.providerVersion === row.providerVersion && v.consumer === row.consumer && v.consumerVersion === row.consumerVersion).at(-1);

/**
 * `GET /matrix?q[][pacticipant]=P&q[][version]=V&latestby=cvpv&environment=E`: every integration
 * of P@V with what is currently deployed in E. `deployable` is true when all rows are verified
 * successfully, false when one failed, and null when some are unverified (the broker cannot decide).
 */
export function matrixFor(state: BrokerState, query: URLSearchParams): Record<string, unknown> {
  const pacticipant = query.get('q[][pacticipant]') ?? query.get('pacticipant') ?? '';
  const version = query.get('q[][version]') ?? query.get('version') ?? '';
  const environment = query.get('environment') ?? '';
  if (!state.versions.some((v) => v.pacticipant === pacticipant && v.number === version)) {
    return summary([], null, `No version with number ${version} exists for ${pacticipant}`);
  }
  const rows: Row[] = [];
  for (const pact of state.pacts.filter((p) => p.consumer === pacticipant && p.consumerVersion === version)) {
    for (const providerVersion of deployedIn(state, pact.provider, environment)) {
      rows.push({ consumer: pacticipant, consumerVersion: version, provider: pact.provider, providerVersion });
    }
  }
  for (const pact of state.pacts.filter((p) => p.provider === pacticipant)) {
    if (deployedIn(state, pact.consumer, environment).includes(pact.consumerVersion)) {
      rows.push({ consumer: pact.consumer, consumerVersion: pact.consumerVersion, provider: pacticipant, providerVersion: version });
    }
  }
  for (const row of rows) row.verification = latestVerification(state, row);
  const failed = rows.filter((r) => r.verification?.success === false).length;
  const unknown = rows.filter((r) => r.verification === undefined).length;
  const deployable = failed > 0 ? false : unknown > 0 ? null : true;
  const reason =
    deployable === true
      ? 'All required verification results are published and successful'
      : deployable === false
        ? 'One or more of the verification results failed'
        : 'There is no verified pact between some of the versions';
  return summary(rows, deployable, reason);
}

function summary(rows: Row[], deployable: boolean | null, reason: string): Record<string, unknown> {
  return {
    summary: {
      deployable,
      reason,
      success: rows.filter((r) => r.verification?.success === true).length,
      failed: rows.filter((r) => r.verification?.success === false).length,
      unknown: rows.filter((r) => r.verification === undefined).length,
    },
    notices: [{ type: deployable === true ? 'success' : deployable === false ? 'error' : 'warning', text: reason }],
    matrix: rows.map((r) => ({
      consumer: { name: r.consumer, version: { number: r.consumerVersion } },
      provider: { name: r.provider, version: { number: r.providerVersion } },
      pact: { createdAt: '2026-01-15T10:00:00+00:00' },
      verificationResult: r.verification ? { success: r.verification.success, verifiedAt: '2026-01-15T10:05:00+00:00', _links: { self: { href: 'http://broker/verification-results/1' } } } : null,
    })),
  };
}
