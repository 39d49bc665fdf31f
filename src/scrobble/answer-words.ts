/**
 * Trakt's answer to an event, in words for the pages ("scrobbled at 91 %", "already
 * scrobbled (409)", "not found on Trakt"). The stored answer is `{status, body}` or a list of
 * them (one per scrobble request); anything else is described as what it is. Pure.
 */

interface Answer {
  status: number;
  body: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function asAnswers(parsed: unknown): Answer[] | null {
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: Answer[] = [];
  for (const a of list) {
    if (!isObj(a) || typeof a.status !== 'number') return null;
    out.push({ status: a.status, body: a.body });
  }
  return out.length ? out : null;
}

function atPct(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? ` at ${Math.round(v * 10) / 10} %` : '';
}

function count(section: unknown): number {
  if (!isObj(section)) return 0;
  return Object.values(section).reduce<number>((n, v) => n + (typeof v === 'number' ? v : Array.isArray(v) ? v.length : 0), 0);
}

const SCROBBLE_VERBS: Record<string, string> = { scrobble: 'scrobbled', start: 'started watching', pause: 'paused' };

/** One answer in words. */
export function oneAnswerInWords(a: Answer): string {
  const b = a.body;
  if (a.status >= 200 && a.status < 300) {
    if (isObj(b) && typeof b.action === 'string') return `${SCROBBLE_VERBS[b.action] ?? b.action}${atPct(b.progress)}`;
    if (isObj(b) && (isObj(b.added) || isObj(b.deleted) || isObj(b.not_found))) {
      const added = count(b.added);
      const removed = count(b.deleted);
      const missing = count(b.not_found);
      const parts: string[] = [];
      if (added) parts.push(`${added} added`);
      if (removed) parts.push(`${removed} removed`);
      if (missing) parts.push(added || removed ? `${missing} not found on Trakt` : 'not found on Trakt');
      return parts.length ? parts.join(', ') : 'accepted, nothing changed';
    }
    return `accepted (${a.status})`;
  }
  if (a.status === 409) return 'already scrobbled (409)';
  if (a.status === 404) return 'not found on Trakt';
  if (a.status === 401) return 'login refused (401)';
  if (a.status === 420) return 'account over its limit (420)';
  if (a.status === 423) return 'account locked (423)';
  if (a.status === 429) return 'rate limited (429)';
  if (a.status >= 500) return `Trakt failed (${a.status})`;
  return `refused (${a.status})`;
}

/** The stored answer (JSON text) in words; null when there is none. */
export function answerInWords(stored: string | null): string | null {
  if (stored === null || stored === '' || stored === 'null') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return 'an answer that is not JSON';
  }
  const answers = asAnswers(parsed);
  if (!answers) return 'an answer of an unexpected shape';
  return answers.map(oneAnswerInWords).join('; ');
}

/** The TMDB id of the movie or show Trakt named in its answer (for a poster), if any. */
export function tmdbOfAnswer(stored: string | null): { media: 'movie' | 'tv'; tmdbId: number } | null {
  if (!stored) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return null;
  }
  for (const a of asAnswers(parsed) ?? []) {
    const b = a.body;
    if (!isObj(b)) continue;
    const movie = isObj(b.movie) && isObj(b.movie.ids) ? b.movie.ids.tmdb : undefined;
    if (typeof movie === 'number') return { media: 'movie', tmdbId: movie };
    const show = isObj(b.show) && isObj(b.show.ids) ? b.show.ids.tmdb : undefined;
    if (typeof show === 'number') return { media: 'tv', tmdbId: show };
  }
  return null;
}
