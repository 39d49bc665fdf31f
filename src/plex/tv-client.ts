/**
 * plex.tv (API.md B.2, B.3): PIN login, the signed-in user, and the user's servers with
 * their connections and access tokens. The base URL is injectable (PLEX_TV_URL) and may
 * carry a path; the token is passed per call because PIN creation has none yet.
 */
import { PlexResponseError } from './errors.js';
import { describeBase, PLEX_PRODUCT, PlexHttp, type PlexHttpOptions, type RequestOptions } from './http.js';
import type { PlexConnection, PlexPin, PlexResource, PlexTvUser } from './types.js';

export type PlexTvClientOptions = Omit<PlexHttpOptions, 'token'>;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function toPin(label: string, body: unknown): PlexPin {
  if (!isObject(body) || typeof body.id !== 'number' || typeof body.code !== 'string') throw new PlexResponseError(label, 'no PIN id and code');
  return {
    id: body.id,
    code: body.code,
    expiresIn: typeof body.expiresIn === 'number' ? body.expiresIn : undefined,
    expiresAt: typeof body.expiresAt === 'string' ? body.expiresAt : undefined,
    authToken: typeof body.authToken === 'string' && body.authToken ? body.authToken : null,
  };
}

function toConnection(c: unknown): PlexConnection | null {
  if (!isObject(c) || typeof c.uri !== 'string') return null;
  return {
    protocol: typeof c.protocol === 'string' ? c.protocol : undefined,
    address: typeof c.address === 'string' ? c.address : undefined,
    port: typeof c.port === 'number' ? c.port : undefined,
    uri: c.uri,
    local: c.local === true || c.local === 1 || c.local === '1',
    relay: c.relay === true || c.relay === 1 || c.relay === '1',
    IPv6: c.IPv6 === true || c.IPv6 === 1 || c.IPv6 === '1',
  };
}

function toResource(r: unknown): PlexResource | null {
  if (!isObject(r) || typeof r.clientIdentifier !== 'string' || typeof r.name !== 'string') return null;
  return {
    name: r.name,
    product: typeof r.product === 'string' ? r.product : undefined,
    productVersion: typeof r.productVersion === 'string' ? r.productVersion : undefined,
    clientIdentifier: r.clientIdentifier,
    provides: typeof r.provides === 'string' ? r.provides : '',
    owned: r.owned === true || r.owned === 1 || r.owned === '1',
    accessToken: typeof r.accessToken === 'string' ? r.accessToken : null,
    presence: r.presence === true || r.presence === 1,
    connections: (Array.isArray(r.connections) ? r.connections : []).map(toConnection).filter((c): c is PlexConnection => !!c),
  };
}

export class PlexTvClient {
  readonly http: PlexHttp;

  constructor(readonly opts: PlexTvClientOptions) {
    this.http = new PlexHttp('plex.tv', `plex.tv (${describeBase(opts.baseUrl)})`, opts);
  }

  /** A new strong PIN (long code, long lifetime) for the auth page. */
  async createPin(): Promise<PlexPin> {
    const a = await this.http.json<unknown>('POST', '/api/v2/pins', { query: { strong: 'true' } });
    return toPin(this.http.label, a.body);
  }

  /** The PIN now: `authToken` is set once approved; null when plex.tv no longer knows it (expired). */
  async checkPin(id: number): Promise<PlexPin | null> {
    const a = await this.http.request('GET', `/api/v2/pins/${encodeURIComponent(String(id))}`, { allow: [404, 410] });
    if (a.status === 404 || a.status === 410) return null;
    return toPin(this.http.label, a.body);
  }

  /** Who the token belongs to; a 401 (PlexUnauthorizedError) means the token is not valid. */
  async user(token: string, ro: Pick<RequestOptions, 'timeoutMs' | 'retry'> = {}): Promise<PlexTvUser> {
    const a = await this.http.json<Record<string, unknown>>('GET', '/api/v2/user', { ...ro, headers: { 'x-plex-token': token } });
    const b = a.body;
    if (typeof b.id !== 'number' || typeof b.username !== 'string') throw new PlexResponseError(this.http.label, 'no user id and username');
    return {
      id: b.id,
      uuid: typeof b.uuid === 'string' ? b.uuid : undefined,
      username: b.username,
      title: typeof b.title === 'string' ? b.title : undefined,
      email: typeof b.email === 'string' ? b.email : undefined,
      thumb: typeof b.thumb === 'string' ? b.thumb : undefined,
    };
  }

  /** Every device of the account; `servers()` keeps the Plex Media Servers. */
  async resources(token: string): Promise<PlexResource[]> {
    const a = await this.http.request('GET', '/api/v2/resources', {
      query: { includeHttps: 1, includeRelay: 1, includeIPv6: 1 },
      headers: { 'x-plex-token': token },
    });
    if (!Array.isArray(a.body)) throw new PlexResponseError(this.http.label, 'no list of resources');
    return a.body.map(toResource).filter((r): r is PlexResource => !!r);
  }

  async servers(token: string): Promise<PlexResource[]> {
    return (await this.resources(token)).filter((r) => r.provides.split(',').includes('server'));
  }
}

/** The auth page URL (PLEX_AUTH_URL) a person opens to approve the PIN; parameters go in the fragment. */
export function plexAuthUrl(authBase: string, clientIdentifier: string, pinCode: string, product = PLEX_PRODUCT): string {
  const params = `clientID=${encodeURIComponent(clientIdentifier)}&code=${encodeURIComponent(pinCode)}&context%5Bdevice%5D%5Bproduct%5D=${encodeURIComponent(product)}`;
  return `${authBase.replace(/#.*$/, '')}#?${params}`;
}
