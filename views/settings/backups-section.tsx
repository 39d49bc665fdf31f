/** Settings → Backups: the copies in DATA_DIR/backups, "Back up now", and the latest for download (password again). */
import type { BackupFile } from '../../src/backup/backups.js';
import { buttonClass, Card, CsrfField, ErrorText, inputClass, secondaryButtonClass } from '../components.js';
import { Time } from '../runs/run-parts.js';

export interface BackupsSectionView {
  csrf: string;
  backups: BackupFile[];
  keep: number;
  dataDir: string;
  message?: string;
  error?: string;
}

const size = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1024))} KB`);

export function BackupsSection(props: { view: BackupsSectionView }) {
  const v = props.view;
  return (
    <Card title="Backups" id="backups">
      <p class="text-sm text-slate-600 dark:text-slate-300">
        {`A copy of the database is made every day and before every upgrade that changes it, in ${v.dataDir}/backups (the last ${v.keep} of each kind are kept). `}
        <strong>Keep secret.key from the data folder with your backups:</strong>
        {' the Trakt and Plex credentials in a backup can only be read with it.'}
      </p>
      {v.backups.length === 0 ? (
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">No backup yet.</p>
      ) : (
        <ul class="mt-2 text-sm" id="backup-list">
          {v.backups.map((b) => (
            <li class="flex flex-wrap gap-x-3">
              <span class="font-mono text-xs">{b.name}</span>
              <span class="text-slate-600 dark:text-slate-400">{`${b.reason} · ${size(b.bytes)} · `}<Time ms={b.at} /></span>
            </li>
          ))}
        </ul>
      )}
      {v.message && <p class="mt-2 text-sm text-emerald-700 dark:text-emerald-300" role="status">{v.message}</p>}
      <form method="post" action="/settings/backups/now" class="mt-3">
        <CsrfField token={v.csrf} />
        <button class={secondaryButtonClass} type="submit" id="backup-now">Back up now</button>
      </form>
      {v.backups.length > 0 && (
        <form method="post" action="/settings/backups/download" class="mt-3 flex flex-wrap items-end gap-2">
          <CsrfField token={v.csrf} />
          <div>
            <label for="backup-password" class="block text-sm font-medium">Admin password (again, to download)</label>
            <input id="backup-password" name="password" type="password" autocomplete="current-password" required class={inputClass} aria-describedby={v.error ? 'backup-error' : undefined} />
          </div>
          <button class={buttonClass} type="submit" id="backup-download">Download the latest backup</button>
        </form>
      )}
      {v.error && <ErrorText id="backup-error">{v.error}</ErrorText>}
    </Card>
  );
}
