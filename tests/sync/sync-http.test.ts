/**
 * The sync over HTTP: POST /api/v1/sync (202, 409 while one runs), GET /api/v1/runs/:id,
 * the status part; the runs list and a run's page (plan, log, ledger); the Unmatched page
 * and its CSV; the settings form (schedule, bad cron); "Run sync now"; the job registry
 * skipping a scheduled run while one runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_JOB } from '../../src/sync/service.js';
import { getSyncSettings } from '../../src/sync/settings.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { buildLibrary } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld;
let client: FormClient;
let apiKey: string;

beforeAll(async () => {
  const lib = buildLibrary({ movies: 5, shows: 1, episodesPerShow: 3 });
  lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i }));
  lib.movies[4]!.agent = 'local';
  lib.movies[4]!.title = '=HYPERLINK("x")';
  w = await makeSyncWorld(lib);
  client = new FormClient(w.ctx.app);
  await setUpAdmin(client, w.ctx.deps.setupCode);
  apiKey = w.ctx.deps.secrets.apiKey();
});
afterAll(async () => w?.close());

const api = (path: string, init: RequestInit = {}) =>
  w.ctx.app.request(`http://localhost/api/v1${path}`, { ...init, headers: { 'x-api-key': apiKey, ...(init.headers as Record<string, string>) } });

async function waitForRun(id: number) {
  for (let i = 0; i < 200; i++) {
    const body = (await (await api(`/runs/${id}`)).json()) as { status: string };
    if (body.status !== 'running') return body as Record<string, any>;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('run did not finish');
}

describe('the API', () => {
  it('needs the API key', async () => {
    expect((await w.ctx.app.request('http://localhost/api/v1/sync', { method: 'POST' })).status).toBe(401);
  });

  it('starts a run (202), refuses a second one while it runs (409), and reports it', async () => {
    w.plex.server.latencyMs = 60;
    const res = await api('/sync', { method: 'POST' });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: number };
    const again = await api('/sync', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dryRun":true}' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toMatch(/already running/);
    w.plex.server.latencyMs = 0;
    const run = await waitForRun(runId);
    expect(run).toMatchObject({ id: runId, status: 'succeeded', trigger: 'api', dryRun: false, counts: { addedToTrakt: 4, unmatched: 1, errors: 0 } });
    expect(run.apiCalls.traktWrites).toBe(1);
    expect(run.apiCalls.plex).toBeGreaterThan(0);
    expect((await api('/runs/999999')).status).toBe(404);
    const status = (await (await api('/status')).json()) as { sync: { lastRuns: Array<{ id: number }>; schedule: string } };
    expect(status.sync.lastRuns[0]!.id).toBe(runId);
    expect(status.sync.schedule).toBe('Off (run it by hand)');
  });

  it('rejects a body that is not JSON with a sentence', async () => {
    const res = await api('/sync', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
  });
});

describe('the pages', () => {
  it('lists runs and shows one run with its plan, log and ledger', async () => {
    const list = await (await client.get('/runs')).text();
    expect(list).toMatch(/id="run-row-\d+"/);
    const id = Number(/id="run-row-(\d+)"/.exec(list)![1]);
    w.ctx.logStore.flush(); // the log store writes in batches
    const page = await (await client.get(`/runs/${id}`)).text();
    expect(page).toContain('Plays to add to Trakt');
    expect(page).toContain(`id="run-log-${id}"`);
    expect(page).toMatch(/sync run \d+ finished: succeeded/);
    expect(page).toContain('history.add');
    expect(page).toContain('data-ledger-status="sent"');
    expect((await client.get('/runs/424242')).status).toBe(200);
  });

  it('shows unmatched items with the hint, and exports them as CSV (formula-safe)', async () => {
    const page = await (await client.get('/unmatched')).text();
    expect(page).toContain('Fix Match');
    expect(page).toContain('HYPERLINK');
    const csv = await client.get('/unmatched.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('item,type,show,season,episode,year,plex_rating_key,plex_section,plex_guid,reason');
    expect(text).toContain(`"'=HYPERLINK(""x"")`);
  });

  it('"Run sync now" starts a run and answers with its progress; a second press says one is running', async () => {
    await client.get('/');
    w.plex.server.latencyMs = 60;
    const first = await client.post('/runs/start', {}, { headers: { 'hx-request': 'true' } });
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/id="run-progress-\d+"/);
    const second = await client.post('/runs/start', {}, { headers: { 'hx-request': 'true' } });
    expect(await second.text()).toContain('A sync is already running');
    w.plex.server.latencyMs = 0;
    for (let i = 0; i < 200 && (await w.ctx.deps.jobs.get(SYNC_JOB))?.running; i++) await new Promise((r) => setTimeout(r, 25));
  });

  it('"Full sync" on the dashboard starts a run that walks everything; "Run sync now" stays incremental', async () => {
    const dashboard = await (await client.get('/')).text();
    expect(dashboard).toContain('id="run-sync-now"');
    const button = (/<button[^>]*id="run-full-sync"[^>]*>/.exec(dashboard)?.[0] ?? '').replaceAll('&quot;', '"');
    expect(button).toContain('hx-post="/runs/start"');
    expect(button).toContain('hx-vals="{"full":"1"}"');
    const started = async (form: Record<string, string>) => {
      const html = await (await client.post('/runs/start', form, { headers: { 'hx-request': 'true' } })).text();
      const id = Number(/id="run-progress-(\d+)"/.exec(html)?.[1]);
      expect(id, html).toBeGreaterThan(0);
      return waitForRun(id);
    };
    expect(await started({})).toMatchObject({ status: 'succeeded', fullWalk: false });
    expect(await started({ full: '1' })).toMatchObject({ status: 'succeeded', fullWalk: true });
  });

  it('saves a schedule and shows the next run; a bad cron expression is refused with a sentence', async () => {
    await client.get('/settings');
    const bad = await client.post('/settings/sync', { toTrakt: '1', toPlex: '1', ratings: '1', ratingPriority: 'plex', scheduleMode: 'cron', cron: 'every tuesday' }, { headers: { 'hx-request': 'true' } });
    expect(await bad.text()).toContain('is not a cron expression. Use five fields');
    expect((await getSyncSettings(w.ctx.deps.db)).schedule).toEqual({ mode: 'off' });
    const ok = await client.post('/settings/sync', { toTrakt: '1', ratings: '1', ratingPriority: 'trakt', scheduleMode: 'cron', cron: '0 3 * * *' }, { headers: { 'hx-request': 'true' } });
    const html = await ok.text();
    expect(html).toContain('Saved.');
    expect(html).toMatch(/Next run: <time datetime="[^"]+T\d\d:00:00\.000Z"/);
    expect(await getSyncSettings(w.ctx.deps.db)).toEqual({ toTrakt: true, toPlex: false, ratings: true, ratingPriority: 'trakt', mirrorUnwatch: false, schedule: { mode: 'cron', cron: '0 3 * * *' } });
    const info = await w.ctx.deps.jobs.get(SYNC_JOB);
    expect(info?.nextRun).toBeGreaterThan(Date.now());
    const hours = await client.post('/settings/sync', { scheduleMode: 'interval', hours: '0' }, { headers: { 'hx-request': 'true' } });
    expect(await hours.text()).toContain('Hours must be a whole number from 1 to 168.');
    await client.post('/settings/sync', { toTrakt: '1', toPlex: '1', ratings: '1', ratingPriority: 'plex', scheduleMode: 'off' }, { headers: { 'hx-request': 'true' } });
    expect((await w.ctx.deps.jobs.get(SYNC_JOB))?.nextRun).toBeNull();
  });

  it('"Mirror un-watching" is off with a warning; removals happen only when it is ticked and saved', async () => {
    const page = await (await client.get('/settings')).text();
    expect(page).toContain('Removals are off: nothing is removed on either side');
    expect(page).not.toContain('Nothing is ever removed');
    const box = /<input[^>]*name="mirrorUnwatch"[^>]*>/.exec(page)?.[0] ?? '';
    expect(box).toContain('type="checkbox"');
    expect(box).not.toContain('checked');
    expect(page).toContain('Warning: this deletes.');
    const on = await client.post('/settings/sync', { toTrakt: '1', toPlex: '1', ratings: '1', ratingPriority: 'plex', mirrorUnwatch: '1', scheduleMode: 'off' }, { headers: { 'hx-request': 'true' } });
    expect(/<input[^>]*name="mirrorUnwatch"[^>]*>/.exec(await on.text())?.[0]).toContain('checked');
    expect((await getSyncSettings(w.ctx.deps.db)).mirrorUnwatch).toBe(true);
    await client.post('/settings/sync', { toTrakt: '1', toPlex: '1', ratings: '1', ratingPriority: 'plex', scheduleMode: 'off' }, { headers: { 'hx-request': 'true' } });
    expect((await getSyncSettings(w.ctx.deps.db)).mirrorUnwatch).toBe(false);
  });

  it('a scheduled run that finds one running is skipped and logged', async () => {
    w.plex.server.latencyMs = 60;
    const started = await w.ctx.deps.sync.start({ trigger: 'manual' });
    const before = (await w.ctx.deps.db.selectFrom('sync_runs').select('id').execute()).length;
    await w.ctx.deps.jobs.get(SYNC_JOB);
    // What croner calls on a tick:
    await (w.ctx.deps.jobs as unknown as { jobs: Map<string, { run(t: string): Promise<void> }> }).jobs.get(SYNC_JOB)!.run('schedule');
    expect((await w.ctx.deps.db.selectFrom('sync_runs').select('id').execute()).length).toBe(before);
    expect(w.ctx.logs.text()).toContain('scheduled sync skipped: a sync is already running');
    w.plex.server.latencyMs = 0;
    await started.done;
  });
});
