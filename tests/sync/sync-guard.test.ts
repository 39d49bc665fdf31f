/**
 * The guard (SYNC_GUARD_REMOVALS, SYNC_GUARD_CHANGES, the watched-count fall): a run that
 * looks wrong is held with status awaiting_approval and nothing is written (Trakt, Plex and
 * the ledger unchanged) until it is approved; then it writes the plan it was held with.
 * Discard writes nothing; a scheduled run does not pile up behind a held one; the page
 * shows the plan paged with Approve / Discard; the dashboard card says a run waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { SYNC_JOB } from '../../src/sync/service.js';
import { getSyncSettings, saveSyncSettings } from '../../src/sync/settings.js';
import { syncCommand } from '../../src/cli/sync.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import type { SyncPortDeps } from '../../src/sync/wiring.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { standInClient, targetOf } from './sync-plex-standin.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T1 = 1_750_000_000;
const MOVIES = 40;

/** 40 movies watched on both sides, and 2 watched in Plex only. */
function library() {
  const lib = buildLibrary({ movies: MOVIES + 2, shows: 1, episodesPerShow: 2 });
  lib.movies.forEach((m, i) => {
    m.plex = { viewCount: 1, lastViewedAt: T1 + i };
    if (i < MOVIES) m.trakt = { plays: [iso(T1 + i)] };
  });
  return lib;
}

const guard = { removals: 25 };
const ledgerCount = (w: SyncWorld) => (w.ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
const traktPlays = (w: SyncWorld) => w.trakt.plays('alice').length;
const plexWatchedCount = (w: SyncWorld) => w.lib.movies.filter((m) => w.plex.stateOf(m.key).some((s) => s.viewCount > 0)).length;

async function waitFor(w: SyncWorld, id: number, not: string) {
  for (let i = 0; i < 400; i++) {
    const r = await getRun(w.ctx.deps.db, id);
    if (r && r.status !== not) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`run ${id} stayed ${not}`);
}

describe('the guard: a Plex library emptied with mirror un-watching on', () => {
  let w: SyncWorld;
  let client: FormClient;
  let apiKey: string;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), mirrorUnwatch: true });
    client = new FormClient(w.ctx.app);
    await setUpAdmin(client, w.ctx.deps.setupCode);
    apiKey = w.ctx.deps.secrets.apiKey();
  });
  afterAll(async () => w?.close());
  const api = (path: string, body?: unknown) =>
    w.ctx.app.request(`http://localhost/api/v1${path}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('a first run under the limits writes (2 plays), and notes what it saw', async () => {
    const run = await w.run({}, { guard });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 2, plex_watched: MOVIES + 2, trakt_watched: MOVIES + 2 });
    expect(traktPlays(w)).toBe(MOVIES + 2);
  });

  it('the library comes back rebuilt, every item unwatched: the run is held and nothing is written', async () => {
    for (const m of w.lib.movies) w.plex.unwatch(m.key);
    const ledgerBefore = ledgerCount(w);
    const run = await w.run({ full: true }, { guard });
    expect(run.status).toBe('awaiting_approval');
    expect(run.error).toMatch(/held this run before it wrote anything/);
    expect(run.error).toMatch(/removes 42 plays from Trakt/);
    expect(run.error).toMatch(/Plex shows 0 watched items, 42 fewer/);
    expect(run).toMatchObject({ writes_done: 0, trakt_writes: 0, removed_from_trakt: 0 });
    expect(traktPlays(w)).toBe(MOVIES + 2);
    expect(ledgerCount(w)).toBe(ledgerBefore);
    const json = (await (await w.ctx.app.request(`http://localhost/api/v1/runs/${run.id}`, { headers: { 'x-api-key': apiKey } })).json()) as Record<string, unknown>;
    expect(json).toMatchObject({ status: 'awaiting_approval', guard: [expect.stringMatching(/SYNC_GUARD_REMOVALS/), expect.stringMatching(/fewer/)] });
  });

  it('the run page shows the plan, paged, with Approve and Discard; the dashboard card says it waits', async () => {
    const [held] = w.ctx.deps.sqlite.prepare(`SELECT id FROM sync_runs WHERE status = 'awaiting_approval'`).all() as Array<{ id: number }>;
    const page = await (await client.get(`/runs/${held!.id}`)).text();
    expect(page).toContain('Waiting for your approval');
    expect(page).toContain('id="approve-run"');
    expect(page).toContain('id="discard-run"');
    expect(page).toContain('Remove from Trakt history (42)');
    const held42 = page.slice(page.indexOf('id="held-items"'), page.indexOf('id="run-plan"'));
    expect((held42.match(/<li>Movie \d+/g) ?? []).length).toBe(42);
    const dash = await (await client.get('/')).text();
    expect(dash).toContain(`Sync run ${held!.id} waits for your approval`);
  });

  it('a scheduled run does not pile up behind the held one', async () => {
    const before = (w.ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_runs').get() as { n: number }).n;
    await w.ctx.deps.jobs.runNow(SYNC_JOB, 'schedule');
    expect((w.ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_runs').get() as { n: number }).n).toBe(before);
    expect(w.ctx.logs.text()).toMatch(/scheduled sync skipped: run \d+ waits for approval/);
  });

  it('approval (API) writes exactly the held plan', async () => {
    const [held] = w.ctx.deps.sqlite.prepare(`SELECT id FROM sync_runs WHERE status = 'awaiting_approval'`).all() as Array<{ id: number }>;
    const res = await api(`/runs/${held!.id}/approve`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ runId: held!.id });
    const done = await waitFor(w, held!.id, 'running');
    expect(done).toMatchObject({ status: 'succeeded', removed_from_trakt: 42, error: null });
    expect(traktPlays(w)).toBe(0);
    expect((await api(`/runs/${held!.id}/approve`)).status).toBe(409); // not waiting any more
  });
});

describe('the guard: discard, SYNC_GUARD_CHANGES, --yes', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
  });
  afterAll(async () => w?.close());

  it('adds above SYNC_GUARD_CHANGES are held; discard ends the run with nothing written', async () => {
    const run = await w.run({}, { guard: { removals: 25, changes: 1 } });
    expect(run.status).toBe('awaiting_approval');
    expect(run.error).toMatch(/adds 2 plays to Trakt: more than the 1 SYNC_GUARD_CHANGES allows/);
    expect(await w.ctx.deps.sync!.discard(run.id)).toBe(true);
    expect(await getRun(w.ctx.deps.db, run.id)).toMatchObject({ status: 'discarded', trakt_writes: 0 });
    expect(w.ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_plan_items WHERE run_id = ?').get(run.id)).toEqual({ n: 0 });
    expect(ledgerCount(w)).toBe(0);
    expect(await w.ctx.deps.sync!.discard(run.id)).toBe(false);
  });

  it('a later held run sets the earlier one aside (only one waits)', async () => {
    const a = await w.run({}, { guard: { removals: 25, changes: 1 } });
    const b = await w.run({}, { guard: { removals: 25, changes: 1 } });
    expect(b.status).toBe('awaiting_approval');
    expect(await getRun(w.ctx.deps.db, a.id)).toMatchObject({ status: 'discarded', error: expect.stringMatching(new RegExp(`run ${b.id}`)) });
  });

  it('approve: true (sync --yes) lets the run past the guard, and the held one is set aside', async () => {
    const [held] = w.ctx.deps.sqlite.prepare(`SELECT id FROM sync_runs WHERE status = 'awaiting_approval'`).all() as Array<{ id: number }>;
    const run = await w.run({ approve: true }, { guard: { removals: 25, changes: 1 } });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 2 });
    expect(traktPlays(w)).toBe(MOVIES + 2);
    expect(await getRun(w.ctx.deps.db, held!.id)).toMatchObject({ status: 'discarded', error: `Set aside: run ${run.id} read both sides again later and wrote its own plan.` });
  });

  it('the environment sets the limits: 25 removals by default, 0 holds any, changes off unless set', () => {
    expect(loadConfig({}).guard).toEqual({ removals: 25, changes: undefined });
    expect(loadConfig({ SYNC_GUARD_REMOVALS: '0', SYNC_GUARD_CHANGES: '500' }).guard).toEqual({ removals: 0, changes: 500 });
    expect(loadConfig({ SYNC_GUARD_CHANGES: 'off' }).guard.changes).toBeUndefined();
    expect(() => loadConfig({ SYNC_GUARD_REMOVALS: '-1' })).toThrow(/SYNC_GUARD_REMOVALS must be a whole number/);
  });
});

describe('the guard: a library emptied (its items gone from Plex)', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
  });
  afterAll(async () => w?.close());

  it('the watched count falling by more than 10 % holds the run', async () => {
    expect((await w.run({}, { guard })).status).toBe('succeeded');
    for (const m of w.lib.movies.slice(0, 30)) w.plex.forget(m.key);
    const run = await w.run({ full: true }, { guard });
    expect(run.status).toBe('awaiting_approval');
    expect(run.error).toMatch(/Plex shows 12 watched items, 30 fewer than the 42 of the last run/);
    expect(plexWatchedCount(w)).toBe(12);
  });
});

describe('the guard from the command line', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
  });
  afterAll(async () => w?.close());

  it('`sync` prints {"status":"awaiting_approval","runId":N,...} and exits 3; `sync --yes` approves', async () => {
    const env = { DATA_DIR: w.ctx.dataDir, TRAKT_API_URL: w.trakt.url, TRAKT_OAUTH_URL: w.trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, SYNC_GUARD_CHANGES: '0' };
    const ports = (deps: SyncPortDeps) => createSyncPorts(deps, { plex: async () => standInClient(targetOf(w.plex)) });
    const io = { out_: [] as string[], err_: [] as string[], out(l: string) { this.out_.push(l); }, err(l: string) { this.err_.push(l); } };
    expect(await syncCommand(loadConfig(env), [], io, { ports })).toBe(3);
    expect(io.out_).toHaveLength(1);
    expect(io.out_[0]).toMatch(/^\{"status":"awaiting_approval","runId":\d+,/);
    expect(io.err_.join('\n')).toMatch(/sync --yes/);
    expect(traktPlays(w)).toBe(MOVIES);
    const yes = { out_: [] as string[], err_: [] as string[], out(l: string) { this.out_.push(l); }, err(l: string) { this.err_.push(l); } };
    expect(await syncCommand(loadConfig(env), ['--yes'], yes, { ports })).toBe(0);
    expect(JSON.parse(yes.out_[0]!)).toMatchObject({ status: 'succeeded', counts: { addedToTrakt: 2 } });
    expect(traktPlays(w)).toBe(MOVIES + 2);
  });
});
