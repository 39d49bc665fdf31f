/**
 * GET /api/v1/people (every Plex account known, read again from plex.tv when stale, or at once
 * with `?refresh=1`) and
 * POST /api/v1/people/:plexAccountId {pin?, webhooks?, sync?}: 200 with the person, 400 with a
 * sentence (a PIN Plex refused, a wrong type), 404 for nobody.
 */
import { Hono } from 'hono';
import type { PersonJson, PersonView } from '../people/service.js';
import type { AppEnv } from './env.js';

const toJson = (p: PersonView): PersonJson => ({
  plexAccountId: p.plexAccountId,
  name: p.name,
  kind: p.kind,
  trakt: p.trakt,
  webhooks: p.webhooks,
  sync: p.sync,
  plexAccess: p.plexAccess,
});

const bad = (message: string) => ({ error: 'bad_request', message });

export function peopleApi() {
  const api = new Hono<AppEnv>();
  api.get('/people', async (c) => {
    const { people } = c.var.deps;
    const q = c.req.query('refresh');
    await people.refresh({ force: q === '1' || q === 'true' });
    return c.json({ people: (await people.views()).map(toJson), ...(people.lastProblem ? { problem: people.lastProblem } : {}) });
  });
  api.post('/people/:plexAccountId{[0-9]+}', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return c.json(bad('The body is not JSON. Send for example {"webhooks": false} or {"pin": "1234"}.'), 400);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return c.json(bad('The body must be a JSON object with pin, webhooks or sync.'), 400);
    const { pin, webhooks, sync } = body;
    if (pin !== undefined && typeof pin !== 'string') return c.json(bad('pin must be a string of four digits, in quotes (or "" to forget it).'), 400);
    if (webhooks !== undefined && typeof webhooks !== 'boolean') return c.json(bad('webhooks must be true or false.'), 400);
    if (sync !== undefined && typeof sync !== 'boolean') return c.json(bad('sync must be true or false.'), 400);
    const r = await c.var.deps.people.change(Number(c.req.param('plexAccountId')), { pin, webhooks, sync });
    if ('error' in r) return c.json(r.status === 404 ? { error: 'not_found', message: r.error } : bad(r.error), r.status);
    return c.json(toJson(r.person));
  });
  return api;
}
