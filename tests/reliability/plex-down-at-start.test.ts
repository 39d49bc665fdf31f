/**
 * The Plex server named by PLEX_URL does not answer while the service starts, then comes
 * back on the same address. The real service (startService) against the Plex and Trakt
 * emulators, PLEX_URL/PLEX_TOKEN preset, Trakt pre-connected, as in
 * tests/http/webhook-real-ports.test.ts.
 *
 * What the service does (and this file pins down):
 * - start-up does not wait for Plex: main.ts asks the server's identity in the background and
 *   logs a warning when it does not answer; the service listens and /healthz answers.
 * - the dashboard's Plex card has no network check (src/plex/status.ts): it says
 *   "Connected to <PLEX_URL>" (the URL, since the name is not known yet). The clear sentence
 *   comes from Settings → Plex → Test connection / Fetch libraries (src/plex/errors.ts).
 * - a webhook while the identity is unknown: it cannot be told to come from the connected
 *   server, so it waits (pending, with the reason), the owner's and another server's alike:
 *   a play on a friend's server must never go out as the owner's.
 * - back on the same address, once the identity is known (Fetch libraries asks it; otherwise
 *   the worker asks again within a minute): the owner's waiting event is sent once, the other
 *   server's is ignored with its reason, and new events flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { isEdgeKey, type Library } from '../fakes/library/index.js';
import { buildWebhookPayload, PMS_VERSION, sendEvent, sendWebhook, type PlexFakes, type SendResult } from '../fakes/plex/index.js';
import type { TraktFake } from '../fakes/trakt/index.js';
import { eventRow, settled } from '../fixtures/webhooks/service.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { startRealPortsWorld } from '../helpers/real-ports-world.js';

const PASSWORD = 'plex-down-admin-password';
let lib: Library;
let plex: PlexFakes;
let trakt: TraktFake;
let service: ServiceHandle;
let http: FormClient;
let hookUrl: string;
let owner: string;
let pmsUrl: string;
let pmsPort: number;
let plexToken: string;
let startMs: number;
const logs = new LogCapture();

beforeAll(async () => {
  let env: Record<string, string>;
  ({ lib, owner, trakt, plex, env } = await startRealPortsWorld({ seed: 5151, movies: 30, shows: 4, episodesPerShow: [2, 3] }, PASSWORD));
  pmsUrl = plex.pmsUrl;
  pmsPort = Number(new URL(pmsUrl).port);
  plexToken = plex.pms.tokenFor();

  // The Plex server goes away before the service starts: its address refuses connections.
  await plex.pms.stop();
  await expect(fetch(`${pmsUrl}/identity`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();

  const t0 = Date.now();
  // Quick retries, and enough of them that the outage cannot dead-letter the waiting events.
  service = await startService(loadConfig(env), { logSink: logs, scrobble: { worker: { backoffMs: 50, maxBackoffMs: 300, maxAttempts: 10_000 } } });
  startMs = Date.now() - t0;
  hookUrl = `${service.url}/webhooks/plex/${service.deps.secrets.webhookSecret()}`;
  http = new FormClient({ request: (p, init) => fetch(p, { ...init, signal: AbortSignal.timeout(10_000) }) }, service.url);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await Promise.allSettled([plex?.stop(), trakt?.stop()]);
});

async function stored(res: SendResult, timeoutMs = 10_000): Promise<WebhookEventRow> {
  expect(res.status).toBe(200);
  const id = (JSON.parse(res.body) as { id: number }).id;
  expect(eventRow(service, id)).toBeDefined(); // stored before the 200
  return settled(service, id, timeoutMs);
}

/** A plain modern-agent movie (ids in its Guid[]), known to Trakt, never played there, not used yet. */
const used = new Set<string>();
function plainMovie() {
  const m = lib.movies.find((x) => !used.has(x.key) && x.agent === 'modern' && !isEdgeKey(x.key) && x.traktId !== null && x.trakt.plays.length === 0);
  if (!m) throw new Error('no plain movie left');
  used.add(m.key);
  return m;
}

const moviePlays = (traktId: number | null) => trakt.plays(owner).filter((p) => p.type === 'movie' && p.trakt === traktId);
const traktPosts = (mark = 0) => trakt.server.requests.slice(mark).filter((r) => r.method === 'POST');

/** The Plex card's status line on the dashboard. */
async function plexCard(): Promise<{ state: string; text: string; html: string }> {
  const res = await http.get('/');
  expect(res.status).toBe(200);
  const html = await res.text();
  const m = html.match(/<p[^>]*id="plex-card-status"[^>]*data-state="([^"]+)"[^>]*>([^<]*)<\/p>/);
  expect(m, 'the Plex card status line').not.toBeNull();
  return { state: m![1]!, text: m![2]!, html };
}

/** Settings → Plex → a button (htmx), answered with the Plex section. */
async function plexButton(path: string): Promise<string> {
  const res = await http.post(path, {}, { headers: { 'hx-request': 'true' } });
  expect(res.status).toBe(200);
  return res.text();
}

const plexMessage = (html: string) => html.match(/<div id="plex-message"[^>]*>([^<]*)<\/div>/)?.[1] ?? null;

describe('the Plex server named by PLEX_URL is down at start-up, then comes back', () => {
  it('the service starts and listens anyway; Settings says the server cannot be reached; no token leaks', async () => {
    expect(startMs, `startService took ${startMs} ms`).toBeLessThan(5000);
    const health = await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    await http.get('/login');
    const login = await http.post('/login', { password: PASSWORD });
    expect([302, 303]).toContain(login.status);

    // The card reads the database only: connected by PLEX_URL, named by its URL (the server's name is
    // not known, since it never answered).
    const card = await plexCard();
    expect(card.state).toBe('connected');
    expect(card.text).toBe(`Connected to ${pmsUrl}`);
    const info = await service.deps.plex.info();
    expect(info).toMatchObject({ state: 'connected', source: 'env', url: pmsUrl, name: null, machineIdentifier: null });

    // Settings → Plex: the sentence a person gets from Test connection and Fetch libraries.
    const settings = await http.get('/settings');
    expect(settings.status).toBe(200);
    const settingsHtml = await settings.text();
    expect(settingsHtml).toContain('Set by PLEX_URL and PLEX_TOKEN in the environment (read-only here).');
    const unreachable = `The Plex server at 127.0.0.1:${pmsPort} could not be reached (ECONNREFUSED). Check the address and that the server is running and reachable from this machine.`;
    const tested = await plexButton('/settings/plex/test');
    expect(plexMessage(tested)).toBe(unreachable);
    const libraries = await plexButton('/settings/plex/libraries');
    expect(plexMessage(libraries)).toBe(unreachable);
    expect(libraries).not.toContain('plex-libraries-form');

    for (const [what, text] of [['dashboard', card.html], ['settings', settingsHtml], ['test connection', tested], ['fetch libraries', libraries], ['log', logs.text()]] as const) {
      expect(text, what).not.toContain(plexToken);
    }
  });

  let downMovie: ReturnType<typeof plainMovie>;
  let downEventId: number;
  let neighbourEventId: number;
  const NEIGHBOUR = { title: 'Neighbour’s Plex', uuid: '0000aaaa1111bbbb2222cccc3333dddd4444eeee' };

  /** Waits (bounded) until the event has been attempted at least once, and returns it. */
  async function attempted(id: number, timeoutMs = 10_000): Promise<WebhookEventRow> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const row = eventRow(service, id);
      if (row.attempts >= 1 || row.status !== 'pending') return row;
      if (Date.now() > until) throw new Error(`event ${id} not attempted within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('while Plex is down, webhooks are stored and acknowledged, and wait: neither the owner’s nor another server’s play is sent', async () => {
    expect(logs.text()).toContain('the connected Plex server did not answer at start-up; webhooks wait until it does');
    const traktMark = trakt.server.requests.length;

    downMovie = plainMovie();
    const res = await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: downMovie.key });
    expect(res.status).toBe(200);
    downEventId = (JSON.parse(res.body) as { id: number }).id;

    const neighbour = buildWebhookPayload(plex.pms, { event: 'media.scrobble', ref: plainMovie().key });
    neighbour.Server = NEIGHBOUR;
    const nres = await sendWebhook(hookUrl, neighbour);
    expect(nres.status).toBe(200);
    neighbourEventId = (JSON.parse(nres.body) as { id: number }).id;

    for (const id of [downEventId, neighbourEventId]) {
      const row = await attempted(id);
      expect(row.status, row.reason ?? '').toBe('pending');
      expect(row.reason).toBe('The connected Plex server has not answered yet, so it is not known whether this event comes from it; the event waits until it answers.');
    }
    // A while later: still waiting, nothing went to Trakt.
    await new Promise((r) => setTimeout(r, 600));
    expect([eventRow(service, downEventId).status, eventRow(service, neighbourEventId).status]).toEqual(['pending', 'pending']);
    expect(traktPosts(traktMark)).toEqual([]);
    expect(moviePlays(downMovie.traktId)).toHaveLength(0);
    expect(await service.deps.plex.info()).toMatchObject({ state: 'connected', machineIdentifier: null });
    expect(logs.text()).not.toContain(plexToken);
    expect(JSON.stringify(eventRow(service, downEventId))).not.toContain(plexToken);
  });

  it('back on the same address: once its identity is known the owner’s play is sent once, the other server’s is ignored, and the card names the server', async () => {
    const traktMark = trakt.server.requests.length;
    expect(await plex.pms.start(pmsPort)).toBe(pmsUrl);
    const identity = await fetch(`${pmsUrl}/identity`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(2000) });
    expect(identity.status).toBe(200);

    // Test connection: the error sentence is gone, the server answers.
    const tested = await plexButton('/settings/plex/test');
    const answers = plexMessage(tested) ?? '';
    expect(answers.replace(/\d+ ms/, 'N ms')).toBe(`${plex.pms.name} answers (Plex Media Server ${PMS_VERSION}, N ms).`);
    expect(tested).not.toContain('could not be reached');

    // Fetch libraries asks the server who it is and remembers it: the libraries appear, and the card names the server.
    const libraries = await plexButton('/settings/plex/libraries');
    expect(plexMessage(libraries)).toBeNull();
    expect(libraries).toContain('id="plex-libraries-form"');
    for (const s of lib.sections) expect(libraries).toContain(s.title);
    const info = await service.deps.plex.info();
    expect(info).toMatchObject({ state: 'connected', name: plex.pms.name, machineIdentifier: plex.pms.machineIdentifier });
    const card = await plexCard();
    expect(card.state).toBe('connected');
    expect(card.text).toBe(`Connected to ${plex.pms.name}`);
    expect(card.html).not.toContain('could not be reached');

    // The waiting events go their ways: the owner's is sent once, the neighbour's is ignored.
    const down = await settled(service, downEventId, 10_000);
    expect(down.status, down.reason ?? '').toBe('sent');
    expect(down.reason).toBe('watched: scrobbled');
    expect(moviePlays(downMovie.traktId)).toHaveLength(1);
    const neighbour = await settled(service, neighbourEventId, 10_000);
    expect(neighbour.status).toBe('ignored');
    expect(neighbour.reason).toBe('From the Plex server "Neighbour’s Plex", not the connected one.');
    const posts = traktPosts(traktMark);
    expect(posts.map((r) => r.path)).toEqual(['/scrobble/stop']);
    expect((JSON.parse(posts[0]!.body) as { movie: { ids: Record<string, unknown> } }).movie.ids).toMatchObject({ imdb: downMovie.ids.imdb });

    // New events flow at once: the connected server's are sent, another server's ignored.
    const next = plainMovie();
    const ok = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: next.key }));
    expect(ok.status, ok.reason ?? '').toBe('sent');
    expect(moviePlays(next.traktId)).toHaveLength(1);
    const other = buildWebhookPayload(plex.pms, { event: 'media.scrobble', ref: plainMovie().key });
    other.Server = NEIGHBOUR;
    expect((await stored(await sendWebhook(hookUrl, other))).status).toBe('ignored');
    expect(moviePlays(downMovie.traktId)).toHaveLength(1);
    expect(traktPosts(traktMark).map((r) => r.path)).toEqual(['/scrobble/stop', '/scrobble/stop']);

    expect(logs.text()).not.toContain(plexToken);
    expect(tested + libraries + card.html).not.toContain(plexToken);
  });
});
