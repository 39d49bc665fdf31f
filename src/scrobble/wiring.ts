/**
 * The real ports: Trakt accounts and client (engineer A), the Plex server and library
 * selection (engineer B). Until those modules land this reports "not connected", so
 * events are stored and shown, and ignored with a reason that says what to connect.
 */
import type { AppDeps } from '../web/env.js';
import type { ScrobblePorts } from './ports.js';

export function createScrobblePorts(_deps: AppDeps): ScrobblePorts {
  return {
    connectedServer: async () => null,
    librarySelected: async () => true,
    defaultTraktAccount: async () => null,
    traktAccounts: async () => [],
    traktWriter: async () => null,
    plex: async () => null,
  };
}
