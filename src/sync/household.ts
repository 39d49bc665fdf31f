/**
 * Who a run covers, and how each person's sides are opened: the owner (Plex read with the
 * server's own token; their own Trakt account, else the connected one), then every other
 * person of `people` with sync on, a Trakt account of their own and a Plex token for the
 * connected server (a friend's from plex.tv's shared servers; a Home user's by plex.tv's switch,
 * with their PIN when protected). Anyone else is listed with the reason they are left out.
 */
import type { Cipher } from '../security/crypto.js';
import type { Db } from '../db/database.js';
import { listPeople, OWNER_ACCOUNT_ID } from '../db/repos/people.js';
import { getTraktAccount } from '../db/repos/trakt-accounts.js';
import type { PersonRow } from '../db/tables/people.js';
import type { PlexConnection } from '../plex-connection/connection.js';
import type { TraktClientRegistry } from '../trakt/registry.js';
import { plexPortFrom, renewingOn401 } from './plex-port.js';
import type { PersonSides, SyncPerson, SyncPlex, SyncPorts, SyncTrakt } from './ports.js';
import { plexScope } from './scope.js';

export interface HouseholdDeps {
  db: Db;
  cipher: Pick<Cipher, 'decrypt'>;
  plex: PlexConnection;
  /** The owner's sides: the connected server with its own token, the connected Trakt account (tests may replace them). */
  owner: { plex(): Promise<SyncPlex | null>; trakt(): Promise<SyncTrakt | null> };
  /** The Trakt client of an account (one per account: it spends that account's budgets). */
  trakt(accountId: number): Promise<SyncTrakt>;
  /** A Home user's server token by plex.tv's switch, when none is stored (a sentence when it cannot be had). */
  homeToken?(plexAccountId: number): Promise<string | { problem: string }>;
  /** A new server token for a person whose token the server refused (401), or a sentence. */
  renewToken?(plexAccountId: number, refused: string): Promise<string | { problem: string }>;
}

export const NO_PLEX = 'Plex is not connected. Sign in with Plex in Settings, then run the sync again.';
export const NO_TRAKT = 'Trakt is not connected. Connect your Trakt account in Settings, then run the sync again.';

/** Why a person other than the owner is left out of runs (a sentence), or null when they are synced. */
export async function whySkipped(db: Db, r: PersonRow): Promise<string | null> {
  const name = r.name;
  if (!r.sync) return `Sync is off for ${name}: turn it on in Settings → People to include them.`;
  if (r.trakt_account_id === null) return `${name} has no Trakt account: connect one for them in Settings → People.`;
  const trakt = await getTraktAccount(db, r.trakt_account_id);
  if (!trakt || trakt.status === 'disconnected') return `${name}'s Trakt account is disconnected: connect it again in Settings → People.`;
  if (r.plex_access === 'pin_needed') return `${name} is a protected Plex Home user: enter their Plex Home PIN in Settings → People so their watched state can be read.`;
  if (r.plex_access === 'refused') return `Plex refused a token for ${name}, so their watched state cannot be read (their webhooks still work).`;
  if (r.plex_access === 'none') return `The service has no Plex token for ${name} (the connected server is not shared with them, or plex.tv has not been read): refresh Settings → People.`;
  if (r.kind === 'friend' && !r.plex_token) return `Plex gave no token for ${name}, so their watched state cannot be read (their webhooks still work).`;
  return null;
}

export async function householdOf(deps: HouseholdDeps): Promise<SyncPerson[]> {
  const rows = await listPeople(deps.db);
  const ownerRow = rows.find((r) => r.plex_account_id === OWNER_ACCOUNT_ID);
  const out: SyncPerson[] = [ownerPerson(deps, ownerRow)];
  for (const r of rows) {
    if (r.plex_account_id === OWNER_ACCOUNT_ID) continue;
    out.push({ plexAccountId: r.plex_account_id, name: r.name, skipped: await whySkipped(deps.db, r), open: () => openPerson(deps, r) });
  }
  return out;
}

function ownerPerson(deps: HouseholdDeps, row: PersonRow | undefined): SyncPerson {
  const name = row?.name ?? 'The server owner';
  return {
    plexAccountId: OWNER_ACCOUNT_ID,
    name,
    skipped: row && !row.sync ? `Sync is off for ${name}: turn it on in Settings → People to include them.` : null,
    open: async () => {
      const plex = await deps.owner.plex();
      if (!plex) return NO_PLEX;
      // Their own Trakt account when they connected one in Settings → People, else the connected one.
      const own = row?.trakt_account_id != null ? await getTraktAccount(deps.db, row.trakt_account_id) : undefined;
      const trakt = own && own.status !== 'disconnected' ? await deps.trakt(own.id) : await deps.owner.trakt();
      if (!trakt) return NO_TRAKT;
      return { plex, trakt };
    },
  };
}

async function openPerson(deps: HouseholdDeps, r: PersonRow): Promise<PersonSides | string> {
  const info = await deps.plex.info();
  if (info.state !== 'connected') return NO_PLEX;
  const machineId = await deps.plex.machineIdentifier().catch(() => null);
  if (!machineId) return `The connected Plex server did not say who it is, so ${r.name}'s watched state cannot be read now; the next run tries again.`;
  let token: string | null = r.plex_token ? deps.cipher.decrypt(r.plex_token) : null;
  if (!token && r.kind === 'home' && deps.homeToken) {
    const got = await deps.homeToken(r.plex_account_id);
    if (typeof got !== 'string') return got.problem;
    token = got;
  }
  if (!token) return `The service has no Plex token for ${r.name}: refresh Settings → People (a Home user's PIN may be needed).`;
  const unticked = await deps.plex.untickedSections();
  const portFor = async (t: string) => plexPortFrom(await deps.plex.serverClientFor(info.url, t), plexScope(machineId, r.plex_account_id), (key) => !unticked.has(key));
  const first = await portFor(token);
  const { renewToken } = deps;
  const plex = renewToken
    ? renewingOn401(first, async () => {
        const got = await renewToken(r.plex_account_id, token);
        return typeof got === 'string' ? portFor(got) : null;
      })
    : first;
  return { plex, trakt: await deps.trakt(r.trakt_account_id!) };
}

/** `sync --person` / `{"person"}` named nobody of the household (a sentence: the API's 400, the CLI's exit 1). */
export class UnknownPersonError extends Error {}

/** Who a run covers: the ports' household, or the owner alone through plex() and trakt(). */
export async function householdFor(ports: SyncPorts): Promise<SyncPerson[]> {
  if (ports.household) return ports.household(ports);
  return [
    {
      plexAccountId: 1,
      name: 'The server owner',
      skipped: null,
      open: async () => {
        const plex = await ports.plex();
        if (!plex) return NO_PLEX;
        const trakt = await ports.trakt();
        if (!trakt) return NO_TRAKT;
        return { plex, trakt };
      },
    },
  ];
}

/** The people a run covers, limited to `person` (by Plex account id or name) when given. */
export async function choosePeople(ports: SyncPorts, person: string | undefined): Promise<SyncPerson[]> {
  const all = await householdFor(ports);
  if (person === undefined || person.trim() === '') return all;
  const ref = person.trim();
  const found = (/^\d+$/.test(ref) ? all.find((p) => p.plexAccountId === Number(ref)) : undefined) ?? all.find((p) => p.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new UnknownPersonError(`There is no person "${ref}" in the household: name them by their Plex account name or id as Settings → People (or GET /api/v1/people) lists them.`);
  return [found];
}
