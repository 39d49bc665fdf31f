/** Plays per month for the picture above the History page: pure bucketing, no drawing. */

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

/** The UTC months of the window, oldest first, as [start, end) epoch ms. */
export function monthRanges(now: number, months = 24): Array<{ month: string; range: [number, number] }> {
  const start = new Date(chartStart(now, months));
  const out: Array<{ month: string; range: [number, number] }> = [];
  for (let i = 0; i < months; i++) {
    const from = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1);
    const to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1);
    const d = new Date(from);
    out.push({ month: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`, range: [from, to] });
  }
  return out;
}

/** Zips month ranges with their counts. */
export function monthBuckets(months: Array<{ month: string }>, counts: Array<{ movies: number; episodes: number }>): MonthBucket[] {
  return months.map((m, i) => ({ month: m.month, movies: counts[i]?.movies ?? 0, episodes: counts[i]?.episodes ?? 0 }));
}

/** A "nice" top for the y axis: 1, 2, 5 × 10^n at or above the largest month. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}
