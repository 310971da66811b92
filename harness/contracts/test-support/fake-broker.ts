import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { brokerIndex, versionResource } from './fake-broker-hal.js';
import { matrixFor, type BrokerState } from './fake-broker-matrix.js';

/** One request the tooling made, as the fake broker saw it (for tests to assert on). */
export interface RecordedBrokerRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeBroker {
  url: string;
  state: BrokerState;
  requests: RecordedBrokerRequest[];
  close(): Promise<void>;
}

export interface FakeBrokerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** When set, every request must carry these basic-auth credentials (else 401). */
  basicAuth?: { username: string; password: string };
}

type Reply = { status: number; body: unknown };

/**
 * An in-memory Pact Broker speaking the documented HAL API: the index, `POST /contracts/publish`,
 * pacticipant versions with their `pb:record-deployment` links, environments, deployed versions,
 * the matrix (`/matrix`, `/can-i-deploy`), pacts for verification and verification results.
 * Enough for the real `pact-broker` CLI and pact-core's verifier to run against it.
 */
export async function startFakeBroker(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const state: BrokerState = { versions: [], pacts: [], verifications: [], environments: [], deployments: [] };
  const requests: RecordedBrokerRequest[] = [];
  let base = '';

  const route = (method: string, path: string, query: URLSearchParams, body: unknown): Reply => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && parts.length === 0) return { status: 200, body: brokerIndex(base) };
    if (method === 'POST' && path === '/contracts/publish') return publish(body as PublishBody);
    if (path === '/environments') {
      if (method === 'POST') {
        const input = body as { name: string; displayName?: string; production?: boolean };
        const env = { uuid: randomUUID(), name: input.name, displayName: input.displayName ?? input.name, production: input.production ?? false };
        state.environments.push(env);
        return { status: 201, body: { ...env, _links: { self: { href: `${base}/environments/${env.uuid}` } } } };
      }
      const name = query.get('name');
      const environments = state.environments.filter((e) => name === null || e.name === name);
      return { status: 200, body: { _embedded: { environments: environments.map((e) => ({ ...e, _links: { self: { href: `${base}/environments/${e.uuid}` } } })) }, _links: { self: { href: `${base}/environments` } } } };
    }
    if (method === 'GET' && (path === '/matrix' || path === '/can-i-deploy')) return { status: 200, body: matrixFor(state, query) };
    if (parts[0] === 'pacticipants' && parts.length === 2 && method === 'GET') {
      const href = `${base}/pacticipants/${encodeURIComponent(parts[1]!)}`;
      return {
        status: 200,
        body: {
          name: parts[1],
          _links: {
            self: { href },
            'pb:version': { href: `${href}/versions/{version}`, templated: true },
            'pb:branch-version': { href: `${href}/branches/{branch}/versions/{version}`, templated: true },
            'pb:version-tag': { href: `${href}/versions/{version}/tags/{tag}`, templated: true },
          },
        },
      };
    }
    // PUT /pacticipants/{p}/branches/{b}/versions/{v}: the verifier records the provider's branch.
    if (parts[0] === 'pacticipants' && parts[2] === 'branches' && parts[4] === 'versions' && method === 'PUT') {
      const version = { pacticipant: parts[1]!, number: parts[5]!, branch: parts[3] };
      if (!state.versions.some((v) => v.pacticipant === version.pacticipant && v.number === version.number)) state.versions.push(version);
      return { status: 200, body: { number: version.number, _links: { self: { href: `${base}${path}` } } } };
    }
    // /pacticipants/{p}/versions/{v}[/deployed-versions/environment/{uuid}]
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts.length >= 4) {
      const [pacticipant, version] = [parts[1]!, parts[3]!];
      const found = state.versions.find((v) => v.pacticipant === pacticipant && v.number === version);
      if (parts.length === 4 && method === 'GET') {
        return found ? { status: 200, body: versionResource(base, found, state) } : notFound(path);
      }
      if (parts[4] === 'deployed-versions' && parts[5] === 'environment' && method === 'POST') {
        const env = state.environments.find((e) => e.uuid === parts[6]);
        if (!found || !env) return notFound(path);
        const instance = (body as { applicationInstance?: string } | undefined)?.applicationInstance;
        for (const d of state.deployments) if (d.pacticipant === pacticipant && d.environment === env.name && d.applicationInstance === instance) d.currentlyDeployed = false;
        const deployment = { uuid: randomUUID(), pacticipant, version, environment: env.name, applicationInstance: instance, currentlyDeployed: true };
        state.deployments.push(deployment);
        return { status: 201, body: { ...deployment, _links: { self: { href: `${base}/deployed-versions/${deployment.uuid}` } } } };
      }
    }
    // /pacts/provider/{p}/for-verification and /pacts/provider/{p}/consumer/{c}/version/{v}[/verification-results]
    if (parts[0] === 'pacts' && parts[1] === 'provider') {
      const provider = parts[2]!;
      if (parts[3] === 'for-verification' && method === 'POST') return pactsForVerification(provider);
      if (parts[3] === 'for-verification' && method === 'GET') {
        // The verifier reads this resource first, then POSTs its selectors to the same href.
        const href = `${base}/pacts/provider/${encodeURIComponent(provider)}/for-verification`;
        return { status: 200, body: { _links: { self: { href, title: 'Pacts to be verified' } } } };
      }
      if (parts[3] === 'consumer' && parts[5] === 'version') {
        const pact = state.pacts.find((p) => p.provider === provider && p.consumer === parts[4] && p.consumerVersion === parts[6]);
        if (!pact) return notFound(path);
        if (parts.length === 7 && method === 'GET') {
          const pacticipant = (name: string) => ({ href: `${base}/pacticipants/${encodeURIComponent(name)}`, name });
          const links = {
            self: { href: pactUrl(pact) },
            'pb:consumer': pacticipant(pact.consumer),
            'pb:provider': pacticipant(pact.provider),
            'pb:publish-verification-results': { href: `${pactUrl(pact)}/verification-results`, title: 'Publish verification results' },
          };
          return { status: 200, body: { ...pact.content, _links: links } };
        }
        if (parts[7] === 'verification-results' && method === 'POST') {
          const result = body as { success: boolean; providerApplicationVersion: string };
          state.verifications.push({ provider, providerVersion: result.providerApplicationVersion, consumer: pact.consumer, consumerVersion: pact.consumerVersion, success: result.success });
          return { status: 201, body: { success: result.success, _links: { self: { href: `${pactUrl(pact)}/verification-results/1` } } } };
        }
      }
    }
    return notFound(path);
  };

  interface PublishBody {
    pacticipantName: string;
    pacticipantVersionNumber: string;
    branch?: string;
    tags?: string[];
    contracts: Array<{ consumerName: string; providerName: string; specification: string; contentType: string; content: string }>;
  }

  const publish = (body: PublishBody): Reply => {
    if (!body?.pacticipantName || !body.pacticipantVersionNumber || !Array.isArray(body.contracts)) {
      return { status: 400, body: { errors: { pacticipantVersionNumber: ['is missing'] } } };
    }
    if (!state.versions.some((v) => v.pacticipant === body.pacticipantName && v.number === body.pacticipantVersionNumber)) {
      state.versions.push({ pacticipant: body.pacticipantName, number: body.pacticipantVersionNumber, branch: body.branch });
    }
    const links = [];
    for (const contract of body.contracts) {
      const content = JSON.parse(Buffer.from(contract.content, 'base64').toString('utf8')) as Record<string, unknown>;
      const pact = { consumer: contract.consumerName, provider: contract.providerName, consumerVersion: body.pacticipantVersionNumber, branch: body.branch, content };
      state.pacts = state.pacts.filter((p) => !(p.consumer === pact.consumer && p.provider === pact.provider && p.consumerVersion === pact.consumerVersion));
      state.pacts.push(pact);
      links.push({ title: 'Pact', name: `Pact between ${pact.consumer} (${pact.consumerVersion}) and ${pact.provider}`, href: pactUrl(pact) });
    }
    const versionHref = `${base}/pacticipants/${encodeURIComponent(body.pacticipantName)}/versions/${encodeURIComponent(body.pacticipantVersionNumber)}`;
    return {
      status: 200,
      body: {
        logs: body.contracts.map((c) => ({ level: 'info', message: `Pact published for ${c.consumerName} version ${body.pacticipantVersionNumber} and provider ${c.providerName}.` })),
        _embedded: {
          pacticipant: { name: body.pacticipantName, _links: { self: { href: `${base}/pacticipants/${encodeURIComponent(body.pacticipantName)}` } } },
          version: { number: body.pacticipantVersionNumber, branch: body.branch, _links: { self: { title: 'Version', name: body.pacticipantVersionNumber, href: versionHref } } },
        },
        _links: {
          'pb:pacticipant': { title: 'Pacticipant', name: body.pacticipantName, href: `${base}/pacticipants/${encodeURIComponent(body.pacticipantName)}` },
          'pb:pacticipant-version': { title: 'Pacticipant version', name: body.pacticipantVersionNumber, href: versionHref }, 'pb:pacticipant-version-tags': (body.tags ?? []).map((tag) => ({ title: 'Tag', name: tag, href: `${versionHref}/tags/${encodeURIComponent(tag)}` })),
          'pb:contracts': links,
        },
      },
    };
  };

  const pactUrl = (p: { provider: string; consumer: string; consumerVersion: string }): string =>
    `${base}/pacts/provider/${encodeURIComponent(p.provider)}/consumer/${encodeURIComponent(p.consumer)}/version/${encodeURIComponent(p.consumerVersion)}`;

  const pactsForVerification = (provider: string): Reply => {
    const pacts = state.pacts.filter((p) => p.provider === provider);
    return {
      status: 200,
      body: {
        _embedded: {
          pacts: pacts.map((p) => ({
            shortDescription: `latest from branch ${p.branch ?? '(none)'}`,
            verificationProperties: { pending: false, notices: [{ when: 'before_verification', text: `The pact at ${pactUrl(p)} is being verified` }] },
            _links: { self: { href: pactUrl(p), name: `Pact between ${p.consumer} (${p.consumerVersion}) and ${p.provider}` } },
          })),
        },
        _links: { self: { href: `${base}/pacts/provider/${encodeURIComponent(provider)}/for-verification` } },
      },
    };
  };

  const notFound = (path: string): Reply => ({ status: 404, body: { error: `The requested document was not found: ${path}` } });

  const authorised = (headers: http.IncomingHttpHeaders): boolean => {
    if (options.token !== undefined) return headers.authorization === `Bearer ${options.token}`;
    if (options.basicAuth) return headers.authorization === `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
    return true;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const reply = authorised(req.headers) ? route(req.method ?? 'GET', url.pathname, url.searchParams, body) : { status: 401, body: { error: 'Unauthorized' } };
      res.writeHead(reply.status, { 'content-type': 'application/hal+json;charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    state,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
