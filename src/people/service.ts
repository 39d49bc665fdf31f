/**
 * People (households): reads who is in the household from plex.tv (the owner, Home users,
 * friends the connected server is shared with) into `people`, answers the API's shape, and
 * changes a person (webhooks, sync, a Home user's PIN checked with plex.tv's switch, their
 * own Trakt account). The per-person reconciliation reads the tokens stored here.
 */
import type { Core } from '../core.js';
import { getPlexOwner } from '../db/repos/plex.js';
import { getPerson, listPeople, OWNER_ACCOUNT_ID, updatePerson, upsertListedPerson } from '../db/repos/people.js';
import { defaultTraktAccount, getTraktAccount } from '../db/repos/trakt-accounts.js';
import type { PersonKind, PersonRow, PlexAccess } from '../db/tables/people.js';
import type { PlexConnection } from '../plex-connection/connection.js';
import { PlexError } from '../plex/errors.js';
import { listFriends, listHomeUsers, sharedServerTokens, switchHomeUser } from '../plex/tv-household.js';

export interface PersonJson {
  plexAccountId: number;
  name: string;
  kind: PersonKind;
  trakt: { username: string } | null;
  webhooks: boolean;
  sync: boolean;
  plexAccess: PlexAccess;
}

/** What the Settings → People rows show beyond the API's shape. */
export interface PersonView extends PersonJson {
  plexAccessNote: string | null;
  /** The owner's Trakt account is the connected one unless they have their own. */
  traktIsDefault: boolean;
  traktAccountId: number | null;
  /** Their own Trakt account stopped accepting its sign-in: connect it again from the row. */
  traktNeedsLogin: boolean;
  protected: boolean;
  pinStored: boolean;
  lastSeenAt: number | null;
}

export interface PersonChangeInput {
  pin?: string;
  webhooks?: boolean;
  sync?: boolean;
}

export type ChangeResult = { person: PersonView } | { status: 400 | 404; error: string };

export type PeopleDeps = Pick<Core, 'config' | 'db' | 'cipher' | 'secretRegistry' | 'log'> & { plex: PlexConnection };

/** plex.tv is asked again after this long when a page or the API lists people. */
const REFRESH_EVERY_MS = 10 * 60_000;

const PIN = /^\d{4}$/;

export class PeopleService {
  private refreshedAt = 0;
  private refreshing: Promise<string | null> | null = null;
  /** Why the last read of plex.tv fell short, as a sentence (null: it did not). */
  lastProblem: string | null = null;

  constructor(private readonly deps: PeopleDeps) {}

  /** The owner's plex.tv token: the one from the PIN login, else PLEX_TOKEN (a real owner's token works on plex.tv too). */
  private async ownerToken(): Promise<string | null> {
    const owner = await getPlexOwner(this.deps.db);
    if (owner?.token) return this.deps.cipher.decrypt(owner.token);
    return this.deps.config.plex.token ?? null;
  }

  /**
   * Reads plex.tv again when the last read is older than ten minutes (or `force`). Returns the
   * problem, if any, as a sentence.
   */
  async refresh(opts: { force?: boolean } = {}): Promise<string | null> {
    if (!opts.force && Date.now() - this.refreshedAt < REFRESH_EVERY_MS) return this.lastProblem;
    // Only a Plex sign-in (stored owner token) reads plex.tv on its own; with PLEX_TOKEN alone it is read
    // when asked (the People button, `?refresh=1`), so a preset server never calls plex.tv unasked.
    if (!opts.force && !(await getPlexOwner(this.deps.db))?.token) return this.lastProblem;
    this.refreshing ??= this.readPlexTv().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async readPlexTv(): Promise<string | null> {
    const token = await this.ownerToken();
    this.refreshedAt = Date.now();
    if (!token) return (this.lastProblem = 'Sign in with Plex in Settings so the household can be read from plex.tv.');
    this.deps.secretRegistry.add(token);
    const tv = await this.deps.plex.tv();
    const problems: string[] = [];
    const { db, cipher } = this.deps;

    const me = await tv.user(token).catch((err: unknown) => (problems.push(message(err)), null));
    if (me) {
      await upsertListedPerson(db, { plexAccountId: OWNER_ACCOUNT_ID, plexTvId: me.id, uuid: me.uuid ?? null, name: me.title || me.username, kind: 'owner', protected: false, plexAccess: 'ok', plexAccessNote: null });
    }

    const home = await listHomeUsers(tv, token).catch((err: unknown) => (problems.push(message(err)), []));
    for (const u of home) {
      if (u.admin || (me && u.id === me.id)) continue;
      const known = await getPerson(db, u.id);
      const pinStored = !!known?.pin;
      const access: PlexAccess = u.protected && !pinStored ? 'pin_needed' : 'ok';
      const note = access === 'pin_needed' ? `${u.name} is a protected Plex Home user: enter their Plex Home PIN so the service can read their watched state.` : null;
      await upsertListedPerson(db, { plexAccountId: u.id, plexTvId: u.id, uuid: u.uuid, name: u.name, kind: 'home', protected: u.protected, plexAccess: access, plexAccessNote: note });
    }

    const machineId = await this.deps.plex.machineIdentifier().catch(() => null);
    const friends = await listFriends(tv, token).catch((err: unknown) => (problems.push(message(err)), []));
    const tokens = machineId && friends.length ? await sharedServerTokens(tv, token, machineId).catch((err: unknown) => (problems.push(message(err)), [])) : [];
    for (const f of friends) {
      const shared = !machineId || f.servers.includes(machineId);
      const friendToken = tokens.find((t) => t.userId === f.id)?.accessToken ?? null;
      if (friendToken) this.deps.secretRegistry.add(friendToken);
      const access: PlexAccess = !shared ? 'none' : friendToken ? 'ok' : 'refused';
      const note =
        access === 'none'
          ? `The connected Plex server is not shared with ${f.name}.`
          : access === 'refused'
            ? `Plex refused a token for ${f.name}, so their watched state cannot be read; their webhooks still work.`
            : null;
      await upsertListedPerson(db, {
        plexAccountId: f.id,
        plexTvId: f.id,
        uuid: null,
        name: f.name,
        kind: 'friend',
        protected: false,
        sealedPlexToken: friendToken ? cipher.encrypt(friendToken) : null,
        plexAccess: access,
        plexAccessNote: note,
      });
    }
    this.lastProblem = problems.length ? `plex.tv could not be read completely: ${problems[0]}` : null;
    if (this.lastProblem) this.deps.log.warn({ component: 'people', problem: this.lastProblem }, 'household not fully read from plex.tv');
    return this.lastProblem;
  }

  async views(): Promise<PersonView[]> {
    const [rows, fallback] = await Promise.all([listPeople(this.deps.db), defaultTraktAccount(this.deps.db)]);
    return Promise.all(rows.map((r) => this.toView(r, fallback)));
  }

  async view(plexAccountId: number): Promise<PersonView | undefined> {
    const row = await getPerson(this.deps.db, plexAccountId);
    return row && this.toView(row, await defaultTraktAccount(this.deps.db));
  }

  private async toView(r: PersonRow, fallback: { id: number; username: string; status: string } | undefined): Promise<PersonView> {
    const own = r.trakt_account_id !== null ? await getTraktAccount(this.deps.db, r.trakt_account_id) : undefined;
    const ownLinked = own && own.status !== 'disconnected' ? own : undefined;
    const usesDefault = !ownLinked && r.kind === 'owner' && !!fallback;
    const trakt = ownLinked ?? (usesDefault ? fallback : undefined);
    return {
      plexAccountId: r.plex_account_id,
      name: r.name,
      kind: r.kind,
      trakt: trakt ? { username: trakt.username } : null,
      webhooks: r.webhooks === 1,
      sync: r.sync === 1,
      plexAccess: r.plex_access,
      plexAccessNote: r.plex_access_note,
      traktIsDefault: usesDefault,
      traktAccountId: ownLinked?.id ?? null,
      traktNeedsLogin: ownLinked?.status === 'needs_login',
      protected: r.protected === 1,
      pinStored: !!r.pin,
      lastSeenAt: r.last_seen_at,
    };
  }

  /** Changes a person; a PIN is checked with plex.tv's Home switch before it is stored (sealed). */
  async change(plexAccountId: number, input: PersonChangeInput): Promise<ChangeResult> {
    const row = await getPerson(this.deps.db, plexAccountId);
    if (!row) return { status: 404, error: `No person with Plex account ${plexAccountId}: list them with GET /api/v1/people.` };
    if (input.pin !== undefined) {
      const pinError = await this.storePin(row, input.pin);
      if (pinError) return { status: 400, error: pinError };
    }
    if (input.webhooks !== undefined || input.sync !== undefined) await updatePerson(this.deps.db, plexAccountId, { webhooks: input.webhooks, sync: input.sync });
    this.deps.log.info({ component: 'people', plexAccountId, webhooks: input.webhooks, sync: input.sync, pin: input.pin !== undefined }, 'person changed');
    return { person: (await this.view(plexAccountId))! };
  }

  /** Returns a sentence when the PIN cannot be stored. An empty PIN forgets the stored one. */
  private async storePin(row: PersonRow, pin: string): Promise<string | null> {
    if (row.kind !== 'home') return `Only Plex Home users have a PIN; ${row.name} is ${row.kind === 'owner' ? 'the server owner' : 'a friend the server is shared with'}.`;
    if (pin === '') {
      await updatePerson(this.deps.db, row.plex_account_id, {
        sealedPin: null,
        plexAccess: row.protected ? 'pin_needed' : 'ok',
        plexAccessNote: row.protected ? `${row.name} is a protected Plex Home user: enter their Plex Home PIN so the service can read their watched state.` : null,
      });
      return null;
    }
    if (!PIN.test(pin)) return 'A Plex Home PIN is four digits: enter the four digits they type on their Plex profile.';
    const token = await this.ownerToken();
    if (!token) return 'Sign in with Plex in Settings first: the PIN is checked with plex.tv using your account.';
    const tv = await this.deps.plex.tv({ interactive: true });
    let answer;
    try {
      answer = await switchHomeUser(tv, token, row.uuid ?? row.plex_tv_id ?? row.plex_account_id, pin);
    } catch (err) {
      return `plex.tv could not check the PIN (${message(err)}). Try again in a minute.`;
    }
    if (answer === 'wrong_pin') return `Plex did not accept that PIN for ${row.name}: check the four digits with them and enter it again.`;
    this.deps.secretRegistry.add(answer.authToken);
    // Their token for the connected server (what the per-person sync reads with); best effort, the PIN stands.
    const machineId = await this.deps.plex.machineIdentifier().catch(() => null);
    const server = machineId ? (await tv.servers(answer.authToken).catch(() => [])).find((r) => r.clientIdentifier === machineId) : undefined;
    if (server?.accessToken) this.deps.secretRegistry.add(server.accessToken);
    await updatePerson(this.deps.db, row.plex_account_id, {
      sealedPin: this.deps.cipher.encrypt(pin),
      plexAccess: 'ok',
      plexAccessNote: null,
      ...(server?.accessToken ? { sealedPlexToken: this.deps.cipher.encrypt(server.accessToken) } : {}),
    });
    return null;
  }

  /**
   * A Home user's token for the connected server, for the per-person sync when none is stored
   * (an unprotected Home user never gave a PIN): plex.tv's switch (with their stored PIN when
   * protected), then their resources; kept sealed for the next run. A sentence when it cannot be had.
   */
  async homeToken(plexAccountId: number): Promise<string | { problem: string }> {
    const row = await getPerson(this.deps.db, plexAccountId);
    if (!row || row.kind !== 'home') return { problem: `Only a Plex Home user's token can be had by plex.tv's switch.` };
    const owner = await this.ownerToken();
    if (!owner) return { problem: `Sign in with Plex in Settings so ${row.name}'s watched state can be read (plex.tv's switch needs your account).` };
    const tv = await this.deps.plex.tv();
    const pin = row.pin ? this.deps.cipher.decrypt(row.pin) : undefined;
    let answer;
    try {
      answer = await switchHomeUser(tv, owner, row.uuid ?? row.plex_tv_id ?? row.plex_account_id, pin);
    } catch (err) {
      return { problem: `plex.tv could not switch to ${row.name} (${message(err)}); the next run tries again.` };
    }
    if (answer === 'wrong_pin') {
      await updatePerson(this.deps.db, plexAccountId, { plexAccess: 'pin_needed', plexAccessNote: `${row.name} is a protected Plex Home user: enter their Plex Home PIN so the service can read their watched state.` });
      return { problem: `${row.name} is a protected Plex Home user: enter their Plex Home PIN in Settings → People so their watched state can be read.` };
    }
    this.deps.secretRegistry.add(answer.authToken);
    const machineId = await this.deps.plex.machineIdentifier().catch(() => null);
    const server = machineId ? (await tv.servers(answer.authToken).catch(() => [])).find((r) => r.clientIdentifier === machineId) : undefined;
    if (!server?.accessToken) return { problem: `plex.tv listed no token of ${row.name}'s for the connected server; the next run tries again.` };
    this.deps.secretRegistry.add(server.accessToken);
    await updatePerson(this.deps.db, plexAccountId, { sealedPlexToken: this.deps.cipher.encrypt(server.accessToken) });
    return server.accessToken;
  }

  /**
   * A fresh server token for a person whose stored one the server refused (401): a Home user's
   * by plex.tv's switch again (with their stored PIN), a friend's by reading plex.tv's shared
   * servers again. A sentence when none can be had, or when plex.tv gives the refused one back.
   */
  async renewToken(plexAccountId: number, refused: string): Promise<string | { problem: string }> {
    const row = await getPerson(this.deps.db, plexAccountId);
    if (!row) return { problem: `There is no person ${plexAccountId} in the household.` };
    if (row.kind === 'home') return this.homeToken(plexAccountId);
    await this.refresh({ force: true });
    const after = await getPerson(this.deps.db, plexAccountId);
    const token = after?.plex_token ? this.deps.cipher.decrypt(after.plex_token) : null;
    if (!token || token === refused) return { problem: `plex.tv gave no new token for ${row.name}: their share may have ended.` };
    return token;
  }

  /**
   * Gives a person the Trakt account just connected for them. Refuses (with a sentence) an
   * account that already carries someone else's plays, so two people never share one history.
   */
  async assignTrakt(plexAccountId: number, traktAccountId: number, ownersBefore: number | null): Promise<string | null> {
    const row = await getPerson(this.deps.db, plexAccountId);
    if (!row) return `No person with Plex account ${plexAccountId}.`;
    const owners = (await listPeople(this.deps.db)).filter((p) => p.plex_account_id !== plexAccountId && p.trakt_account_id === traktAccountId);
    if (owners.length) return `That Trakt account already belongs to ${owners[0]!.name}: sign in to Trakt as ${row.name}'s own account and try again.`;
    // `ownersBefore`: the connected (owner's) account as it was before this login stored a new one.
    if (row.kind !== 'owner' && ownersBefore === traktAccountId) {
      return `That Trakt account is the one connected in Settings (the owner's): sign in to Trakt as ${row.name}'s own account and try again.`;
    }
    await updatePerson(this.deps.db, plexAccountId, { traktAccountId });
    this.deps.log.info({ component: 'people', plexAccountId, traktAccountId }, 'person connected to Trakt');
    return null;
  }

  /** Forgets the person's own Trakt account (the caller revokes the tokens). Returns the account id it had. */
  async unassignTrakt(plexAccountId: number): Promise<number | null> {
    const row = await getPerson(this.deps.db, plexAccountId);
    if (!row || row.trakt_account_id === null) return null;
    await updatePerson(this.deps.db, plexAccountId, { traktAccountId: null });
    return row.trakt_account_id;
  }

  /** A person by Plex account id, or by name (case-insensitive), for `login trakt --person`. */
  async find(ref: string): Promise<PersonRow | undefined> {
    const rows = await listPeople(this.deps.db);
    if (/^\d+$/.test(ref)) {
      const byId = rows.find((r) => r.plex_account_id === Number(ref));
      if (byId) return byId;
    }
    const lower = ref.trim().toLowerCase();
    return rows.find((r) => r.name.toLowerCase() === lower);
  }
}

function message(err: unknown): string {
  if (err instanceof PlexError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
