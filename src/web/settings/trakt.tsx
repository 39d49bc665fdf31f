/**
 * Trakt on the settings page: Connect (check the client id and secret at Trakt, store them,
 * start a device login), one poll step per htmx request, Cancel and Disconnect.
 */
import { Hono, type Context } from 'hono';
import { defaultTraktAccount } from '../../db/repos/trakt-accounts.js';
import { disconnectTraktAccount } from '../../trakt/accounts.js';
import { loadTraktApp, saveTraktApp } from '../../trakt/credentials.js';
import { completeDeviceLogin, startDeviceLogin } from '../../trakt/device-auth.js';
import { TraktAuthError, TraktError, TraktVipRequiredError } from '../../trakt/errors.js';
import { clientSecretAccepted } from '../../trakt/oauth.js';
import { TraktSection, type TraktSectionView } from '../../../views/settings/trakt-section.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { addFlowFor, endFlow, getFlow, stepFlow, type DeviceFlow } from './device-flows.js';
import { answerSection } from './render.js';

type Extra = Partial<Pick<TraktSectionView, 'errors' | 'message' | 'device'>> & { clientId?: string };

export async function traktSectionView(c: Context<AppEnv>, extra: Extra = {}): Promise<TraktSectionView> {
  const { deps } = c.var;
  const [creds, account] = await Promise.all([loadTraktApp(deps), defaultTraktAccount(deps.db)]);
  return {
    csrf: c.var.csrf,
    clientId: extra.clientId ?? creds.clientId ?? '',
    clientIdFromEnv: creds.clientIdFromEnv,
    clientSecretFromEnv: creds.clientSecretFromEnv,
    secretStored: !!creds.clientSecret,
    account: account && account.status !== 'disconnected' ? { username: account.username, status: account.status, vip: account.vip, lastError: account.lastError } : undefined,
    ...extra,
  };
}

export async function renderTraktSection(c: Context<AppEnv>, extra: Extra = {}) {
  return <TraktSection view={await traktSectionView(c, extra)} />;
}

const CREDENTIAL = /^[A-Za-z0-9_-]{8,200}$/;

function deviceView(f: DeviceFlow, now = Date.now()): TraktSectionView['device'] {
  return {
    flowId: f.id,
    userCode: f.userCode,
    verificationUrl: f.verificationUrl,
    expiresAt: f.expiresAt,
    pollDelaySec: Math.max(1, Math.ceil((f.nextPollAt - now) / 1000)),
    note: f.note,
  };
}

/** A failure at Trakt as a sentence: VIP and unreachable get their own words. */
function sentence(err: unknown): string {
  if (err instanceof TraktVipRequiredError) return err.message;
  if (err instanceof TraktError) return err.message;
  throw err;
}

export function traktSettingsRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/settings/trakt/connect', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const stored = await loadTraktApp(deps);
    const typedId = (form.clientId ?? '').trim();
    const typedSecret = (form.clientSecret ?? '').trim();
    const clientId = stored.clientIdFromEnv ? stored.clientId! : typedId;
    const clientSecret = stored.clientSecretFromEnv ? stored.clientSecret! : typedSecret || stored.clientSecret || '';
    const errors: NonNullable<TraktSectionView['errors']> = {};
    if (!clientId) errors.clientId = 'Enter the Client ID of your Trakt app.';
    else if (!CREDENTIAL.test(clientId)) errors.clientId = 'That is not a Trakt Client ID: copy the long string of letters and digits shown as "Client ID" on your app page.';
    if (!clientSecret) errors.clientSecret = 'Enter the Client Secret of your Trakt app.';
    else if (!CREDENTIAL.test(clientSecret)) errors.clientSecret = 'That is not a Trakt Client Secret: copy the long string shown as "Client Secret" on your app page.';
    const fail = async (e: TraktSectionView['errors']) => answerSection(c, 'trakt', await renderTraktSection(c, { errors: e, clientId: typedId || undefined }), 422);
    if (errors.clientId || errors.clientSecret) return fail(errors);

    // Ask Trakt before saving anything: a wrong id or secret is a message, and nothing is stored.
    const registry = deps.traktClients;
    const app = await registry.oauthApp({ clientId, clientSecret });
    let code;
    try {
      code = await startDeviceLogin(app);
      if (!(await clientSecretAccepted(app))) {
        return fail({ clientSecret: 'Trakt refused this Client Secret for this Client ID. Copy both again from your app at trakt.tv/oauth/applications.' });
      }
    } catch (err) {
      if (err instanceof TraktAuthError) return fail({ clientId: err.message });
      return fail({ general: sentence(err) });
    }
    await saveTraktApp(deps, { clientId: stored.clientIdFromEnv ? undefined : clientId, clientSecret: stored.clientSecretFromEnv ? undefined : clientSecret });
    registry.invalidate();
    const now = Date.now();
    const flow = addFlowFor(deps, app, code, now);
    deps.log.info({ component: 'trakt' }, 'Trakt device login started from the settings page');
    return answerSection(c, 'trakt', await renderTraktSection(c, { device: deviceView(flow, now) }));
  });

  app.post('/settings/trakt/device/:flow', async (c) => {
    const { deps } = c.var;
    const flow = getFlow(deps, c.req.param('flow'));
    const restart = async (text: string, kind: 'warn' | 'error' = 'warn') => answerSection(c, 'trakt', await renderTraktSection(c, { message: { kind, text } }));
    if (!flow) return restart('This login is no longer running (the server restarted or it already ended). Click Connect Trakt to start again.');
    const step = await stepFlow(deps, flow);
    if (step.kind === 'waiting') return answerSection(c, 'trakt', await renderTraktSection(c, { device: deviceView(flow) }));
    if (step.kind === 'ended') return restart(step.text, step.expired ? 'warn' : 'error');
    try {
      const account = await completeDeviceLogin(deps, flow.app.clientId, step.tokens);
      deps.history.request(account.id, 'auto', 0);
      return answerSection(c, 'trakt', await renderTraktSection(c, { message: { kind: 'ok', text: `Trakt is connected as ${account.username}.` } }));
    } catch (err) {
      return restart(sentence(err), 'error');
    }
  });

  app.post('/settings/trakt/cancel', async (c) => {
    const form = await readForm(c);
    if (form.flowId) endFlow(c.var.deps, form.flowId);
    return answerSection(c, 'trakt', await renderTraktSection(c));
  });

  app.post('/settings/trakt/disconnect', async (c) => {
    const { deps } = c.var;
    const account = await defaultTraktAccount(deps.db);
    if (!account) return answerSection(c, 'trakt', await renderTraktSection(c, { message: { kind: 'warn', text: 'Trakt was not connected.' } }));
    const result = await disconnectTraktAccount(deps, account.id);
    const message = result.note ? { kind: 'warn' as const, text: result.note } : { kind: 'ok' as const, text: `Disconnected ${account.username}; the sign-in was revoked at Trakt.` };
    return answerSection(c, 'trakt', await renderTraktSection(c, { message }));
  });

  return app;
}
