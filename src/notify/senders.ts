/**
 * One request per target kind, in the exact shape each service expects (API.md G), and the
 * answer read back into ok / status / error / when to try again. Every request has a time-out:
 * a target that hangs costs one delivery slot for that long, never a scrobble or a run.
 */
import type { NotifyMessage, NotifyType } from './events.js';
import type { NotifyTarget } from './urls.js';

export type NotifyFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface SendOptions {
  fetch?: NotifyFetch;
  timeoutMs?: number;
  /** Discord's API base (tests and the demo point it at the receiver); default https://discord.com/api. */
  discordApiUrl?: string;
}

export interface NotifyRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryAnswer {
  ok: boolean;
  status?: number;
  /** A sentence for Settings and the log (never holds a secret of the URL). */
  error?: string;
  /** The target asked us to wait this long (429 with Retry-After or Discord's retry_after). */
  retryAfterMs?: number;
  /** The service stopped while waiting: nothing is known, the message stays queued. */
  stopped?: boolean;
}

const NTFY_PRIORITY: Record<NotifyType, string> = { failure: 'high', warning: 'default', success: 'low', info: 'default' };
const NTFY_TAGS: Record<NotifyType, string> = { failure: 'rotating_light', warning: 'warning', success: 'white_check_mark', info: 'information_source' };
const GOTIFY_PRIORITY: Record<NotifyType, number> = { failure: 8, warning: 5, success: 2, info: 4 };
const DISCORD_COLOR: Record<NotifyType, number> = { failure: 0xdc2626, warning: 0xf59e0b, success: 0x16a34a, info: 0x2563eb };
const USERNAME = 'Plex-Trakt Sync';

/** Message text with its link on a last line, for targets that show only text. */
function textWithLink(m: NotifyMessage): string {
  return m.link && !m.message.includes(m.link) ? `${m.message}\n${m.link}` : m.message;
}

/** HTTP header values must be Latin-1; ntfy reads RFC 2047 encoded words for anything else. */
function headerText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

export function buildRequest(target: NotifyTarget, m: NotifyMessage, opts: SendOptions = {}): NotifyRequest {
  const headers: Record<string, string> = { 'User-Agent': USERNAME };
  if (target.basic) headers.Authorization = `Basic ${Buffer.from(`${target.basic.user}:${target.basic.pass}`).toString('base64')}`;
  if (target.bearer) headers.Authorization = `Bearer ${target.bearer}`;
  const json = (body: unknown): NotifyRequest => ({ url: target.endpoint, method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  switch (target.kind) {
    case 'json':
      // Apprise's json:// body, plus our event name and the facts behind it.
      return json({ version: '1.0', title: m.title, message: textWithLink(m), attachments: [], type: m.type, event: m.event, details: m.details });
    case 'ntfy': {
      const h: Record<string, string> = { ...headers, 'Content-Type': 'text/plain; charset=utf-8', Title: headerText(m.title), Priority: NTFY_PRIORITY[m.type], Tags: `${NTFY_TAGS[m.type]},${m.event}` };
      if (m.link) h.Click = m.link;
      return { url: target.endpoint, method: 'POST', headers: h, body: m.message };
    }
    case 'discord': {
      const base = (opts.discordApiUrl ?? 'https://discord.com/api').replace(/\/+$/, '');
      const { id, token } = target.discord!;
      const embed: Record<string, unknown> = { title: m.title.slice(0, 256), description: textWithLink(m).slice(0, 4096), color: DISCORD_COLOR[m.type] };
      if (m.link) embed.url = m.link;
      return { ...json({ content: m.title.slice(0, 2000), username: USERNAME, embeds: [embed] }), url: `${base}/webhooks/${id}/${token}` };
    }
    case 'gotify': {
      const body: Record<string, unknown> = { title: m.title, message: textWithLink(m), priority: GOTIFY_PRIORITY[m.type] };
      if (m.link) body.extras = { 'client::notification': { click: { url: m.link } } };
      return { ...json(body), url: `${target.endpoint}?token=${encodeURIComponent(target.key!)}` };
    }
    case 'apprise':
      return json({ title: m.title, body: textWithLink(m), type: m.type });
  }
}

/** Sends one message to one target; never throws. */
export async function deliver(target: NotifyTarget, m: NotifyMessage, opts: SendOptions = {}, stop?: AbortSignal): Promise<DeliveryAnswer> {
  const req = buildRequest(target, m, opts);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(req.url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'manual' });
  } catch (err) {
    if (stop?.aborted) return { ok: false, stopped: true, error: 'the service stopped before an answer came' };
    const timedOut = timeout.aborted;
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : `could not be reached (${cause ?? (err as Error).message})` };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The status is what counts; a body cut short changes nothing.
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  const answer: DeliveryAnswer = { ok: false, status: res.status, error: `answered ${res.status}${describeBody(text, target)}` };
  if (res.status === 429) answer.retryAfterMs = retryAfter(res.headers.get('retry-after'), text);
  return answer;
}

/** Discord puts `retry_after` (seconds) in the JSON body; others send Retry-After (seconds or a date). */
function retryAfter(header: string | null, body: string): number | undefined {
  try {
    const v = (JSON.parse(body) as { retry_after?: unknown }).retry_after;
    if (typeof v === 'number' && v >= 0) return Math.ceil(v * 1000);
  } catch {
    // not JSON: fall back to the header
  }
  if (header === null) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describeBody(text: string, target: NotifyTarget): string {
  let s = text.replace(/\s+/g, ' ').trim();
  if (!s) return '';
  for (const secret of target.secrets) if (secret.length >= 4) s = s.split(secret).join('***');
  return `: ${s.slice(0, 160)}`;
}
