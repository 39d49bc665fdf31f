/**
 * OAuth on the emulator (API.md A.2): device code and token polling with every documented status,
 * refresh with single-use rotating refresh tokens, revoke, and the /activate page.
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { activateForm, activateResult } from './activate-page.js';
import { empty, isObj, json, type Obj } from './route.js';
import type { TraktWorld } from './world.js';

/** OAuth bodies: JSON as documented, form-encoded accepted too (OAuth clients often send that). */
export function oauthBody(req: FakeRequest): Obj {
  if (isObj(req.json)) return req.json;
  const text = req.body.toString('utf8');
  try {
    const parsed = JSON.parse(text);
    if (isObj(parsed)) return parsed;
  } catch {
    // not JSON: try a form
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const INVALID_CLIENT = {
  error: 'invalid_client',
  error_description:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
};
const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
};

const html = (status: number, body: string): FakeResponse => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });

export function handleOauth(world: TraktWorld, req: FakeRequest): FakeResponse | undefined {
  const { auth } = world;
  if (req.path === '/activate' && req.method === 'GET') {
    return html(200, activateForm(req.query.get('code') ?? '', [...world.users.keys()]));
  }
  if (req.path === '/activate' && req.method === 'POST') {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const code = (form.get('code') ?? '').trim().toUpperCase();
    const username = form.get('username') || world.defaultUsername();
    const decision = form.get('decision') === 'deny' ? 'denied' : 'approved';
    if (!world.users.has(username)) return html(400, activateForm(code, [...world.users.keys()], `Unknown user ${username}.`));
    if (!auth.decide(code, decision, username)) {
      return html(404, activateForm(code, [...world.users.keys()], 'That code is invalid, expired or already used.'));
    }
    return html(200, activateResult(decision, username));
  }
  if (req.method !== 'POST' || !req.path.startsWith('/oauth/')) return undefined;

  const body = oauthBody(req);
  switch (req.path) {
    case '/oauth/device/code': {
      if (!auth.apps.has(String(body.client_id))) return json(401, INVALID_CLIENT);
      const code = auth.newDeviceCode(String(body.client_id));
      return json(200, {
        device_code: code.deviceCode,
        user_code: code.userCode,
        verification_url: `${world.baseUrl}${world.pathPrefix}/activate`,
        expires_in: auth.cfg.deviceExpiresInSec,
        interval: code.interval,
      });
    }
    case '/oauth/device/token': {
      if (!auth.client(body.client_id, body.client_secret)) return json(401, INVALID_CLIENT);
      const result = auth.poll(body.code, String(body.client_id));
      return result.status === 200 ? json(200, result.token) : empty(result.status);
    }
    case '/oauth/token': {
      if (!auth.client(body.client_id, body.client_secret)) return json(401, INVALID_CLIENT);
      if (body.grant_type !== 'refresh_token') return json(400, { error: 'unsupported_grant_type', error_description: 'Only refresh_token is emulated.' });
      const token = auth.refresh(body.refresh_token, String(body.client_id));
      return token ? json(200, token) : json(400, INVALID_GRANT);
    }
    case '/oauth/revoke': {
      if (!auth.client(body.client_id, body.client_secret)) return json(401, INVALID_CLIENT);
      auth.revoke(body.token);
      return json(200, {});
    }
    default:
      return json(404, { error: 'not_found' });
  }
}
