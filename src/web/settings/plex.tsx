/**
 * Plex on the settings page: Sign in with Plex (a PIN whose auth page opens in a new tab,
 * polled here through htmx), the server picker, a manual URL + token, library checkboxes,
 * Test connection and Disconnect. Nothing is stored until Plex accepted it.
 */
import { Hono, type Context } from 'hono';
import { disconnectPlex, listSectionSelection, saveSectionSelection } from '../../db/repos/plex.js';
import { PlexError } from '../../plex/errors.js';
import { acceptPlexToken, connectManual, connectResource, listServerChoices, ownerToken, type ServerChoice } from '../../plex-connection/login.js';
import { plexAuthUrl } from '../../plex/tv-client.js';
import type { PlexSection as PlexLibrarySection } from '../../plex/types.js';
import { PlexSection, type PlexSectionView } from '../../../views/settings/plex-section.js';
import { PlexAuthRedirect } from '../../../views/settings/plex-redirect.js';
import type { PickerServer } from '../../../views/settings/plex-picker.js';
import type { LibraryChoice } from '../../../views/settings/plex-libraries.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { clearPendingPin, getPendingPin, pinExpiry, setPendingPin } from './plex-state.js';
import { answerSection } from './render.js';

type Extra = Partial<Omit<PlexSectionView, 'csrf'>>;

/** Polls of a PIN that plex.tv has not created yet before the page gives up (about 20 s). */
const MAX_START_TRIES = 20;

async function librariesSummary(c: Context<AppEnv>, serverId: number | null): Promise<string> {
  if (serverId === null) return 'every movie and show library';
  const rows = await listSectionSelection(c.var.deps.db, serverId);
  const off = rows.filter((r) => !r.selected);
  if (!off.length) return 'every movie and show library';
  const on = rows.filter((r) => r.selected).map((r) => r.title);
  return on.length ? `${on.join(', ')} (new libraries too, until unticked)` : 'none (new libraries are synced until unticked)';
}

export async function plexSectionView(c: Context<AppEnv>, extra: Extra = {}): Promise<PlexSectionView> {
  const { deps } = c.var;
  const info = await deps.plex.info();
  const owner = info.state === 'connected' ? null : await ownerToken(deps);
  const base: PlexSectionView = { csrf: c.var.csrf, fromEnv: info.state === 'connected' && info.source === 'env', envProblem: info.state === 'none' ? info.problem : undefined };
  if (info.state === 'connected') {
    base.connected = { name: info.name, url: info.url, source: info.source, ownerUsername: info.ownerUsername, libraries: await librariesSummary(c, info.serverId) };
  } else if (owner) {
    base.signedInAs = owner.username;
    base.loadServers = !extra.servers;
  }
  return { ...base, ...extra };
}

export async function renderPlexSection(c: Context<AppEnv>, extra: Extra = {}) {
  return <PlexSection view={await plexSectionView(c, extra)} />;
}

const answer = async (c: Context<AppEnv>, extra: Extra = {}, status: 200 | 422 = 200) => answerSection(c, 'plex', await renderPlexSection(c, extra), status);

const sentence = (err: unknown): string => {
  if (err instanceof PlexError) return err.message;
  throw err;
};

function toPicker(choices: ServerChoice[]): PickerServer[] {
  return choices.map((ch) => ({
    name: ch.resource.name,
    machineIdentifier: ch.resource.clientIdentifier,
    owned: ch.resource.owned,
    best: ch.best?.uri,
    // Local first, then remote, relay last: the order the picker prefers.
    connections: [...ch.tests].sort((a, b) => Number(a.relay) - Number(b.relay) || Number(b.local) - Number(a.local)),
  }));
}

async function serverChoices(c: Context<AppEnv>): Promise<{ servers: PickerServer[] } | { message: string }> {
  const owner = await ownerToken(c.var.deps);
  if (!owner) return { message: 'Sign in with Plex first.' };
  try {
    return { servers: toPicker(await listServerChoices(c.var.deps, owner.token)) };
  } catch (err) {
    return { message: sentence(err) };
  }
}

async function libraryChoices(c: Context<AppEnv>): Promise<{ serverId: number; sections: PlexLibrarySection[]; libraries: LibraryChoice[] } | { message: string }> {
  const { deps } = c.var;
  let info = await deps.plex.info();
  try {
    if (info.state === 'connected' && info.serverId === null) {
      await deps.plex.rememberEnvServer();
      info = await deps.plex.info();
    }
    const client = await deps.plex.server();
    if (info.state !== 'connected' || info.serverId === null || !client) return { message: 'Connect a Plex server first.' };
    const sections = (await client.sections()).filter((s) => s.type === 'movie' || s.type === 'show');
    const stored = new Map((await listSectionSelection(deps.db, info.serverId)).map((r) => [r.section_key, r.selected === 1]));
    return { serverId: info.serverId, sections, libraries: sections.map((s) => ({ key: s.key, title: s.title, type: s.type, selected: stored.get(s.key) ?? true })) };
  } catch (err) {
    return { message: sentence(err) };
  }
}

export function plexSettingsRoutes() {
  const app = new Hono<AppEnv>();

  // A plain form post in a new tab: create the PIN, then forward that tab to plex.tv's auth page.
  app.post('/settings/plex/pin', async (c) => {
    const { deps } = c.var;
    try {
      const tv = await deps.plex.tv({ interactive: true });
      const pin = await tv.createPin();
      await setPendingPin(deps.db, { id: pin.id, expiresAt: pinExpiry(pin) });
      deps.log.info({ component: 'plex' }, 'Plex sign-in started from the settings page');
      return c.html('<!doctype html>' + String(<PlexAuthRedirect url={plexAuthUrl(deps.config.plex.authUrl, await deps.plex.clientIdentifier(), pin.code)} />));
    } catch (err) {
      const text = `Could not start the Plex sign-in: ${sentence(err)}`;
      await setPendingPin(deps.db, { id: 0, expiresAt: 0, error: text });
      return answer(c, { message: { kind: 'error', text } }, 422);
    }
  });

  app.post('/settings/plex/pin/poll', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const tries = Math.min(10_000, Math.max(0, Number.parseInt(form.tries ?? '0', 10) || 0));
    const pending = await getPendingPin(deps.db);
    const retry = 'Click Sign in with Plex to try again.';
    if (!pending) {
      if (tries >= MAX_START_TRIES) return answer(c, { message: { kind: 'warn', text: `The Plex sign-in did not start. ${retry}` } });
      return answer(c, { pin: { expiresAt: Date.now() + 60_000, tries } });
    }
    if (pending.error) {
      await clearPendingPin(deps.db);
      return answer(c, { message: { kind: 'error', text: `${pending.error} ${retry}` } });
    }
    if (Date.now() >= pending.expiresAt) {
      await clearPendingPin(deps.db);
      return answer(c, { message: { kind: 'warn', text: `The Plex sign-in request expired before it was approved. ${retry}` } });
    }
    let pin;
    try {
      pin = await (await deps.plex.tv({ interactive: true })).checkPin(pending.id);
    } catch (err) {
      return answer(c, { pin: { expiresAt: pending.expiresAt, tries }, message: { kind: 'warn', text: `${sentence(err)} Still trying.` } });
    }
    if (!pin) {
      await clearPendingPin(deps.db);
      return answer(c, { message: { kind: 'warn', text: `The Plex sign-in request expired before it was approved. ${retry}` } });
    }
    if (!pin.authToken) return answer(c, { pin: { expiresAt: pending.expiresAt, tries } });
    await clearPendingPin(deps.db);
    try {
      const { user } = await acceptPlexToken(deps, pin.authToken);
      const choices = await serverChoices(c);
      if ('message' in choices) return answer(c, { message: { kind: 'error', text: choices.message } });
      return answer(c, { servers: choices.servers, message: { kind: 'ok', text: `Signed in to Plex as ${user.username}.` } });
    } catch (err) {
      return answer(c, { message: { kind: 'error', text: `${sentence(err)} ${retry}` } });
    }
  });

  app.post('/settings/plex/pin/cancel', async (c) => {
    await clearPendingPin(c.var.deps.db);
    return answer(c);
  });

  app.post('/settings/plex/servers', async (c) => {
    const choices = await serverChoices(c);
    if ('message' in choices) return answer(c, { loadServers: false, message: { kind: 'error', text: choices.message } });
    return answer(c, { servers: choices.servers });
  });

  app.post('/settings/plex/server', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const [machineIdentifier, uri] = (form.choice ?? '').split(' ');
    const owner = await ownerToken(deps);
    if (!owner) return answer(c, { message: { kind: 'error', text: 'Sign in with Plex first.' } }, 422);
    const again = async (text: string) => {
      const choices = await serverChoices(c);
      return answer(c, { servers: 'servers' in choices ? choices.servers : [], errors: { server: text } }, 422);
    };
    if (!machineIdentifier || !uri) return again('Pick a server connection from the list.');
    let resource;
    try {
      resource = (await (await deps.plex.tv({ interactive: true })).servers(owner.token)).find((r) => r.clientIdentifier === machineIdentifier);
    } catch (err) {
      return answer(c, { message: { kind: 'error', text: sentence(err) } }, 422);
    }
    if (!resource) return again('plex.tv no longer lists that server for this account. Pick another one.');
    const result = await connectResource(deps, owner.accountId, resource, uri);
    if (!result.ok) return again(result.message);
    deps.plexLive?.poke(); // listen to the new server now, not at the next check
    return answer(c, { message: { kind: 'ok', text: `Connected to ${result.name} at ${result.url}${result.version ? ` (Plex Media Server ${result.version})` : ''}. Fetch the libraries to choose what is synced.` } });
  });

  app.post('/settings/plex/manual', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    if ((await deps.plex.info()).state === 'connected' && deps.config.plex.url) {
      return answer(c, { message: { kind: 'warn', text: 'The server is set by PLEX_URL and PLEX_TOKEN in the environment; change it there.' } }, 422);
    }
    const result = await connectManual(deps, form.url ?? '', form.token ?? '');
    if (!result.ok) {
      const errors = result.field === 'token' ? { token: result.message } : { url: result.message };
      return answer(c, { errors, manualUrl: form.url ?? '' }, 422);
    }
    deps.plexLive?.poke();
    return answer(c, { message: { kind: 'ok', text: `Connected to ${result.name} at ${result.url}${result.version ? ` (Plex Media Server ${result.version})` : ''}.` } });
  });

  app.post('/settings/plex/test', async (c) => {
    const { deps } = c.var;
    const client = await deps.plex.server();
    if (!client) return answer(c, { message: { kind: 'error', text: 'No Plex server is connected.' } });
    try {
      const started = Date.now();
      const info = await client.serverInfo({ timeoutMs: deps.plex.overrides.connectTimeoutMs ?? 5000 });
      return answer(c, { message: { kind: 'ok', text: `${info.name} answers (Plex Media Server ${info.version ?? 'unknown version'}, ${Date.now() - started} ms).` } });
    } catch (err) {
      return answer(c, { message: { kind: 'error', text: sentence(err) } });
    }
  });

  app.post('/settings/plex/libraries', async (c) => {
    const r = await libraryChoices(c);
    if ('message' in r) return answer(c, { message: { kind: 'error', text: r.message } });
    return answer(c, { libraries: r.libraries });
  });

  app.post('/settings/plex/libraries/save', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const r = await libraryChoices(c);
    if ('message' in r) return answer(c, { message: { kind: 'error', text: r.message } }, 422);
    const choices = r.sections.map((s) => ({ key: s.key, title: s.title, type: s.type, selected: form[`section:${s.key}`] === '1' }));
    await saveSectionSelection(deps.db, r.serverId, choices);
    const on = choices.filter((x) => x.selected).length;
    deps.log.info({ component: 'plex', selected: on, of: choices.length }, 'Plex libraries saved');
    const text = on ? `Saved: ${on} of ${choices.length} libraries are synced.` : 'Saved: no library is synced now. Tick at least one to sync anything.';
    return answer(c, { message: { kind: on ? 'ok' : 'warn', text } });
  });

  app.post('/settings/plex/disconnect', async (c) => {
    const { deps } = c.var;
    await disconnectPlex(deps.db);
    await clearPendingPin(deps.db);
    deps.log.info({ component: 'plex' }, 'Plex disconnected');
    deps.plexLive?.poke(); // stop listening to it now
    return answer(c, { message: { kind: 'ok', text: 'Plex is disconnected. History and settings here are kept.' } });
  });

  return app;
}
