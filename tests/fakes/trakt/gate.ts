/**
 * Everything a request passes before it reaches a route, in the order the real stack applies it:
 * Cloudflare's User-Agent check, the app key and API version, the bearer token, account
 * switches (423 locked, 426 VIP), rate limits (429), and the JSON content type (412).
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { empty, json, type Route } from './route.js';
import type { TraktUser } from './user.js';
import type { TraktWorld } from './world.js';

/** Cloudflare's WAF page for a request without a User-Agent (API.md A.1, S7). */
export function cloudflareBlock(): FakeResponse {
  const ray = `${randomBytes(8).toString('hex')}-AMS`;
  return {
    status: 403,
    headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare', 'cf-ray': ray },
    body: `<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access api.trakt.tv</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>${ray}</strong></p></div></body></html>`,
  };
}

const DEFAULT_AGENTS = new Set(['node', 'undici']);

export function hasUserAgent(req: FakeRequest, blockDefault: boolean): boolean {
  const ua = String(req.headers['user-agent'] ?? '').trim();
  return ua !== '' && !(blockDefault && DEFAULT_AGENTS.has(ua.toLowerCase()));
}

/** App key and API version: 403 without a body for an unknown key, like the real one. */
export function checkApp(world: TraktWorld, req: FakeRequest): FakeResponse | undefined {
  if (!world.auth.apps.has(String(req.headers['trakt-api-key'] ?? ''))) return empty(403);
  if (req.headers['trakt-api-version'] !== '2') return json(400, { error: 'trakt-api-version header must be 2' });
  return undefined;
}

function unauthorized(description: string): FakeResponse {
  return json(401, { error: 'invalid_token', error_description: description }, {
    'www-authenticate': `Bearer realm="Trakt API", error="invalid_token", error_description="${description}"`,
  });
}

const WRITES = new Set(['POST', 'PUT', 'DELETE']);

/** Authenticates and admits a request for `route`: the user, or the answer that stops it. */
export function admit(world: TraktWorld, req: FakeRequest, route: Route): { user?: TraktUser } | FakeResponse {
  const write = WRITES.has(req.method);
  const header = String(req.headers.authorization ?? '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  let user: TraktUser | undefined;
  if (bearer) {
    const rec = world.auth.authenticate(bearer);
    if (rec === 'expired') return unauthorized('The access token expired');
    if (rec === 'invalid' || rec.clientId !== req.headers['trakt-api-key']) return unauthorized('The access token is invalid');
    user = world.users.get(rec.username);
    if (!user) return unauthorized('The access token is invalid');
  } else if (route.auth === 'required' || write) {
    return unauthorized('OAuth must be provided');
  }

  if (user?.locked) {
    return empty(423, { 'x-account-locked': 'true', 'x-account-deactivated': String(user.locked.deactivated) });
  }
  for (const prefix of world.vipOnly) {
    if (req.path.startsWith(prefix) && !user?.vip) {
      return json(426, { error: 'VIP only' }, { 'x-upgrade-url': 'https://trakt.tv/vip', 'x-vip-user': 'false' });
    }
  }

  const subject = user ? `user:${user.username}` : `app:${String(req.headers['trakt-api-key'])}`;
  const limited = world.limiter.check(subject, !!user, write);
  if (limited) return limited;

  if (write && req.body.length > 0) {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return json(412, { error: 'use application/json content type' });
    }
    if (req.json === undefined) return json(400, { error: 'body is not valid JSON' });
  }
  return { user };
}
