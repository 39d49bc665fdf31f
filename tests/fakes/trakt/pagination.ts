/**
 * Trakt pagination (API.md A.6): `page` and `limit` query parameters, `X-Pagination-*` headers,
 * and the 2026 rule that a `limit` above the maximum (250) is clamped silently.
 */
import type { FakeRequest } from '../kit/server.js';

export interface PageRule {
  defaultLimit: number;
  maxLimit: number;
}

export const MAX_LIMIT = 250;

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

const positiveInt = (v: string | null): number | undefined => {
  const n = v === null ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** True when the request asks for a page ("Pagination Optional" endpoints return everything otherwise). */
export function wantsPage(req: FakeRequest): boolean {
  return req.query.has('page') || req.query.has('limit');
}

export function paginate<T>(all: readonly T[], req: FakeRequest, rule: PageRule): Page<T> {
  const limit = Math.min(positiveInt(req.query.get('limit')) ?? rule.defaultLimit, rule.maxLimit);
  const page = positiveInt(req.query.get('page')) ?? 1;
  const start = (page - 1) * limit;
  return {
    items: all.slice(start, start + limit),
    headers: {
      'x-pagination-page': String(page),
      'x-pagination-limit': String(limit),
      'x-pagination-page-count': String(Math.ceil(all.length / limit)),
      'x-pagination-item-count': String(all.length),
    },
  };
}
