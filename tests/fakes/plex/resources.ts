/**
 * plex.tv's device list (`/api/v2/resources`, API.md B.3) for one account: the emulated
 * server with a per-account `accessToken` and three connections (a remote and a relay that
 * do not answer, listed first, and the local one that works), plus one player.
 */
import type { PlexAccount } from './accounts.js';

/** The player every emulated session and webhook uses unless told otherwise. */
export const DEFAULT_PLAYER = {
  title: 'Living Room TV',
  uuid: 'k3j4h5g6f7d8s9a0zq1w2e3r',
  product: 'Plex for Android (TV)',
  productVersion: '10.20.0.4051',
  platform: 'Android',
  platformVersion: '12',
  device: 'SHIELD Android TV',
  address: '192.168.1.50',
  publicAddress: '203.0.113.10',
} as const;

export const PMS_VERSION = '1.41.3.9314-a0bfb8370';

export interface ServerDescriptor {
  name: string;
  machineIdentifier: string;
  /** Where the emulated server really answers. */
  url: string;
  /** A loopback port nothing listens on: the remote and relay connections point there. */
  deadPort: number;
}

export interface Connection {
  protocol: string;
  address: string;
  port: number;
  uri: string;
  local: boolean;
  relay: boolean;
  IPv6: boolean;
}

const CREATED = '2019-03-02T18:05:31Z';

/** The server's connections as plex.tv lists them: broken remote and relay first, the working local one last. */
export function serverConnections(server: ServerDescriptor): Connection[] {
  const local = new URL(server.url);
  return [
    { protocol: 'https', address: '127.0.0.1', port: server.deadPort, uri: `https://127.0.0.1:${server.deadPort}`, local: false, relay: false, IPv6: false },
    { protocol: 'https', address: '127.0.0.1', port: server.deadPort, uri: `https://127.0.0.1:${server.deadPort}/relay`, local: false, relay: true, IPv6: false },
    { protocol: local.protocol.replace(':', ''), address: local.hostname, port: Number(local.port), uri: server.url, local: true, relay: false, IPv6: false },
  ];
}

export function resourcesFor(account: PlexAccount, owner: PlexAccount, server: ServerDescriptor | undefined, nowIso: string, connections?: Connection[]): Array<Record<string, unknown>> {
  const devices: Array<Record<string, unknown>> = [];
  if (server) {
    devices.push({
      name: server.name,
      product: 'Plex Media Server',
      productVersion: PMS_VERSION,
      platform: 'Linux',
      platformVersion: '6.1.0-18-amd64',
      device: 'PC',
      clientIdentifier: server.machineIdentifier,
      createdAt: CREATED,
      lastSeenAt: nowIso,
      provides: 'server',
      ownerId: account.owner ? null : owner.plexTvId,
      sourceTitle: account.owner ? null : owner.username,
      publicAddress: '203.0.113.7',
      accessToken: account.serverToken,
      owned: account.owner,
      home: true,
      synced: false,
      relay: true,
      presence: true,
      httpsRequired: false,
      publicAddressMatches: true,
      dnsRebindingProtection: false,
      natLoopbackSupported: false,
      connections: connections ?? serverConnections(server),
    });
  }
  devices.push({
    name: DEFAULT_PLAYER.title,
    product: DEFAULT_PLAYER.product,
    productVersion: DEFAULT_PLAYER.productVersion,
    platform: DEFAULT_PLAYER.platform,
    platformVersion: DEFAULT_PLAYER.platformVersion,
    device: DEFAULT_PLAYER.device,
    clientIdentifier: DEFAULT_PLAYER.uuid,
    createdAt: CREATED,
    lastSeenAt: nowIso,
    provides: 'player,pubsub-player',
    ownerId: null,
    sourceTitle: null,
    publicAddress: DEFAULT_PLAYER.publicAddress,
    accessToken: account.userToken,
    owned: true,
    home: true,
    synced: false,
    relay: true,
    presence: false,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
    natLoopbackSupported: false,
    connections: [{ protocol: 'http', address: DEFAULT_PLAYER.address, port: 32500, uri: `http://${DEFAULT_PLAYER.address}:32500`, local: true, relay: false, IPv6: false }],
  });
  return devices;
}
