/**
 * Backups: an online copy taken while a sync is writing is a sound database (integrity_check
 * ok) that `restore` puts in place and the service starts on; restore refuses a damaged
 * file and a database a server is running on, and keeps the database it replaces; a copy
 * is made before migrations run on an existing database (never on a new one); BACKUP_KEEP
 * prunes; Settings lists them and hands out the latest only with the password again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { integrityOf, listBackups, pruneBackups, takeBackup } from '../../src/backup/backups.js';
import { backupCommand, restoreCommand, type CliIo } from '../../src/cli/backup.js';
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/connection.js';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { startService } from '../../src/main.js';
import { startServerBeacon } from '../../src/sync/server-beacon.js';
import { startSyncRun } from '../../src/sync/run.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { plexWatchedLibrary } from '../sync/sync-library.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';

const io = (): CliIo & { out_: string[]; err_: string[] } => {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
};

describe('a backup taken during a sync, restored', () => {
  let w: SyncWorld;
  let backupFile = '';
  beforeAll(async () => {
    w = await makeSyncWorld(plexWatchedLibrary(300));
  });
  afterAll(async () => w?.close());

  it('is taken online while the run writes', async () => {
    const started = await startSyncRun(w.ctx.deps, w.ports, { trigger: 'manual' }, { batchSize: 10, writeGapMs: 15, heartbeatMs: 200, progressMs: 10 });
    for (let i = 0; i < 400; i++) {
      const r = await getRun(w.ctx.deps.db, started.runId);
      if (r && r.phase === 'writing' && r.writes_done > 0) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    const mid = await getRun(w.ctx.deps.db, started.runId);
    expect(mid).toMatchObject({ status: 'running', phase: 'writing' });
    const b = await takeBackup(w.ctx.deps.sqlite, w.ctx.dataDir, 'manual', 7);
    backupFile = b.path;
    const run = await started.done;
    expect(run.status).toBe('succeeded');
    expect(run.added_to_trakt).toBe(300);
    expect(await integrityOf(backupFile)).toBe('ok');
    const copy = openDatabase(path.dirname(backupFile), path.basename(backupFile));
    const sent = (copy.sqlite.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE status = 'sent'`).get() as { n: number }).n;
    await copy.close();
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(300); // a snapshot from the middle of the run
  });

  it('restore refuses a damaged file, and says so', async () => {
    const bad = path.join(tempDir(), 'bad.db');
    const bytes = fs.readFileSync(backupFile);
    bytes.fill(7, 4096, 12_288); // overwrite pages after the header
    fs.writeFileSync(bad, bytes);
    const out = io();
    expect(await restoreCommand(loadConfig({ DATA_DIR: tempDir() }), [bad], out)).toBe(1);
    expect(JSON.parse(out.out_[0]!).error).toMatch(/is not a sound SQLite database \(integrity_check: .+\)\. Nothing was restored/);
  });

  it('restore refuses while a server runs on the target database', async () => {
    const beacon = startServerBeacon(w.ctx.deps.db, 'http://127.0.0.1:1');
    try {
      await new Promise((r) => setTimeout(r, 50));
      const out = io();
      expect(await restoreCommand(loadConfig({ DATA_DIR: w.ctx.dataDir }), [backupFile], out)).toBe(1);
      expect(out.err_[0]).toMatch(/A server is running on this database \(http:\/\/127\.0\.0\.1:1, process \d+\)\. Stop it, then run restore again\./);
    } finally {
      await beacon.stop();
    }
  });

  it('restores into a data folder, keeps what it replaced, and the service starts on it', async () => {
    const dataDir = tempDir();
    // Something to replace: a database of its own.
    const first = await createContext(loadConfig({ DATA_DIR: dataDir }), { logFd: 2, logSink: new LogCapture() });
    await first.close();
    fs.copyFileSync(path.join(w.ctx.dataDir, 'secret.key'), path.join(dataDir, 'secret.key'));
    const out = io();
    expect(await restoreCommand(loadConfig({ DATA_DIR: dataDir }), [backupFile], out)).toBe(0);
    const answer = JSON.parse(out.out_[0]!);
    expect(answer).toMatchObject({ status: 'restored', file: backupFile, previous: expect.stringMatching(/before-restore\.db$/) });
    expect(fs.existsSync(answer.previous)).toBe(true);
    expect(await integrityOf(path.join(dataDir, 'plex-trakt-sync.db'))).toBe('ok');
    const service = await startService(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', OPEN_BROWSER: 'false' }), { logSink: new LogCapture() });
    try {
      expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const runs = service.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_runs').get() as { n: number };
      expect(runs.n).toBe(1);
      // The restored Trakt account's credentials open with the secret.key kept beside the backup.
      const account = service.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM trakt_accounts').get() as { n: number };
      expect(account.n).toBe(1);
    } finally {
      await service.close();
    }
  });

  it('`backup FILE` writes a sound copy there and reminds about secret.key', async () => {
    const dest = path.join(tempDir(), 'copy.db');
    const out = io();
    expect(await backupCommand(loadConfig({ DATA_DIR: w.ctx.dataDir }), [dest], out)).toBe(0);
    expect(JSON.parse(out.out_[0]!)).toMatchObject({ status: 'ok', file: dest });
    expect(out.err_[0]).toMatch(/secret\.key/);
    expect(await integrityOf(dest)).toBe('ok');
  });
});

describe('backups before migrations, pruning', () => {
  it('an existing database with a pending migration is copied first; a new one is not', async () => {
    const fresh = tempDir();
    const a = await createContext(loadConfig({ DATA_DIR: fresh }), { logFd: 2, logSink: new LogCapture() });
    await a.close();
    expect(listBackups(fresh)).toEqual([]);

    const old = tempDir();
    const opened = openDatabase(old);
    const older = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0012'));
    const { error } = await new Migrator({ db: opened.db, provider: { getMigrations: async () => older } }).migrateToLatest();
    expect(error).toBeUndefined();
    await opened.close();
    const logs = new LogCapture();
    const b = await createContext(loadConfig({ DATA_DIR: old }), { logFd: 2, logSink: logs });
    await b.close();
    const backups = listBackups(old);
    expect(backups.map((x) => x.reason)).toEqual(['pre-migration']);
    expect(logs.text()).toMatch(/database backed up before \d+ migration\(s\)/);
    const c = await createContext(loadConfig({ DATA_DIR: old }), { logFd: 2, logSink: new LogCapture() });
    await c.close();
    expect(listBackups(old)).toHaveLength(1); // nothing pending: no copy
  });

  it('keeps the newest BACKUP_KEEP of each kind', async () => {
    const dir = tempDir();
    const opened = openDatabase(dir);
    for (let i = 0; i < 5; i++) await takeBackup(opened.sqlite, dir, 'daily', 3, Date.UTC(2026, 0, 1 + i));
    await opened.close();
    expect(listBackups(dir).map((b) => b.name)).toEqual([
      'plex-trakt-sync-20260105-000000Z-daily.db',
      'plex-trakt-sync-20260104-000000Z-daily.db',
      'plex-trakt-sync-20260103-000000Z-daily.db',
    ]);
    expect(pruneBackups(dir, 1)).toHaveLength(2);
    expect(loadConfig({}).backupKeep).toBe(7);
  });
});

describe('Settings → Backups', () => {
  let w: SyncWorld;
  let client: FormClient;
  beforeAll(async () => {
    w = await makeSyncWorld(plexWatchedLibrary(3));
    client = new FormClient(w.ctx.app);
    await setUpAdmin(client, w.ctx.deps.setupCode, 'correct horse battery');
  });
  afterAll(async () => w?.close());

  it('lists backups, backs up now, and gives the latest only with the password again', async () => {
    let page = await (await client.get('/settings')).text();
    expect(page).toContain('No backup yet.');
    expect(page).toMatch(/Keep secret\.key from the data folder with your backups/);
    const now = await client.post('/settings/backups/now', {});
    expect(now.status).toBe(200);
    page = await (await client.get('/settings')).text();
    expect(page).toMatch(/plex-trakt-sync-\d{8}-\d{6}Z-manual\.db/);
    const wrong = await client.post('/settings/backups/download', { password: 'not the password' });
    expect(wrong.status).toBe(422);
    expect(wrong.headers.get('content-disposition')).toBeNull();
    expect(await wrong.text()).toContain('Wrong password: the backup was not downloaded.');
    const noCsrf = await client.post('/settings/backups/download', { password: 'correct horse battery' }, { csrf: null });
    expect(noCsrf.status).toBe(403);
    const right = await client.post('/settings/backups/download', { password: 'correct horse battery' });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-disposition')).toMatch(/^attachment; filename="plex-trakt-sync-.*-manual\.db"$/);
    const bytes = Buffer.from(await right.arrayBuffer());
    expect(bytes.subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(bytes.length).toBe(listBackups(w.ctx.dataDir)[0]!.bytes);
  });

  it('is behind the login', async () => {
    const res = await w.ctx.app.request('http://localhost/settings/backups/download', { method: 'POST' });
    expect([302, 303, 401, 403]).toContain(res.status);
  });
});
