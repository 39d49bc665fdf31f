/** TMDB on the settings page: Save (tested first; nothing is stored if TMDB refuses) and Test. */
import { Hono, type Context } from 'hono';
import { TmdbSection, type TmdbSectionView } from '../../../views/settings/tmdb-section.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { answerSection } from './render.js';
import { loadTmdbApiKey, saveTmdbApiKey, testTmdbKey, tmdbKeyProblem } from './tmdb-key.js';

export async function renderTmdbSection(c: Context<AppEnv>, extra: Pick<TmdbSectionView, 'error' | 'message'> = {}) {
  const { fromEnv, key } = await loadTmdbApiKey(c.var.deps);
  return <TmdbSection view={{ csrf: c.var.csrf, fromEnv, stored: !!key && !fromEnv, ...extra }} />;
}

export function tmdbSettingsRoutes(opts: { fetch?: typeof fetch } = {}) {
  const app = new Hono<AppEnv>();

  /** The key typed in the form, else the one in force. */
  async function candidate(c: Context<AppEnv>): Promise<{ key: string; typed: boolean; fromEnv: boolean }> {
    const form = await readForm(c);
    const current = await loadTmdbApiKey(c.var.deps);
    const typed = (form.apiKey ?? '').trim();
    if (current.fromEnv || !typed) return { key: current.key ?? '', typed: false, fromEnv: current.fromEnv };
    return { key: typed, typed: true, fromEnv: false };
  }

  app.post('/settings/tmdb', async (c) => {
    const { deps } = c.var;
    const { key, typed, fromEnv } = await candidate(c);
    if (fromEnv) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: 'TMDB_API_KEY is set in the environment; change it there.' }), 422);
    if (!typed) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: key ? 'Nothing to save: paste a new key to replace the stored one.' : 'Enter the TMDB API key or read access token.' }), 422);
    const problem = tmdbKeyProblem(key);
    if (problem) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: problem }), 422);
    const result = await testTmdbKey(deps.config.tmdb.apiUrl, key, opts.fetch);
    if (!result.ok) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: result.message }), 422);
    await saveTmdbApiKey(deps, key);
    return answerSection(c, 'tmdb', await renderTmdbSection(c, { message: { kind: 'ok', text: 'TMDB accepted the key; it is saved.' } }));
  });

  app.post('/settings/tmdb/test', async (c) => {
    const { key } = await candidate(c);
    const problem = tmdbKeyProblem(key);
    if (problem) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: problem }), 422);
    const result = await testTmdbKey(c.var.deps.config.tmdb.apiUrl, key, opts.fetch);
    if (!result.ok) return answerSection(c, 'tmdb', await renderTmdbSection(c, { error: result.message }), 422);
    return answerSection(c, 'tmdb', await renderTmdbSection(c, { message: { kind: 'ok', text: 'TMDB accepted the key.' } }));
  });

  return app;
}
