/**
 * Undo from the pages and the API: the run's page says what undo will do before it does
 * it, the form starts an undo run and goes to its page; afterwards the page says it was
 * undone. POST /api/v1/runs/:id/undo: 202, 400 with a sentence (a dry run, nothing left,
 * no such run), 409 while a run is going. One webhook event undone from its own page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryAcquireLease } from '../../src/db/repos/locks.js';
import { insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { recordIntents, settle } from '../../src/ledger/repo.js';
import { SYNC_LEASE } from '../../src/sync/run.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { plexWatchedLibrary } from '../sync/sync-library.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';

let w: SyncWorld;
let client: FormClient;
let apiKey: string;
beforeAll(async () => {
  w = await makeSyncWorld(plexWatchedLibrary(6));
  client = new FormClient(w.ctx.app);
  await setUpAdmin(client, w.ctx.deps.setupCode);
  apiKey = w.ctx.deps.secrets.apiKey();
});
afterAll(async () => w?.close());

const api = (path: string) => w.ctx.app.request(`http://localhost/api/v1${path}`, { method: 'POST', headers: { 'x-api-key': apiKey } });

async function finished(id: number) {
  for (let i = 0; i < 400; i++) {
    const r = await getRun(w.ctx.deps.db, id);
    if (r && r.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`run ${id} did not finish`);
}

describe('undo from the run page', () => {
  let runId: number;
  it('the page says first what undo will do', async () => {
    runId = (await w.run()).id;
    const page = await (await client.get(`/runs/${runId}`)).text();
    expect(page).toContain('Undo this run');
    expect(page).toContain('Undo will remove 6 plays from Trakt.');
    expect(page).toContain('id="undo-run"');
  });

  it('the form starts an undo run and goes to its page; then the run says it was undone', async () => {
    const res = await client.post(`/runs/${runId}/undo`, {});
    expect(res.status).toBe(303);
    const to = res.headers.get('location')!;
    expect(to).toMatch(/^\/runs\/\d+$/);
    const undoId = Number(to.split('/').pop());
    expect(await finished(undoId)).toMatchObject({ status: 'succeeded', undo_of: runId, removed_from_trakt: 6 });
    expect(w.trakt.plays('alice')).toHaveLength(0);
    const undoPage = await (await client.get(to)).text();
    expect(undoPage).toContain(`Undo run ${undoId}`);
    expect(undoPage).toContain(`undoes run ${runId}`);
    expect(undoPage).toContain('Undo will remove 6 plays from Trakt.');
    const page = await (await client.get(`/runs/${runId}`)).text();
    expect(page).toContain('There is nothing left to undo.');
    expect(page).toContain(`run ${undoId}</a>`);
    expect(page).not.toContain('id="undo-run"');
  });
});

describe('POST /api/v1/runs/:id/undo', () => {
  it('400 with a sentence: nothing left, a dry run, no such run', async () => {
    const again = await api('/runs/1/undo');
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'bad_request', message: 'There is nothing left to undo.' });
    const dry = await w.run({ dryRun: true });
    const r = await api(`/runs/${dry.id}/undo`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toBe(`Run ${dry.id} was a dry run: it wrote nothing, so there is nothing to undo.`);
    expect(((await (await api('/runs/999/undo')).json()) as { message: string }).message).toBe('There is no sync run 999.');
  });

  it('202 with the undo run, and 409 while a run is going', async () => {
    w.plex.watch(w.lib.shows[0]!.episodes[0]!.key); // newly watched: the next run adds one play
    const run = await w.run();
    expect(run.added_to_trakt).toBe(1);
    const lease = await tryAcquireLease(w.ctx.deps.db, SYNC_LEASE, 'someone-else', 60_000);
    const busy = await api(`/runs/${run.id}/undo`);
    expect(busy.status).toBe(409);
    await lease!.release();
    const ok = await api(`/runs/${run.id}/undo`);
    expect(ok.status).toBe(202);
    const { runId } = (await ok.json()) as { runId: number };
    expect(await finished(runId)).toMatchObject({ status: 'succeeded', removed_from_trakt: 1 });
  });
});

describe('undo one webhook event', () => {
  it('its page says what undo will do, and the form removes its play', async () => {
    const m = w.lib.movies[3]!;
    const at = Date.UTC(2026, 5, 1, 20, 0, 0);
    const eventId = insertWebhookEvent(w.ctx.deps.sqlite, {
      receivedAt: at, event: 'media.scrobble', accountId: 1, accountTitle: 'owner', serverUuid: w.lib.machineIdentifier, serverTitle: 'Test Server',
      playerTitle: 'TV', ratingKey: '1', mediaType: 'movie', title: m.title, payload: '{}',
    });
    w.ctx.deps.sqlite.prepare(`UPDATE webhook_events SET status = 'sent' WHERE id = ?`).run(eventId);
    const historyId = w.trakt.addPlay('alice', { type: 'movie', trakt: m.traktId! }, new Date(at).toISOString());
    const [row] = await recordIntents(w.ctx.deps.db, [
      { target: 'trakt', accountId: w.accountId, action: 'history.add', mediaType: 'movie', itemKey: `movie:imdb:${m.ids.imdb}`, title: m.title, watchedAt: at, source: 'webhook', sourceId: eventId, request: { movies: [{ ids: m.ids, watched_at: new Date(at).toISOString() }] } },
    ]);
    await settle(w.ctx.deps.db, [{ id: row!, status: 'sent', outcome: 'added' }]);
    const events = await (await client.get('/events')).text();
    expect(events).toContain(`href="/events/${eventId}/undo"`);
    const page = await (await client.get(`/events/${eventId}/undo`)).text();
    expect(page).toContain(`Undo webhook event ${eventId}`);
    expect(page).toContain('Undo will remove 1 play from Trakt.');
    const res = await client.post(`/events/${eventId}/undo`, {});
    expect(res.status).toBe(303);
    const undoId = Number(res.headers.get('location')!.split('/').pop());
    expect(await finished(undoId)).toMatchObject({ status: 'succeeded', undo_event: eventId, removed_from_trakt: 1 });
    expect(w.trakt.plays('alice').some((p) => p.id === historyId)).toBe(false);
  });
});

describe('plex-trakt-sync undo <runId>', () => {
  it('prints the undo run as one JSON line (exit 0); again: a sentence (exit 1); bad usage: exit 1', async () => {
    const { undoCommand } = await import('../../src/cli/undo.js');
    const { loadConfig } = await import('../../src/config/env.js');
    const { createSyncPorts } = await import('../../src/sync/wiring.js');
    const { standInClient, targetOf } = await import('../sync/sync-plex-standin.js');
    const { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } = await import('../fakes/trakt/index.js');
    w.plex.watch(w.lib.shows[0]!.episodes[1]!.key);
    const run = await w.run();
    expect(run.added_to_trakt).toBe(1);
    const env = { DATA_DIR: w.ctx.dataDir, TRAKT_API_URL: w.trakt.url, TRAKT_OAUTH_URL: w.trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
    const ports = (deps: Parameters<typeof createSyncPorts>[0]) => createSyncPorts(deps, { plex: async () => standInClient(targetOf(w.plex)) });
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
    };
    const a = io();
    expect(await undoCommand(loadConfig(env), [String(run.id)], a.io, { ports })).toBe(0);
    expect(a.out).toHaveLength(1);
    expect(JSON.parse(a.out[0]!)).toMatchObject({ status: 'succeeded', undoOf: run.id, counts: { removedFromTrakt: 1 } });
    const b = io();
    expect(await undoCommand(loadConfig(env), [String(run.id)], b.io, { ports })).toBe(1);
    expect(JSON.parse(b.out[0]!)).toEqual({ status: 'error', error: 'There is nothing left to undo.' });
    const c = io();
    expect(await undoCommand(loadConfig(env), ['latest'], c.io, { ports })).toBe(1);
    expect(JSON.parse(c.out[0]!).error).toMatch(/^Usage: plex-trakt-sync undo <runId>/);
  });
});

describe('undo one webhook scrobble', () => {
  it('removes the play Trakt made of the scrobble (by the history id of its answer), nothing else', async () => {
    const m = w.lib.movies[4]!;
    const res = await fetch(`${w.trakt.url}/scrobble/stop`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'undo-tests/1.0', 'trakt-api-key': (await import('../fakes/trakt/index.js')).DEFAULT_CLIENT_ID, 'trakt-api-version': '2',
        authorization: `Bearer ${w.trakt.issueToken('alice').access_token}`,
      },
      body: JSON.stringify({ movie: { ids: { imdb: m.ids.imdb } }, progress: 95 }),
    });
    const answer = (await res.json()) as { id: number; action: string };
    expect(answer.action).toBe('scrobble');
    // Another play of the same movie a minute later (added on Trakt's site): it stays.
    const other = w.trakt.addPlay('alice', { type: 'movie', trakt: m.traktId! }, new Date(Date.now() + 60_000).toISOString());
    const eventId = insertWebhookEvent(w.ctx.deps.sqlite, {
      receivedAt: Date.now(), event: 'media.scrobble', accountId: 1, accountTitle: 'owner', serverUuid: w.lib.machineIdentifier, serverTitle: 'Test Server',
      playerTitle: 'TV', ratingKey: '2', mediaType: 'movie', title: m.title, payload: '{}',
    });
    const [row] = await recordIntents(w.ctx.deps.db, [
      { target: 'trakt', accountId: w.accountId, action: 'scrobble.stop', mediaType: 'movie', itemKey: `movie:imdb:${m.ids.imdb}`, title: m.title, watchedAt: Date.now(), progress: 95, source: 'webhook', sourceId: eventId, request: { movie: { ids: { imdb: m.ids.imdb } }, progress: 95 } },
    ]);
    await settle(w.ctx.deps.db, [{ id: row!, status: 'sent', outcome: 'scrobble', traktHistoryId: answer.id }]);
    const started = await w.ctx.deps.sync.undo({ kind: 'event', id: eventId }, 'manual');
    expect(await started.done).toMatchObject({ status: 'succeeded', removed_from_trakt: 1 });
    const ids = w.trakt.plays('alice').map((p) => p.id);
    expect(ids).not.toContain(answer.id);
    expect(ids).toContain(other);
  });
});
