/**
 * Both Plex emulators started together and wired: one set of accounts, and plex.tv's
 * resources pointing at the running server (working local connection, dead remote/relay).
 */
import net from 'node:net';
import { PlexAccounts } from './accounts.js';
import { PlexServerFake, type PlexServerFakeOptions } from './pms.js';
import { PlexTvFake, type PlexTvFakeOptions } from './plex-tv.js';
import { seedPlexFromLibrary, type PlexSeedSummary, type SeedOptions } from './seed.js';
import type { Library } from '../library/model.js';

export interface PlexFakesOptions {
  now?: () => number;
  /** Makes tokens deterministic (a demo can print stable ones); random by default. */
  tokenSeed?: string;
  tv?: Omit<PlexTvFakeOptions, 'accounts' | 'now'>;
  pms?: Omit<PlexServerFakeOptions, 'accounts' | 'now'>;
  /** Seed both from this library once started. */
  library?: Library;
  seed?: SeedOptions;
}

export interface PlexFakes {
  tv: PlexTvFake;
  pms: PlexServerFake;
  accounts: PlexAccounts;
  /** PLEX_TV_URL */
  tvUrl: string;
  /** PLEX_AUTH_URL */
  authUrl: string;
  /** PLEX_URL */
  pmsUrl: string;
  seeded?: PlexSeedSummary;
  stop(): Promise<void>;
}

/** A loopback port with nothing listening (connections to it are refused at once). */
export async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startPlexFakes(opts: PlexFakesOptions = {}): Promise<PlexFakes> {
  const accounts = new PlexAccounts(opts.tokenSeed);
  const pms = new PlexServerFake({ ...opts.pms, accounts, now: opts.now });
  const tv = new PlexTvFake({ ...opts.tv, accounts, now: opts.now });
  await pms.start(opts.pms?.port ?? 0);
  await tv.start(opts.tv?.port ?? 0);
  const dead = await deadPort();
  tv.setServer(() => pms.descriptor(dead));
  const fakes: PlexFakes = {
    tv,
    pms,
    accounts,
    tvUrl: tv.url,
    authUrl: tv.authUrl,
    pmsUrl: pms.url,
    async stop() {
      await Promise.all([tv.stop(), pms.stop()]);
    },
  };
  if (opts.library) fakes.seeded = seedPlexFromLibrary(fakes, opts.library, opts.seed);
  return fakes;
}
