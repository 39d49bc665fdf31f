/** Plays per month for the picture above the History page: pure bucketing, no drawing. */
import type { MonthCount } from '../db/repos/history-plays.js';

export interface MonthBucket {
  /** "2025-03" (UTC) */
  month: string;
  movies: number;
  episodes: number;
}

/** The first instant of the UTC month `months - 1` months before `now`'s month. */
export function chartStart(now: number, months = 24): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (months - 1), 1);
}

/** Every month of the window, oldest first, zero-filled. */
export function monthBuckets(counts: MonthCount[], now: number, months = 24): MonthBucket[] {
  const start = new Date(chartStart(now, months));
  const out: MonthBucket[] = [];
  const index = new Map<string, MonthBucket>();
  for (let i = 0; i < months; i++) {
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
    const b = { month: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`, movies: 0, episodes: 0 };
    out.push(b);
    index.set(b.month, b);
  }
  for (const c of counts) {
    const b = index.get(c.month);
    if (!b) continue;
    if (c.type === 'movie') b.movies += c.n;
    else b.episodes += c.n;
  }
  return out;
}

/** A "nice" top for the y axis: 1, 2, 5 × 10^n at or above the largest month. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}
