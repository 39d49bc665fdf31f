/** Answering a settings form: the section alone for htmx, else the whole page with that section replaced. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { SettingsPage } from '../../../views/pages/settings.js';
import type { AppEnv } from '../env.js';
import { isHtmx } from '../middleware/request-info.js';
import { SETTINGS_SECTIONS } from './sections.js';

export async function renderSettingsPage(c: Context<AppEnv>, replace: Record<string, Child> = {}): Promise<Child[]> {
  const out: Child[] = [];
  for (const s of SETTINGS_SECTIONS) out.push(s.id in replace ? replace[s.id] : await s.render(c));
  return out;
}

/** htmx gets 200 (the browser would log a 4xx as a console error); a plain form post gets `status`. */
export async function answerSection(c: Context<AppEnv>, id: string, section: Child, status: 200 | 400 | 422 = 200) {
  if (isHtmx(c)) return c.html(<>{section}</>);
  c.status(status);
  return c.render(<SettingsPage sections={await renderSettingsPage(c, { [id]: section })} />, { title: 'Settings', nav: 'settings' });
}
