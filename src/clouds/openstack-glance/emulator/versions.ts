import type { EmulatorReply, EmulatorRequest } from '../../../emulator-kit/emulated-cloud.js';

/** Glance's version document (REF §2): v2.0 to v2.18, the newest CURRENT, each linking to this server's /v2/. */
export const currentMinor = 18;

export function versionsBody(baseUrl: string) {
  const versions = [];
  for (let minor = currentMinor; minor >= 0; minor--) {
    versions.push({
      id: `v2.${minor}`,
      status: minor === currentMinor ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${baseUrl}/v2/` }],
    });
  }
  return { versions };
}

/** `GET /` answers 300 Multiple Choices, `GET /versions` 200, with the same body (REF §2). */
export const versionsRoot = (request: EmulatorRequest): EmulatorReply => ({
  status: 300,
  body: versionsBody(request.baseUrl),
});
export const versionsList = (request: EmulatorRequest): EmulatorReply => ({
  status: 200,
  body: versionsBody(request.baseUrl),
});

/** Keystone's `GET /v3` (REF §1): the identity version keystoneauth discovers first. */
export const identityVersion = (request: EmulatorRequest): EmulatorReply => ({
  status: 200,
  body: {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${request.baseUrl}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  },
});
