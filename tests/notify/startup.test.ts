/** A NOTIFY_URLS that does not parse stops `serve` like any bad setting: exit 1, one line, no secret. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/context.js';
import { nodeArgs } from '../helpers/node-entry.js';

describe('serve with a wrong NOTIFY_URLS', () => {
  it('exits 1 with one line naming the URL and the part that is wrong, without the token', () => {
    const r = spawnSync(process.execPath, [...nodeArgs('cli'), 'serve'], {
      env: { ...process.env, DATA_DIR: tempDir(), PORT: '0', OPEN_BROWSER: 'false', NOTIFY_URLS: 'ntfys://ntfy.sh/alerts gotifys://push.example.com/AbCdEf0123456789/extra?events=sync.failed,plex.gone' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Configuration error: NOTIFY_URLS has a wrong 2nd URL (gotifys://push.example.com/***): ?events= names "plex.gone", which is not an event: use some of sync.failed, sync.partial, sync.awaiting_approval, sync.succeeded, scrobble.failed, trakt.auth_lost, trakt.locked, plex.unreachable, plex.recovered, notify.test.',
    );
    expect(r.stdout).toBe('');
  });
});
