import type { BrokerState, BrokerVersion } from './fake-broker-matrix.js';

/** The index resource: the relations the Pact tooling looks up (names as the Pact Broker documents them). */
export function brokerIndex(base: string): Record<string, unknown> {
  const link = (href: string, title: string, templated = false) => ({ href: `${base}${href}`, title, ...(templated ? { templated: true } : {}) });
  return {
    _links: {
      self: link('', 'Index'),
      'pb:publish-pact': link('/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}', 'Publish a pact', true),
      'pb:publish-contracts': link('/contracts/publish', 'Publish contracts'),
      'pb:latest-pact-versions': link('/pacts/latest', 'Latest pact versions'),
      'pb:pacticipants': link('/pacticipants', 'Pacticipants'),
      'pb:pacticipant': link('/pacticipants/{pacticipant}', 'Fetch pacticipant by name', true),
      'pb:pacticipant-version': link('/pacticipants/{pacticipant}/versions/{version}', 'Get, create or delete a pacticipant version', true),
      'pb:latest-provider-pacts': link('/pacts/provider/{provider}/latest', 'Latest pacts by provider', true),
      'pb:provider-pacts-for-verification': link('/pacts/provider/{provider}/for-verification', 'Pacts to be verified', true),
      'pb:environments': link('/environments', 'Environments'),
      'pb:environment': link('/environments/{uuid}', 'Environment', true),
      'pb:can-i-deploy-pacticipant-version-to-environment': link('/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}', 'Can I deploy?', true),
      curies: [{ name: 'pb', href: `${base}/doc/{rel}?context=index`, templated: true }],
    },
  };
}

/** `GET /pacticipants/{p}/versions/{v}`: with a `pb:record-deployment` link per environment. */
export function versionResource(base: string, version: BrokerVersion, state: BrokerState): Record<string, unknown> {
  const href = `${base}/pacticipants/${encodeURIComponent(version.pacticipant)}/versions/${encodeURIComponent(version.number)}`;
  return {
    number: version.number,
    createdAt: '2026-01-15T10:00:00+00:00',
    _embedded: {
      branchVersions: version.branch ? [{ name: version.branch, latest: true, _links: { self: { href: `${base}/pacticipants/${encodeURIComponent(version.pacticipant)}/branches/${encodeURIComponent(version.branch)}/versions/${encodeURIComponent(version.number)}` } } }] : [],
      tags: [],
    },
    _links: {
      self: { href, title: 'Version', name: version.number },
      'pb:pacticipant': { href: `${base}/pacticipants/${encodeURIComponent(version.pacticipant)}`, title: 'Pacticipant', name: version.pacticipant },
      'pb:tag': { href: `${href}/tags/{tag}`, title: 'Get, create or delete a tag for this pacticipant version', templated: true },
      'pb:latest-verification-results-where-pacticipant-is-consumer': { href: `${base}/verification-results/consumer/${encodeURIComponent(version.pacticipant)}/version/${encodeURIComponent(version.number)}/latest`, title: 'Latest verification results for consumer version' },
      'pb:pact-versions': state.pacts
        .filter((p) => p.consumer === version.pacticipant && p.consumerVersion === version.number)
        .map((p) => ({ title: 'Pact', name: `Pact between ${p.consumer} (${p.consumerVersion}) and ${p.provider}`, href: `${base}/pacts/provider/${encodeURIComponent(p.provider)}/consumer/${encodeURIComponent(p.consumer)}/version/${encodeURIComponent(p.consumerVersion)}` })),
      'pb:record-deployment': state.environments.map((e) => ({ title: `Record deployment to ${e.displayName}`, name: e.name, href: `${href}/deployed-versions/environment/${e.uuid}` })),
      'pb:record-release': state.environments.map((e) => ({ title: `Record release to ${e.displayName}`, name: e.name, href: `${href}/released-versions/environment/${e.uuid}` })),
      curies: [{ name: 'pb', href: `${base}/doc/{rel}?context=version`, templated: true }],
    },
  };
}
