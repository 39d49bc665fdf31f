/**
 * Settings → Backups: the list, "Back up now", and the latest backup as a download. The
 * download holds every setting and (encrypted) credential, so it asks for the admin
 * password again even in a signed-in session.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { listBackups, takeBackup } from '../../backup/backups.js';
import { getPasswordHash } from '../../config/secrets.js';
import { safeEqual, verifyPassword } from '../../security/password.js';
import { BackupsSection, type BackupsSectionView } from '../../../views/settings/backups-section.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { answerSection } from './render.js';

export function renderBackupsSection(c: Context<AppEnv>, extra: Partial<BackupsSectionView> = {}) {
  const { config } = c.var.deps;
  return <BackupsSection view={{ csrf: c.var.csrf, backups: listBackups(config.dataDir), keep: config.backupKeep, dataDir: config.dataDir, ...extra }} />;
}

async function passwordMatches(c: Context<AppEnv>, password: string): Promise<boolean> {
  const { config, db } = c.var.deps;
  if (config.adminPassword) return safeEqual(password, config.adminPassword);
  const hash = await getPasswordHash(db);
  return !!hash && (await verifyPassword(password, hash));
}

export function backupSettingsRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settings/backups/now', async (c) => {
    const { deps } = c.var;
    try {
      const b = await takeBackup(deps.sqlite, deps.config.dataDir, 'manual', deps.config.backupKeep);
      deps.log.info({ component: 'backup', file: b.name, bytes: b.bytes }, `database backup written: ${b.name}`);
      return answerSection(c, 'backups', renderBackupsSection(c, { message: `Backed up: ${b.name}.` }));
    } catch (err) {
      deps.log.error({ component: 'backup', err: err instanceof Error ? err.message : String(err) }, 'a backup from Settings failed');
      return answerSection(c, 'backups', renderBackupsSection(c, { error: 'The backup failed. Check free disk space in the data folder, then try again.' }), 400);
    }
  });
  app.post('/settings/backups/download', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    if (!(await passwordMatches(c, String(form.password ?? '')))) {
      deps.log.warn({ component: 'backup' }, 'backup download refused: wrong admin password');
      return answerSection(c, 'backups', renderBackupsSection(c, { error: 'Wrong password: the backup was not downloaded.' }), 422);
    }
    const [latest] = listBackups(deps.config.dataDir);
    if (!latest) return answerSection(c, 'backups', renderBackupsSection(c, { error: 'There is no backup yet. Use "Back up now" first.' }), 400);
    deps.log.info({ component: 'backup', file: latest.name }, 'the latest backup was downloaded from Settings');
    const body = Readable.toWeb(fs.createReadStream(latest.path)) as ReadableStream;
    return new Response(body, {
      headers: {
        'content-type': 'application/vnd.sqlite3',
        'content-length': String(latest.bytes),
        'content-disposition': `attachment; filename="${latest.name}"`,
        'cache-control': 'no-store',
      },
    });
  });
  return app;
}
