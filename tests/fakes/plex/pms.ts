/**
 * The Plex Media Server emulator (API.md B.1, B.4): token required (header or query, the
 * account's server token from plex.tv's resources), XML unless `Accept: application/json`,
 * `/identity` open. Library listings, items, mark watched/unwatched, rate, sessions; watch
 * state per account. A code-level API seeds, inspects and drives it; the same actions are
 * at POST /__control/<action> for a separate process (the demo).
 */
import { FakeServer, type FakeRequest, type FakeResponse } from '../kit/server.js';
import { OWNER_ID, PlexAccounts, type PlexAccount } from './accounts.js';
import { plexParam, pmsNotFound, pmsReply, pmsUnauthorized, sec } from './http.js';
import { makeJpeg } from './jpeg.js';
import { rateAction, touch, watchAction, type PlexCall } from './pms-actions.js';
import { controlActions } from './pms-control.js';
import { childItems, listSections, metadataItems, sectionItems, type LibraryContext } from './pms-library.js';
import { PMS_VERSION, type ServerDescriptor } from './resources.js';
import { Sessions, type Session, type SessionInput } from './sessions.js';
import { LivePlay, type LivePlayOptions } from './live-play.js';
import { NotificationHub } from './notifications.js';
import { PlexStore, type PlexItem } from './store.js';
import { WatchStates, type ItemState } from './watch-state.js';

export interface PlexServerFakeOptions {
  accounts?: PlexAccounts;
  now?: () => number;
  name?: string;
  machineIdentifier?: string;
  /** Also accept plex.tv account tokens (the real server accepts its owner's); off to catch clients that skip resources. */
  acceptAccountTokens?: boolean;
  /** Cap every page at this many items ("some endpoints will force pagination"). */
  forcePageSize?: number;
  /** Listings carry only what a sync reads (no summaries, artwork, stream details): a benchmark knob. */
  lean?: boolean;
  /** Serve under this path (a server behind a reverse proxy at `https://host/plex`). */
  pathPrefix?: string;
  port?: number;
}

export class PlexServerFake {
  readonly server: FakeServer;
  readonly accounts: PlexAccounts;
  readonly store = new PlexStore();
  readonly states = new WatchStates();
  readonly sessions: Sessions;
  /** `/:/websockets/notifications`: the sockets, what was sent, drop() and refuseNext(). */
  readonly notifications: NotificationHub;
  /** The default `pace` of live plays (a test sets one that waits for its listener). */
  livePace: (() => Promise<void>) | undefined;
  /** Every scrobble, unscrobble and rate the server received, oldest first. */
  readonly calls: PlexCall[] = [];
  /** Where `emitWebhook` posts (what the owner set in Plex Web → Webhooks). */
  readonly webhookUrls: string[] = [];
  readonly now: () => number;
  name: string;
  machineIdentifier: string;
  acceptAccountTokens: boolean;
  forcePageSize: number | undefined;
  lean: boolean;
  readonly pathPrefix: string;
  private readonly thumb = makeJpeg();

  constructor(opts: PlexServerFakeOptions = {}) {
    this.accounts = opts.accounts ?? new PlexAccounts();
    this.now = opts.now ?? Date.now;
    this.name = opts.name ?? 'Emulated Plex';
    this.machineIdentifier = opts.machineIdentifier ?? 'f9084da773878b0b3feb88c69934e2354df28697';
    this.acceptAccountTokens = opts.acceptAccountTokens ?? false;
    this.forcePageSize = opts.forcePageSize;
    this.lean = opts.lean ?? false;
    this.pathPrefix = (opts.pathPrefix ?? '').replace(/\/$/, '');
    this.sessions = new Sessions(this.now);
    this.server = new FakeServer({ name: 'plex-server', handle: (req) => this.handle(req), control: controlActions(this) });
    this.notifications = new NotificationHub({
      pathPrefix: this.pathPrefix,
      accountFor: (token) => this.accounts.accountForServerToken(token) ?? (this.acceptAccountTokens ? this.accounts.accountForUserToken(token) : undefined),
    });
    this.server.onUpgrade((req, socket, head) => this.notifications.upgrade(req, socket, head));
  }

  /** PLEX_URL (with the path prefix, if any). */
  get url(): string {
    return `${this.server.url}${this.pathPrefix}`;
  }

  async start(port = 0): Promise<string> {
    await this.server.start(port);
    return this.url;
  }

  stop(): Promise<void> {
    this.notifications.close();
    return this.server.stop();
  }

  /** Someone starts watching `ref` (nothing is sent until `start()`): drives sessions and notifications together. */
  livePlay(ref: string, opts: LivePlayOptions = {}): LivePlay {
    return new LivePlay(this, ref, opts);
  }

  /** The owner's (or another account's) token for this server: PLEX_TOKEN. */
  tokenFor(accountId = OWNER_ID): string {
    return this.accounts.get(accountId).serverToken;
  }

  descriptor(deadPort: number): ServerDescriptor {
    return { name: this.name, machineIdentifier: this.machineIdentifier, url: this.url, deadPort };
  }

  /** An item by ratingKey or by library-model key (the first item made from it). */
  resolve(ref: string): PlexItem {
    const item = this.store.get(ref) ?? this.store.get(this.store.ratingKeysOf(ref)[0] ?? '');
    if (!item) throw new Error(`no Plex item ${ref}`);
    return item;
  }

  /** The ratingKey of the (first) item made from a library-model key. */
  ratingKeyOf(libKey: string): string {
    const key = this.store.ratingKeysOf(libKey)[0];
    if (!key) throw new Error(`no Plex item for ${libKey}`);
    return key;
  }

  /** Every ratingKey made from a library-model key (editions, copies in other sections). */
  ratingKeysOf(libKey: string): string[] {
    return this.store.ratingKeysOf(libKey);
  }

  /** An account's state of an item (a copy; unwatched = viewCount 0). */
  stateOf(ref: string, accountId = OWNER_ID): ItemState {
    const item = this.resolve(ref);
    if (item.type === 'show' || item.type === 'season') {
      const sum = this.states.summary(accountId, item);
      const own = this.states.get(accountId, item.rk);
      return { viewCount: sum.viewedLeafCount, lastViewedAt: sum.lastViewedAt, userRating: own?.userRating };
    }
    return { ...(this.states.get(accountId, item.rk) ?? { viewCount: 0 }) };
  }

  /** The writes received for an item (by ratingKey or model key), or all of them. */
  callsFor(ref?: string): PlexCall[] {
    if (ref === undefined) return [...this.calls];
    const keys = new Set(this.store.get(ref) ? [ref] : this.store.ratingKeysOf(ref));
    return this.calls.filter((c) => keys.has(c.ratingKey));
  }

  /** Marks watched "by hand" in Plex (no call logged, no webhook), optionally at a past time. */
  markWatched(ref: string, accountId = OWNER_ID, atSec = sec(this.now())): void {
    const item = this.resolve(ref);
    this.states.markWatched(accountId, item, atSec);
    this.changed(item);
  }

  markUnwatched(ref: string, accountId = OWNER_ID): void {
    const item = this.resolve(ref);
    this.states.markUnwatched(accountId, item);
    this.changed(item);
  }

  /** Sets (0-10) or clears (null) a rating by hand. */
  setRating(ref: string, rating: number | null, accountId = OWNER_ID): void {
    const item = this.resolve(ref);
    this.states.rate(accountId, item, rating, sec(this.now()));
    this.changed(item);
  }

  /** Sets the saved position (ms; null clears) of an item for an account. */
  setProgress(ref: string, viewOffsetMs: number | null, accountId = OWNER_ID): void {
    const item = this.resolve(ref);
    this.states.setProgress(accountId, item, viewOffsetMs);
    this.changed(item);
  }

  /** Starts or updates a play session (shown by /status/sessions). */
  setSession(input: Omit<SessionInput, 'ratingKey'> & { ref: string }): Session {
    const item = this.resolve(input.ref);
    this.accounts.get(input.accountId ?? OWNER_ID);
    return this.sessions.set({ ...input, ratingKey: item.ratingKey, accountId: input.accountId ?? OWNER_ID });
  }

  clearSessions(sessionKey?: string): void {
    this.sessions.clear(sessionKey);
  }

  /** Watch state or a rating changed: listings are answered afresh (updatedAt stays: it is the metadata's). */
  private changed(_item: PlexItem): void {
    this.store.version += 1;
  }

  /** The item's metadata changed (a refresh, an edit): its `updatedAt` moves to now. */
  refreshMetadata(ref: string): void {
    touch(this.resolve(ref), sec(this.now()));
    this.store.version += 1;
  }

  private libraryContext(): LibraryContext {
    return { store: this.store, states: this.states, nowSec: () => sec(this.now()), forcePageSize: this.forcePageSize, lean: this.lean };
  }

  private accountFor(req: FakeRequest): PlexAccount | undefined {
    const token = plexParam(req, 'X-Plex-Token');
    return this.accounts.accountForServerToken(token) ?? (this.acceptAccountTokens ? this.accounts.accountForUserToken(token) : undefined);
  }

  private handle(raw: FakeRequest): FakeResponse {
    if (this.pathPrefix && raw.path !== this.pathPrefix && !raw.path.startsWith(`${this.pathPrefix}/`)) return pmsNotFound();
    const req = this.pathPrefix ? { ...raw, path: raw.path.slice(this.pathPrefix.length) || '/' } : raw;
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/identity' && read) {
      return pmsReply(req, 200, { size: 0, apiVersion: '1.1.1', claimed: true, machineIdentifier: this.machineIdentifier, version: PMS_VERSION });
    }
    if (path === '/favicon.ico') return { status: 204, body: '' }; // keeps browser consoles clean
    const account = this.accountFor(req);
    if (!account) return pmsUnauthorized();
    const ctx = this.libraryContext();
    const actions = { store: this.store, states: this.states, calls: this.calls, now: this.now };
    if (path === '/:/scrobble') return watchAction(req, actions, account.id, 'scrobble');
    if (path === '/:/unscrobble') return watchAction(req, actions, account.id, 'unscrobble');
    if (path === '/:/rate') return rateAction(req, actions, account.id);
    if (!read) return { status: 405, body: '' };
    if (path === '/') return this.root(req);
    if (path === '/library/sections' || path === '/library/sections/all') return listSections(req, ctx);
    let m = /^\/library\/sections\/(\d+)\/(all|allLeaves)$/.exec(path);
    if (m) return sectionItems(req, ctx, account.id, Number(m[1]), m[2] === 'allLeaves');
    m = /^\/library\/metadata\/(\d+)\/(children|allLeaves)$/.exec(path);
    if (m) return childItems(req, ctx, account.id, m[1]!, m[2] as 'children' | 'allLeaves');
    m = /^\/library\/metadata\/(\d+)\/(thumb|art)(\/\d+)?$/.exec(path);
    if (m) return this.store.get(m[1]!) ? { status: 200, headers: { 'content-type': 'image/jpeg' }, body: this.thumb } : pmsNotFound();
    m = /^\/library\/metadata\/([\d,]+)$/.exec(path);
    if (m) return metadataItems(req, ctx, account.id, m[1]!);
    if (path === '/status/sessions') return this.sessionList(req, account);
    return pmsNotFound();
  }

  private root(req: FakeRequest): FakeResponse {
    return pmsReply(req, 200, {
      size: 0,
      allowCameraUpload: false,
      allowSync: true,
      friendlyName: this.name,
      machineIdentifier: this.machineIdentifier,
      myPlex: true,
      myPlexSigninState: 'ok',
      myPlexSubscription: true,
      myPlexUsername: this.accounts.owner.email,
      platform: 'Linux',
      platformVersion: '6.1.0-18-amd64',
      transcoderActiveVideoSessions: 0,
      updatedAt: sec(this.now()),
      version: PMS_VERSION,
    });
  }

  /** The owner sees every session; other accounts are refused, as for any admin endpoint. */
  private sessionList(req: FakeRequest, account: PlexAccount): FakeResponse {
    if (!account.owner) return pmsUnauthorized();
    const rendered = this.sessions
      .all()
      .map((s) => this.sessions.render(s, this.accounts.get(s.accountId), this.store, this.states))
      .filter((m): m is Record<string, unknown> => !!m);
    return pmsReply(req, 200, { size: rendered.length, ...(rendered.length ? { Metadata: rendered } : {}) });
  }
}

export async function startPlexServerFake(opts: PlexServerFakeOptions = {}): Promise<PlexServerFake> {
  const fake = new PlexServerFake(opts);
  await fake.start(opts.port ?? 0);
  return fake;
}
