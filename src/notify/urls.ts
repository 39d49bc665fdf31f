/**
 * Apprise-style notification URLs: parsing (a wrong URL is a sentence naming the wrong part)
 * and masking (what may be shown or logged: the secret parts replaced). One parsed URL is a
 * `NotifyTarget` that the senders turn into a request.
 */
import { isNotifyEvent, NOTIFY_EVENTS, type NotifyEvent } from './events.js';

export type NotifyKind = 'json' | 'ntfy' | 'discord' | 'gotify' | 'apprise';

export interface NotifyTarget {
  kind: NotifyKind;
  /** The URL as given (with its secrets: never shown or logged). */
  raw: string;
  /** The URL with its secrets masked: safe to show and log. */
  masked: string;
  /** Where the request goes (http or https); Discord's is built from its id and token by the sender. */
  endpoint: string;
  /** `?events=`: only these; undefined when not given. */
  events?: NotifyEvent[];
  basic?: { user: string; pass: string };
  bearer?: string;
  /** ntfy topic, Gotify app token, Apprise key, Discord id/token: the path part each kind needs. */
  key?: string;
  discord?: { id: string; token: string };
  /** Every secret inside the URL, for the log scrubber. */
  secrets: string[];
}

export class NotifyUrlError extends Error {
  override name = 'NotifyUrlError';
}

const SCHEMES: Record<string, { kind: NotifyKind; secure: boolean }> = {
  json: { kind: 'json', secure: false },
  jsons: { kind: 'json', secure: true },
  ntfy: { kind: 'ntfy', secure: false },
  ntfys: { kind: 'ntfy', secure: true },
  discord: { kind: 'discord', secure: true },
  gotify: { kind: 'gotify', secure: false },
  gotifys: { kind: 'gotify', secure: true },
  apprise: { kind: 'apprise', secure: false },
  apprises: { kind: 'apprise', secure: true },
};

const EXAMPLES: Record<NotifyKind, string> = {
  json: 'json://host:port/path',
  ntfy: 'ntfys://ntfy.sh/your-topic',
  discord: 'discord://webhook_id/webhook_token',
  gotify: 'gotifys://gotify.example.com/app_token',
  apprise: 'apprises://apprise.example.com/config_key',
};

const SCHEME_LIST = 'json(s)://, ntfy(s)://, discord://, gotify(s)://, apprise(s)://';
const SECRET_QUERY = /token|key|secret|pass|auth|sig/i;

/** Hides a secret but keeps enough to recognise which one it is. */
export function maskSecret(s: string): string {
  return s.length >= 10 ? `${s.slice(0, 2)}***` : '***';
}

/** Splits NOTIFY_URLS: spaces, or commas that start a new URL (`?events=a,b` keeps its commas). */
export function splitNotifyUrls(value: string): string[] {
  return value
    .split(/\s+|,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((s) => s.trim().replace(/^,+|,+$/g, ''))
    .filter(Boolean);
}

/** A URL with its secrets hidden, even one that does not parse (for error lines). */
export function maskNotifyUrl(raw: string): string {
  try {
    return parseNotifyUrl(raw).masked;
  } catch {
    return maskNotifyUrlLoose(raw.trim());
  }
}

export function parseNotifyUrl(input: string): NotifyTarget {
  const raw = input.trim();
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (!schemeMatch) throw new NotifyUrlError(`"${maskNotifyUrlLoose(raw)}" does not start with a scheme: write it like ${EXAMPLES.ntfy} (one of ${SCHEME_LIST}).`);
  const scheme = schemeMatch[1]!.toLowerCase();
  const def = SCHEMES[scheme];
  if (!def) throw new NotifyUrlError(`the scheme "${scheme}://" is not one this service sends to: use ${SCHEME_LIST}.`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new NotifyUrlError(`"${maskNotifyUrlLoose(raw)}" is not a valid URL (check the host and port): write it like ${EXAMPLES[def.kind]}.`);
  }
  const host = u.hostname;
  if (!host) throw new NotifyUrlError(`the ${label(def.kind)} URL has no host: write it like ${EXAMPLES[def.kind]}.`);
  const events = parseEvents(u.searchParams.get('events'));
  u.searchParams.delete('events');
  const segments = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  const secrets: string[] = [raw];
  const http = def.secure ? 'https' : 'http';
  const hostPort = u.port ? `${u.hostname}:${u.port}` : u.hostname;
  const target: NotifyTarget = { kind: def.kind, raw, masked: '', endpoint: '', events, secrets };
  if (user && pass) {
    target.basic = { user, pass };
    secrets.push(pass);
  }
  const maskedUser = user ? (pass ? `${user}:***@` : `${maskSecret(user)}@`) : '';
  const eventsPart = events ? `?events=${events.join(',')}` : '';
  const needLast = (what: string): string => {
    const last = segments.at(-1);
    if (!last) throw new NotifyUrlError(`the ${label(def.kind)} URL has no ${what}: write it like ${EXAMPLES[def.kind]}.`);
    secrets.push(last);
    return last;
  };
  const prefix = segments.slice(0, -1).map(encodeURIComponent).join('/');
  const basePath = prefix ? `/${prefix}` : '';
  switch (def.kind) {
    case 'json': {
      const query = [...u.searchParams.entries()];
      for (const [k, v] of query) if (SECRET_QUERY.test(k)) secrets.push(v);
      target.endpoint = `${http}://${hostPort}${u.pathname}${u.search}`;
      const shownPath = segments.map((s) => (looksSecret(s) ? (secrets.push(s), maskSecret(s)) : s)).join('/');
      const shownQuery = query.map(([k, v]) => `${k}=${SECRET_QUERY.test(k) ? '***' : v}`);
      if (events) shownQuery.push(`events=${events.join(',')}`);
      target.masked = `${scheme}://${maskedUser}${hostPort}${shownPath ? `/${shownPath}` : ''}${shownQuery.length ? `?${shownQuery.join('&')}` : ''}`;
      break;
    }
    case 'ntfy': {
      // The topic is the password of a public ntfy server: masked like any other secret.
      const topic = needLast('topic');
      target.key = topic;
      const token = u.searchParams.get('token') ?? (user && !pass ? user : undefined);
      if (token) {
        target.bearer = token;
        secrets.push(token);
      }
      target.endpoint = `${http}://${hostPort}${basePath}/${encodeURIComponent(topic)}`;
      target.masked = `${scheme}://${maskedUser}${hostPort}${basePath}/${maskSecret(topic)}${eventsPart}`;
      break;
    }
    case 'discord': {
      const id = host;
      const token = segments[0];
      if (!/^\d+$/.test(id)) throw new NotifyUrlError(`the Discord webhook id "${maskSecret(id)}" should be digits: write ${EXAMPLES.discord}, taken from the webhook's URL https://discord.com/api/webhooks/ID/TOKEN.`);
      if (!token) throw new NotifyUrlError(`the Discord URL has no webhook token: write ${EXAMPLES.discord}, taken from the webhook's URL https://discord.com/api/webhooks/ID/TOKEN.`);
      if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new NotifyUrlError(`the Discord webhook token holds characters a token cannot have: copy it again from the webhook's URL (${EXAMPLES.discord}).`);
      secrets.push(token);
      target.discord = { id, token };
      target.key = token;
      target.endpoint = `https://discord.com/api/webhooks/${id}/${token}`;
      target.masked = `discord://${id}/${maskSecret(token)}${eventsPart}`;
      break;
    }
    case 'gotify': {
      const token = needLast('application token');
      target.key = token;
      target.endpoint = `${http}://${hostPort}${basePath}/message`;
      target.masked = `${scheme}://${maskedUser}${hostPort}${basePath}/${maskSecret(token)}${eventsPart}`;
      break;
    }
    case 'apprise': {
      const key = needLast('configuration key');
      target.key = key;
      target.endpoint = `${http}://${hostPort}${basePath}/notify/${encodeURIComponent(key)}`;
      target.masked = `${scheme}://${maskedUser}${hostPort}${basePath}/${maskSecret(key)}${eventsPart}`;
      break;
    }
  }
  return target;
}

function parseEvents(value: string | null): NotifyEvent[] | undefined {
  if (value === null) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new NotifyUrlError(`?events= is empty: name one or more of ${NOTIFY_EVENTS.join(', ')}, or leave it out for the default set.`);
  for (const n of names) {
    if (!isNotifyEvent(n)) throw new NotifyUrlError(`?events= names "${n}", which is not an event: use some of ${NOTIFY_EVENTS.join(', ')}.`);
  }
  return [...new Set(names as NotifyEvent[])];
}

/** Long mixed letters-and-digits path parts of a json:// URL (webhook tokens) are treated as secrets. */
function looksSecret(segment: string): boolean {
  return segment.length >= 12 && /\d/.test(segment) && /[a-z]/i.test(segment);
}

function label(kind: NotifyKind): string {
  return { json: 'JSON', ntfy: 'ntfy', discord: 'Discord', gotify: 'Gotify', apprise: 'Apprise' }[kind];
}

/** For error lines about a URL that did not parse: keep the scheme and host, hide the rest. */
function maskNotifyUrlLoose(raw: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/?#]*)(.*)$/i.exec(raw);
  if (!m) return '***';
  return `${m[1] ?? ''}${m[2] ?? ''}${m[3] ? '/***' : ''}`;
}

/** Rewrites the `?events=` of a URL (Settings' per-URL checkboxes); undefined removes it. */
export function withEvents(raw: string, events: readonly NotifyEvent[] | undefined): string {
  const [head, query = ''] = raw.trim().split(/\?(.*)/s, 2) as [string, string?];
  const params = query.split('&').filter((p) => p && !/^events=/i.test(p));
  if (events && events.length) params.push(`events=${events.join(',')}`);
  return params.length ? `${head}?${params.join('&')}` : head;
}
