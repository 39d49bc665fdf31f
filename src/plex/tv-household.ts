/**
 * plex.tv's household endpoints (API.md B.3, G "Households"), all with the owner's plex.tv
 * token: Home users (`/api/v2/home/users`), switching to one (`POST /api/v2/home/users/{uuid}/switch[?pin=]`),
 * friends (`/api/users/`, XML) and the friends' tokens for one server (`/api/servers/{id}/shared_servers`, XML).
 */
import { PlexResponseError } from './errors.js';
import type { PlexTvClient } from './tv-client.js';

export interface HomeUser {
  id: number;
  uuid: string | null;
  name: string;
  admin: boolean;
  /** Has a PIN: switching needs it. */
  protected: boolean;
}

export interface Friend {
  id: number;
  name: string;
  /** Machine identifiers of the servers shared with them (the `Server` children). */
  servers: string[];
}

export interface SharedServerToken {
  userId: number;
  /** null when Plex gave no token for this friend. */
  accessToken: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

const unescape = (v: string): string => v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The attributes of every `<tag …>` element in an XML text (plex.tv's legacy lists are flat enough for this). */
export function xmlElements(xml: string, tag: string): Array<{ attrs: Record<string, string>; inner: string }> {
  const out: Array<{ attrs: Record<string, string>; inner: string }> = [];
  const re = new RegExp(`<${tag}\\b([^>]*?)(/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  for (const m of xml.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
    out.push({ attrs, inner: m[3] ?? '' });
  }
  return out;
}

const text = (label: string, body: unknown): string => {
  if (typeof body !== 'string') throw new PlexResponseError(label, 'an answer that is not XML');
  return body;
};

export async function listHomeUsers(tv: PlexTvClient, token: string): Promise<HomeUser[]> {
  const a = await tv.http.request('GET', '/api/v2/home/users', { headers: { 'x-plex-token': token } });
  const users = isObject(a.body) && Array.isArray(a.body.users) ? a.body.users : null;
  if (!users) throw new PlexResponseError(tv.http.label, 'no list of Home users');
  return users.filter(isObject).flatMap((u) => {
    if (typeof u.id !== 'number') return [];
    const name = [u.title, u.username, u.friendlyName].find((n): n is string => typeof n === 'string' && n.trim() !== '') ?? `#${u.id}`;
    return [{ id: u.id, uuid: typeof u.uuid === 'string' ? u.uuid : null, name, admin: truthy(u.admin), protected: truthy(u.protected) }];
  });
}

export async function listFriends(tv: PlexTvClient, token: string): Promise<Friend[]> {
  const a = await tv.http.request('GET', '/api/users/', { headers: { 'x-plex-token': token, accept: 'application/xml' } });
  return xmlElements(text(tv.http.label, a.body), 'User').flatMap(({ attrs, inner }) => {
    const id = Number(attrs.id);
    if (!Number.isFinite(id) || attrs.home === '1') return [];
    const name = attrs.title || attrs.username || `#${id}`;
    return [{ id, name, servers: xmlElements(inner, 'Server').map((s) => s.attrs.machineIdentifier ?? '').filter(Boolean) }];
  });
}

export async function sharedServerTokens(tv: PlexTvClient, token: string, machineIdentifier: string): Promise<SharedServerToken[]> {
  const a = await tv.http.request('GET', `/api/servers/${encodeURIComponent(machineIdentifier)}/shared_servers`, { headers: { 'x-plex-token': token, accept: 'application/xml' } });
  return xmlElements(text(tv.http.label, a.body), 'SharedServer').flatMap(({ attrs }) => {
    const userId = Number(attrs.userID);
    return Number.isFinite(userId) ? [{ userId, accessToken: attrs.accessToken ? attrs.accessToken : null }] : [];
  });
}

/**
 * Switches to a Home user: their plex.tv token, or 'wrong_pin' when plex.tv refused the PIN
 * (401 for a protected user). Their server token then comes from `resources` with this token.
 */
export async function switchHomeUser(tv: PlexTvClient, token: string, user: string | number, pin?: string): Promise<{ authToken: string } | 'wrong_pin'> {
  const a = await tv.http.request('POST', `/api/v2/home/users/${encodeURIComponent(String(user))}/switch`, {
    query: pin ? { pin } : undefined,
    headers: { 'x-plex-token': token },
    allow: [401, 403],
  });
  if (a.status === 401 || a.status === 403) return 'wrong_pin';
  const authToken = isObject(a.body) ? (a.body.authToken ?? a.body.authenticationToken) : undefined;
  if (typeof authToken !== 'string' || !authToken) throw new PlexResponseError(tv.http.label, 'no token for the Home user');
  return { authToken };
}
