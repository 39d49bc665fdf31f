/** Settings → Live sessions: the listener's state and the watched threshold (Save). */
import { Hono, type Context } from 'hono';
import { LiveSection, type LiveSectionView } from '../../../views/settings/live-section.js';
import { getLiveThreshold, setLiveThreshold } from '../../plex-live/settings.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { plexLiveLine } from '../plex-live.js';
import { answerSection } from './render.js';

export async function renderLiveSection(c: Context<AppEnv>, extra: Pick<LiveSectionView, 'error' | 'message'> & { threshold?: number } = {}) {
  const { deps } = c.var;
  const threshold = extra.threshold ?? (await getLiveThreshold(deps.db));
  return <LiveSection view={{ csrf: c.var.csrf, on: deps.config.plex.live, line: plexLiveLine(deps), ...extra, threshold }} />;
}

export function liveSettingsRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settings/live', async (c) => {
    const form = await readForm(c);
    const raw = (form.threshold ?? '').trim();
    const value = raw === '' ? NaN : Number(raw);
    const problem = await setLiveThreshold(c.var.deps.db, value);
    if (problem) return answerSection(c, 'live', await renderLiveSection(c, { error: problem }), 422);
    c.var.deps.log.info({ component: 'plex-live', threshold: Math.round(value) }, 'live watched threshold changed');
    return answerSection(c, 'live', await renderLiveSection(c, { message: `Saved: a stop at ${Math.round(value)} % or later is a play.` }));
  });
  return app;
}
