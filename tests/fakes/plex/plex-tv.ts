/**
 * The plex.tv emulator (API.md B.2, B.3): PIN login with the auth page, the account
 * (`/api/v2/user`), devices (`/api/v2/resources`) and Plex Home users with switching.
 * Its URL is the service's PLEX_TV_URL; `<url>/auth` is PLEX_AUTH_URL.
 */
import { FakeServer, type FakeRequest, type FakeResponse } from '../kit/server.js';
import { OWNER_ID, PlexAccounts, type PlexAccount } from './accounts.js';
import { authPageHtml, type AuthPageOptions } from './auth-page.js';
import { plexParam, plexTvError, plexTvReply } from './http.js';
import { PinStore, type Pin, type PinLifetimes } from './pins.js';
import { resourcesFor, type Connection, type ServerDescriptor } from './resources.js';

export interface PlexTvFakeOptions {
  /** Shared with the server emulator when both run (startPlexFakes does that). */
  accounts?: PlexAccounts;
  now?: () => number;
  /** Mount everything under this path (base URLs may carry one). */
  pathPrefix?: string;
  pinLifetimes?: Partial<PinLifetimes>;
  auth?: Partial<AuthPageOptions>;
  port?: number;
}

const esc = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** plex.tv's legacy friends list (`GET /api/users/`): one `User` per friend with the servers shared with them. */
function friendsXml(friends: PlexAccount[], server: ServerDescriptor | undefined): string {
  const users = friends.map((f) => {
    const srv = server ? `<Server id="1" serverId="1" machineIdentifier="${esc(server.machineIdentifier)}" name="${esc(server.name)}" numLibraries="2" allLibraries="1" owned="1" pending="0"/>` : '';
    return `<User id="${f.plexTvId}" title="${esc(f.title)}" username="${esc(f.username)}" email="${esc(f.email)}" thumb="${esc(f.thumb)}" protected="0" home="0" restricted="${f.restricted ? 1 : 0}">${srv}</User>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer friendlyName="myPlex" identifier="com.plexapp.plugins.myplex" totalSize="${friends.length}" size="${friends.length}">${users.join('')}</MediaContainer>`;
}

/** `GET /api/servers/{machineId}/shared_servers`: each friend's `accessToken` for the server (empty when Plex gives none). */
function sharedServersXml(friends: PlexAccount[], machineId: string, giveTokens: boolean): string {
  const rows = friends.map(
    (f, i) => `<SharedServer id="${9000 + i}" username="${esc(f.username)}" email="${esc(f.email)}" userID="${f.plexTvId}" accessToken="${giveTokens ? esc(f.serverToken) : ''}" name="${esc(f.title)}" acceptedAt="1700000000" invitedAt="1700000000" allowSync="0" owned="0"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer friendlyName="myPlex" identifier="com.plexapp.plugins.myplex" machineIdentifier="${esc(machineId)}" size="${friends.length}">${rows.join('')}</MediaContainer>`;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class PlexTvFake {
  readonly server: FakeServer;
  readonly accounts: PlexAccounts;
  readonly pins: PinStore;
  readonly now: () => number;
  readonly pathPrefix: string;
  authOptions: AuthPageOptions;
  /** Who the auth page signs in as when the page URL names nobody. */
  authAccountId = OWNER_ID;
  /** The server plex.tv lists in resources (set by startPlexFakes or `setServer`); read on every request. */
  private serverSource: (() => ServerDescriptor) | undefined;
  /** Replaces the server's default connections (e.g. only a relay, or a working remote). */
  connectionsOverride: Connection[] | undefined;
  /** false: shared_servers lists friends without an accessToken, as some 2026 reports say Plex now does. */
  friendTokens = true;

  constructor(opts: PlexTvFakeOptions = {}) {
    this.accounts = opts.accounts ?? new PlexAccounts();
    this.now = opts.now ?? Date.now;
    this.pathPrefix = (opts.pathPrefix ?? '').replace(/\/$/, '');
    this.pins = new PinStore(this.now, { strongSec: 1800, shortSec: 900, ...opts.pinLifetimes });
    this.authOptions = { autoApprove: true, forwardDelayMs: 300, ...opts.auth };
    this.server = new FakeServer({ name: 'plex.tv', handle: (req) => this.handle(req), control: this.controlActions() });
  }

  /** PLEX_TV_URL. */
  get url(): string {
    return `${this.server.url}${this.pathPrefix}`;
  }

  /** PLEX_AUTH_URL. */
  get authUrl(): string {
    return `${this.url}/auth`;
  }

  async start(port = 0): Promise<string> {
    await this.server.start(port);
    return this.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The server to list: a fixed descriptor, or a function (so a renamed server shows its new name). */
  setServer(server: ServerDescriptor | (() => ServerDescriptor) | undefined): void {
    this.serverSource = typeof server === 'function' ? server : server ? () => server : undefined;
  }

  /** Approves a live PIN (by id or code; the newest pending one when none is named). Returns its token, or null. */
  approvePin(ref?: number | string, accountId = this.authAccountId): string | null {
    const pin = ref === undefined ? this.pins.pending().at(-1) : this.pins.find(ref);
    if (!pin) return null;
    this.accounts.get(accountId); // an unknown account throws rather than minting a dead token
    if (!pin.authToken) {
      pin.authToken = this.accounts.issueUserToken(accountId);
      pin.accountId = accountId;
    }
    return pin.authToken;
  }

  expirePin(ref?: number | string): boolean {
    const pin = ref === undefined ? this.pins.pending().at(-1) : this.pins.find(ref);
    return !!pin && this.pins.expire(pin.id);
  }

  /** The auth URL a real client would open for a PIN (fragment-encoded, API.md B.2). */
  authLinkFor(pin: Pin, product = pin.product, forwardUrl?: string): string {
    const q = new URLSearchParams({ clientID: pin.clientIdentifier, code: pin.code, 'context[device][product]': product });
    if (forwardUrl) q.set('forwardUrl', forwardUrl);
    return `${this.authUrl}#?${q.toString()}`;
  }

  private handle(raw: FakeRequest): FakeResponse {
    if (this.pathPrefix && !raw.path.startsWith(`${this.pathPrefix}/`)) return { status: 404, body: '' };
    const req = this.pathPrefix ? { ...raw, path: raw.path.slice(this.pathPrefix.length) } : raw;
    const path = req.path.replace(/\/+$/, '') || '/';
    if (path === '/auth' && req.method === 'GET') {
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: authPageHtml(this.authOptions) };
    }
    if (path === '/auth/approve' && req.method === 'POST') return this.approveFromPage(req);
    if (path === '/favicon.ico') return { status: 204, body: '' }; // keeps browser consoles clean
    if (path === '/api/v2/pins' && req.method === 'POST') return this.createPin(req);
    const pinMatch = /^\/api\/v2\/pins\/(\d+)$/.exec(path);
    if (pinMatch && req.method === 'GET') return this.readPin(req, Number(pinMatch[1]));

    const account = this.accounts.accountForUserToken(plexParam(req, 'X-Plex-Token'));
    const needsAccount =
      ['/api/v2/user', '/api/v2/resources', '/api/v2/home/users', '/api/users'].includes(path) ||
      /^\/api\/v2\/home\/users\/[\w-]+\/switch$/.test(path) ||
      /^\/api\/servers\/[\w-]+\/shared_servers$/.test(path);
    if (!needsAccount) return plexTvError(req, 404, 1002, 'Not Found');
    if (!account) return plexTvError(req, 401, 1001, 'User could not be authenticated');
    if (path === '/api/v2/user' && req.method === 'GET') return plexTvReply(req, 200, this.userJson(account, plexParam(req, 'X-Plex-Token')!), 'user');
    if (path === '/api/v2/resources' && req.method === 'GET') {
      const devices = resourcesFor(account, this.accounts.owner, this.serverSource?.(), iso(this.now()), this.connectionsOverride);
      return plexTvReply(req, 200, devices, 'resources', { size: devices.length, resources: devices });
    }
    if (path === '/api/v2/home/users' && req.method === 'GET') return plexTvReply(req, 200, this.homeJson(), 'home');
    if (path === '/api/users' && req.method === 'GET') {
      if (!account.owner) return plexTvError(req, 403, 1003, 'Only the owner can list friends');
      return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: friendsXml(this.friends(), this.serverSource?.()) };
    }
    const sharedMatch = /^\/api\/servers\/([\w-]+)\/shared_servers$/.exec(path);
    if (sharedMatch && req.method === 'GET') {
      if (!account.owner) return plexTvError(req, 403, 1003, 'Only the owner can list shared servers');
      return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: sharedServersXml(this.friends(), sharedMatch[1]!, this.friendTokens) };
    }
    const switchMatch = /^\/api\/v2\/home\/users\/([\w-]+)\/switch$/.exec(path);
    if (switchMatch && req.method === 'POST') {
      if (!account.owner) return plexTvError(req, 403, 1003, 'Only the home admin can switch users');
      const target = this.accounts.byPlexTvRef(switchMatch[1]!);
      if (!target || target.kind === 'friend') return plexTvError(req, 404, 1002, 'Not Found');
      // A protected Home user: the PIN must match (plex.tv answers 401 with code 1041 otherwise).
      if (target.pin !== null && plexParam(req, 'pin') !== target.pin) return plexTvError(req, 401, 1041, 'Invalid PIN');
      const token = this.accounts.issueUserToken(target.id);
      return plexTvReply(req, 201, this.userJson(target, token), 'user');
    }
    return plexTvError(req, 405, 1000, 'Method Not Allowed');
  }

  private createPin(req: FakeRequest): FakeResponse {
    const clientIdentifier = plexParam(req, 'X-Plex-Client-Identifier');
    const product = plexParam(req, 'X-Plex-Product');
    if (!clientIdentifier) return plexTvError(req, 400, 1000, 'X-Plex-Client-Identifier is missing');
    if (!product) return plexTvError(req, 400, 1000, 'X-Plex-Product is missing');
    const strong = ['true', '1'].includes(String(req.query.get('strong') ?? (req.json as { strong?: unknown } | undefined)?.strong ?? ''));
    const pin = this.pins.create({ strong, product, clientIdentifier });
    return plexTvReply(req, 201, this.pins.toJson(pin), 'pin');
  }

  private readPin(req: FakeRequest, id: number): FakeResponse {
    const clientIdentifier = plexParam(req, 'X-Plex-Client-Identifier');
    if (!clientIdentifier) return plexTvError(req, 400, 1000, 'X-Plex-Client-Identifier is missing');
    const pin = this.pins.get(id);
    // A PIN is only readable by the client that created it; expired ones are gone.
    if (!pin || pin.clientIdentifier !== clientIdentifier) return plexTvError(req, 404, 1020, 'Code not found or expired');
    return plexTvReply(req, 200, this.pins.toJson(pin), 'pin');
  }

  private approveFromPage(req: FakeRequest): FakeResponse {
    const body = (req.json ?? {}) as { clientID?: string; code?: string; accountId?: number };
    const pin = body.code ? this.pins.find(String(body.code)) : undefined;
    if (!pin) return { status: 404, body: { error: 'This sign-in code is invalid or has expired. Start again from the app.' } };
    if (pin.clientIdentifier !== body.clientID) return { status: 400, body: { error: 'This sign-in code belongs to another app.' } };
    const accountId = body.accountId ?? this.authAccountId;
    const account = this.accounts.find(accountId);
    if (!account) return { status: 400, body: { error: `No Plex account ${accountId}.` } };
    this.approvePin(pin.id, accountId);
    return { status: 200, body: { ok: true, username: account.username, product: pin.product } };
  }

  private userJson(account: PlexAccount, token: string): Record<string, unknown> {
    return {
      id: account.plexTvId,
      uuid: account.uuid,
      username: account.username,
      title: account.title,
      friendlyName: account.title,
      email: account.email,
      thumb: account.thumb,
      locale: null,
      confirmed: true,
      joinedAt: 1_500_000_000,
      emailOnlyAuth: false,
      hasPassword: true,
      protected: false,
      restricted: account.restricted,
      home: true,
      homeAdmin: account.owner,
      homeSize: this.accounts.all().length,
      authToken: token,
      subscription: { active: true, subscribedAt: '2020-01-01T00:00:00Z', status: 'Active', paymentService: 'braintree', plan: 'lifetime', features: ['webhooks'] },
    };
  }

  private homeJson(): Record<string, unknown> {
    const users = this.accounts.all().filter((a) => a.kind !== 'friend').map((a) => ({
      id: a.plexTvId,
      uuid: a.uuid,
      title: a.title,
      username: a.username,
      email: a.email,
      friendlyName: a.title,
      thumb: a.thumb,
      hasPassword: true,
      restricted: a.restricted,
      updatedAt: 1_700_000_000,
      restrictionProfile: null,
      admin: a.owner,
      guest: false,
      protected: a.pin !== null,
    }));
    return { id: 4_242_424, name: `${this.accounts.owner.username}'s home`, guestUserID: null, guestUserUUID: null, guestEnabled: false, subscription: true, users };
  }

  private friends(): PlexAccount[] {
    return this.accounts.all().filter((a) => a.kind === 'friend');
  }

  private controlActions(): Record<string, (body: any) => unknown> {
    return {
      'friend-tokens': (b: { give?: boolean }) => ({ give: (this.friendTokens = b.give !== false) }),
      'approve-pin': (b: { ref?: number | string; accountId?: number }) => ({ authToken: this.approvePin(b.ref, b.accountId ?? this.authAccountId) }),
      'expire-pin': (b: { ref?: number | string }) => ({ expired: this.expirePin(b.ref) }),
      pins: () => this.pins.pending().map((p) => this.pins.toJson(p)),
      accounts: () => this.accounts.all(),
      'revoke-token': (b: { token: string }) => ({ revoked: this.accounts.revoke(String(b.token)) }),
      'auth-options': (b: Partial<AuthPageOptions> & { accountId?: number }) => {
        Object.assign(this.authOptions, { ...(b.autoApprove !== undefined ? { autoApprove: !!b.autoApprove } : {}), ...(b.forwardDelayMs !== undefined ? { forwardDelayMs: Number(b.forwardDelayMs) } : {}) });
        if (b.accountId !== undefined) this.authAccountId = this.accounts.get(Number(b.accountId)).id;
        return { ...this.authOptions, accountId: this.authAccountId };
      },
    };
  }
}

export async function startPlexTvFake(opts: PlexTvFakeOptions = {}): Promise<PlexTvFake> {
  const fake = new PlexTvFake(opts);
  await fake.start(opts.port ?? 0);
  return fake;
}
