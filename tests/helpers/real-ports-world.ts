/**
 * The world of the real-service tests: a generated library on the Plex emulator (preset by
 * PLEX_URL/PLEX_TOKEN), the same library's Trakt side on the Trakt emulator, and the
 * service's environment with that Trakt account already connected (as after a device-code
 * login, as the demo does). Each test starts the service itself, its own way.
 */
import { generateLibrary, type GenerateOptions, type Library } from '../fakes/library/index.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { loopbackServiceEnv, plexPresetEnv, traktEnv } from './emulator-env.js';
import { preconnectTrakt } from './trakt-connected.js';

export interface RealPortsWorld {
  lib: Library;
  owner: string;
  trakt: TraktFake;
  plex: PlexFakes;
  env: Record<string, string>;
}

export async function startRealPortsWorld(library: GenerateOptions, adminPassword: string): Promise<RealPortsWorld> {
  const lib = generateLibrary({ otherAccounts: 1, now: Math.floor(Date.now() / 1000), ...library });
  const owner = lib.owner.traktUsername;
  const trakt = await startTraktFake({ rateLimits: false, users: [{ username: owner, name: 'Owner' }] });
  seedTraktFromLibrary(trakt, lib);
  const plex = await startPlexFakes({ library: lib });
  const env = { ...loopbackServiceEnv(adminPassword), ...traktEnv(trakt), ...plexPresetEnv(plex), PLEX_TV_URL: plex.tvUrl };
  await preconnectTrakt(env, trakt, owner, { name: 'Owner' });
  return { lib, owner, trakt, plex, env };
}
