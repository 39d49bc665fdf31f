/**
 * The Plex accounts both emulators share: who exists, their plex.tv tokens and their tokens
 * for the emulated server. Account ids are the library model's (`plexAccountId`, 1 = the
 * server owner, as in webhooks and on the server); plex.tv knows the owner by a different,
 * large id, as the real one does.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PlexAccount {
  /** The id the server and webhooks use (1 = owner). */
  id: number;
  /** The id plex.tv answers with in /api/v2/user (the owner's is not 1). */
  plexTvId: number;
  uuid: string;
  username: string;
  title: string;
  email: string;
  thumb: string;
  owner: boolean;
  restricted: boolean;
  /** 'home': a Plex Home user (listed in /api/v2/home/users, switchable); 'friend': the server is shared with them. */
  kind: 'owner' | 'home' | 'friend';
  /** A protected Home user's PIN: the switch needs `?pin=` equal to it. */
  pin: string | null;
  /** The account's own plex.tv token (what a PIN login hands out). */
  userToken: string;
  /** The token for the emulated server (the resource's `accessToken`); not the plex.tv one. */
  serverToken: string;
}

export interface AccountInput {
  id: number;
  username: string;
  title?: string;
  email?: string;
  restricted?: boolean;
  /** Default 'home' (the owner is always 'owner'). */
  kind?: 'home' | 'friend';
  /** A Home user's PIN (makes them protected). */
  pin?: string | null;
}

export const OWNER_ID = 1;
/** plex.tv's id of the owner (deliberately not 1: a client must not confuse the two). */
export const OWNER_PLEX_TV_ID = 24_601_337;

export class PlexAccounts {
  private byId = new Map<number, PlexAccount>();
  /** plex.tv tokens (the account's own plus one per approved PIN) → account id. */
  private userTokens = new Map<string, number>();
  private serverTokens = new Map<string, number>();
  private counter = 0;

  constructor(private readonly tokenSeed: string = randomBytes(8).toString('hex')) {
    this.upsert({ id: OWNER_ID, username: 'plex-owner' });
  }

  /** A 20-character token, deterministic for a given seed (so a demo can print stable ones). */
  private mint(kind: string, id: number): string {
    this.counter += 1;
    return createHash('sha256').update(`${this.tokenSeed}:${kind}:${id}:${this.counter}`).digest('base64url').slice(0, 20);
  }

  /** Adds an account or renames an existing one (its tokens stay valid). */
  upsert(input: AccountInput): PlexAccount {
    const existing = this.byId.get(input.id);
    if (existing) {
      Object.assign(existing, {
        username: input.username,
        title: input.title ?? input.username,
        email: input.email ?? `${input.username}@example.test`,
        restricted: input.restricted ?? existing.restricted,
        kind: existing.owner ? 'owner' : (input.kind ?? existing.kind),
        pin: input.pin === undefined ? existing.pin : input.pin,
      });
      return existing;
    }
    const owner = input.id === OWNER_ID;
    const hex = createHash('sha1').update(`${this.tokenSeed}:uuid:${input.id}`).digest('hex');
    const account: PlexAccount = {
      id: input.id,
      plexTvId: owner ? OWNER_PLEX_TV_ID : input.id,
      uuid: hex.slice(0, 16),
      username: input.username,
      title: input.title ?? input.username,
      email: input.email ?? `${input.username}@example.test`,
      thumb: `https://plex.tv/users/${hex.slice(0, 16)}/avatar?c=1700000000`,
      owner,
      restricted: input.restricted ?? false,
      kind: owner ? 'owner' : (input.kind ?? 'home'),
      pin: owner ? null : (input.pin ?? null),
      userToken: this.mint('user', input.id),
      serverToken: this.mint('server', input.id),
    };
    this.byId.set(account.id, account);
    this.userTokens.set(account.userToken, account.id);
    this.serverTokens.set(account.serverToken, account.id);
    return account;
  }

  get owner(): PlexAccount {
    return this.byId.get(OWNER_ID)!;
  }

  all(): PlexAccount[] {
    return [...this.byId.values()];
  }

  get(id: number): PlexAccount {
    const a = this.byId.get(id);
    if (!a) throw new Error(`unknown Plex account ${id}`);
    return a;
  }

  find(id: number): PlexAccount | undefined {
    return this.byId.get(id);
  }

  /** By plex.tv id (the one in /api/v2/user and /home/users). */
  byPlexTvId(plexTvId: number): PlexAccount | undefined {
    return this.all().find((a) => a.plexTvId === plexTvId);
  }

  /** By plex.tv id or uuid (the switch endpoint takes either). */
  byPlexTvRef(ref: string): PlexAccount | undefined {
    return this.all().find((a) => a.uuid === ref || String(a.plexTvId) === ref);
  }

  /** A fresh plex.tv token for the account (each PIN approval and user switch gets one). */
  issueUserToken(id: number): string {
    this.get(id);
    const token = this.mint('user', id);
    this.userTokens.set(token, id);
    return token;
  }

  accountForUserToken(token: string | undefined): PlexAccount | undefined {
    const id = token ? this.userTokens.get(token) : undefined;
    return id === undefined ? undefined : this.byId.get(id);
  }

  accountForServerToken(token: string | undefined): PlexAccount | undefined {
    const id = token ? this.serverTokens.get(token) : undefined;
    return id === undefined ? undefined : this.byId.get(id);
  }

  /**
   * Ends an account's server token and gives it a new one, as Plex does when a token is revoked
   * and the account signs in again: the old one answers 401, plex.tv (resources, shared servers)
   * hands out the new one. Returns the new token.
   */
  rotateServerToken(id: number): string {
    const account = this.get(id);
    this.serverTokens.delete(account.serverToken);
    account.serverToken = this.mint('server', id);
    this.serverTokens.set(account.serverToken, id);
    return account.serverToken;
  }

  /** Makes a token (plex.tv or server) invalid from now on. Returns whether it existed. */
  revoke(token: string): boolean {
    return this.userTokens.delete(token) || this.serverTokens.delete(token);
  }
}
