/**
 * What a route handler gets and returns, and small response helpers shared by the routes.
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { parseTime } from './clock.js';
import type { TraktUser } from './user.js';
import type { TraktWorld } from './world.js';

export interface Ctx {
  world: TraktWorld;
  req: FakeRequest;
  /** Regexp groups of the route pattern. */
  params: string[];
  /** The authenticated user (always set on routes with auth 'required'). */
  user?: TraktUser;
}

export type Handler = (ctx: Ctx) => FakeResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  /** Counted as "<METHOD> <kind>", e.g. "GET /sync/history". */
  kind: string;
  auth: 'required' | 'optional';
  handler: Handler;
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const json = (status: number, body: unknown, headers?: Record<string, string>): FakeResponse => ({
  status,
  body,
  headers,
});

/** Trakt's error answers for these codes carry no documented body. */
export const empty = (status: number, headers?: Record<string, string>): FakeResponse => ({ status, body: '', headers });

/** The `extended` query parameter as a set ("full,progress" → {full, progress}). */
export function extended(ctx: Ctx): Set<string> {
  return new Set((ctx.req.query.get('extended') ?? '').split(',').filter(Boolean));
}

/** `start_at` / `end_at` as epoch ms; a value that is not a date is an error answer. */
export function timeRange(ctx: Ctx): { start?: number; end?: number } | FakeResponse {
  const out: { start?: number; end?: number } = {};
  for (const [key, field] of [['start_at', 'start'], ['end_at', 'end']] as const) {
    const raw = ctx.req.query.get(key);
    if (raw === null || raw === '') continue;
    const t = parseTime(raw);
    if (t === undefined) return json(400, { error: `invalid ${key}` });
    out[field] = t;
  }
  return out;
}

export const isResponse = (v: unknown): v is FakeResponse => isObj(v) && typeof v.status === 'number';
