/**
 * Driving the emulated server as a person and a player would: `emitWebhook` changes the
 * server's state the way the event implies (play/resume/pause keep a session, stop ends it,
 * scrobble marks played, rate sets the rating) and then posts the webhook to the registered
 * URLs. `controlActions` exposes this and the state API at POST /__control/<action>.
 */
import { OWNER_ID } from './accounts.js';
import type { PlexServerFake } from './pms.js';
import type { PlayState } from './sessions.js';
import type { LivePlay } from './live-play.js';
import { sendNoise } from './live-play.js';
import { buildWebhookPayload, type WebhookInput } from './webhook-payload.js';
import { sendWebhook, type SendOptions, type SendResult } from './webhook-sender.js';

const SESSION_STATE: Record<string, PlayState> = { 'media.play': 'playing', 'media.resume': 'playing', 'media.pause': 'paused' };

export async function emitWebhook(pms: PlexServerFake, input: WebhookInput, opts: SendOptions & { urls?: string[] } = {}): Promise<SendResult[]> {
  const accountId = input.accountId ?? OWNER_ID;
  if (input.ref !== undefined) {
    const item = pms.resolve(input.ref);
    const state = SESSION_STATE[input.event];
    const offset = input.viewOffsetMs ?? undefined;
    if (state) pms.setSession({ ref: item.ratingKey, accountId, state, viewOffsetMs: offset });
    // A scrobble happens during playback: an open session of that viewing is at its position.
    else if (offset !== undefined && pms.sessions.all().some((s) => s.accountId === accountId && s.ratingKey === item.ratingKey)) {
      pms.setSession({ ref: item.ratingKey, accountId, viewOffsetMs: offset });
    }
    if (input.event === 'media.scrobble') pms.markWatched(item.ratingKey, accountId);
    if (input.event === 'media.rate' && input.rating !== undefined) pms.setRating(item.ratingKey, input.rating, accountId);
    if (input.event === 'media.stop' && offset !== undefined) pms.setProgress(item.ratingKey, offset, accountId);
  }
  const payload = buildWebhookPayload(pms, input);
  if (input.event === 'media.stop' && input.ref !== undefined) {
    const rk = pms.resolve(input.ref).ratingKey;
    for (const s of pms.sessions.all()) if (s.accountId === accountId && s.ratingKey === rk) pms.clearSessions(s.sessionKey);
  }
  const urls = opts.urls ?? pms.webhookUrls;
  return Promise.all(urls.map((url) => sendWebhook(url, payload, opts)));
}

/** POST /__control/<action> bodies: `ref` is a ratingKey or a library-model key. */
export function controlActions(pms: PlexServerFake): Record<string, (body: any) => unknown> {
  const account = (b: { accountId?: number }) => (b.accountId === undefined ? OWNER_ID : Number(b.accountId));
  const plays = new Map<string, LivePlay>();
  return {
    /** A step of a live play (notifications, optionally webhooks too): start, playing, pause, resume, stop, vanish, to-the-end. */
    live: async (b: { ref: string; accountId?: number; step: string; percent?: number; webhooks?: boolean }) => {
      const id = `${account(b)}:${pms.resolve(String(b.ref)).ratingKey}`;
      let play = plays.get(id);
      if (!play || b.step === 'start' || b.step === 'to-the-end') plays.set(id, (play = pms.livePlay(String(b.ref), { accountId: account(b), webhooks: !!b.webhooks })));
      const at = play.at(Number(b.percent ?? 0));
      if (b.step === 'start') await play.start(at);
      else if (b.step === 'playing') await play.playing(at);
      else if (b.step === 'pause') await play.pause(at);
      else if (b.step === 'resume') await play.resume(at);
      else if (b.step === 'stop') await play.stop(at);
      else if (b.step === 'vanish') play.vanish(at);
      else if (b.step === 'to-the-end') await play.toTheEnd();
      else throw new Error(`unknown live step ${b.step}`);
      if (b.step === 'stop' || b.step === 'vanish' || b.step === 'to-the-end') plays.delete(id);
      return { sessionKey: play.key, sockets: pms.notifications.connected };
    },
    'live-noise': (b: { ref: string }) => sendNoise(pms, pms.resolve(String(b.ref)).ratingKey),
    'live-drop': () => pms.notifications.drop(),
    lookup: (b: { libKey: string }) => ({ ratingKeys: pms.ratingKeysOf(String(b.libKey)) }),
    state: (b: { ref: string; accountId?: number }) => pms.stateOf(String(b.ref), account(b)),
    calls: () => pms.calls,
    tokens: () => pms.accounts.all().map((a) => ({ id: a.id, username: a.username, serverToken: a.serverToken, userToken: a.userToken })),
    'mark-watched': (b: { ref: string; accountId?: number; at?: number }) => pms.markWatched(String(b.ref), account(b), b.at),
    'mark-unwatched': (b: { ref: string; accountId?: number }) => pms.markUnwatched(String(b.ref), account(b)),
    rate: (b: { ref: string; rating: number | null; accountId?: number }) => pms.setRating(String(b.ref), b.rating === null ? null : Number(b.rating), account(b)),
    progress: (b: { ref: string; viewOffsetMs: number | null; accountId?: number }) => pms.setProgress(String(b.ref), b.viewOffsetMs, account(b)),
    'set-session': (b: { ref: string; accountId?: number; viewOffsetMs?: number; state?: PlayState; player?: Record<string, unknown> }) =>
      pms.setSession({ ref: String(b.ref), accountId: account(b), viewOffsetMs: b.viewOffsetMs, state: b.state, player: b.player }),
    'clear-sessions': (b: { sessionKey?: string }) => pms.clearSessions(b.sessionKey),
    'add-webhook': (b: { url: string }) => {
      if (!pms.webhookUrls.includes(String(b.url))) pms.webhookUrls.push(String(b.url));
      return { webhooks: pms.webhookUrls };
    },
    'remove-webhook': (b: { url: string }) => {
      const i = pms.webhookUrls.indexOf(String(b.url));
      if (i >= 0) pms.webhookUrls.splice(i, 1);
      return { webhooks: pms.webhookUrls };
    },
    'send-webhook': async (b: WebhookInput & { urls?: string[]; format?: 'multipart' | 'json' }) => {
      const results = await emitWebhook(pms, b, { urls: b.urls, format: b.format });
      return results.map((r) => ({ status: r.status, body: r.body.slice(0, 500) }));
    },
  };
}
