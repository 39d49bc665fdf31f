/** A play's poster: the image, a placeholder that fetches its own poster when revealed, or initials. */
import type { PosterState } from '../../src/tmdb/posters.js';

/** "The Dark Knight" → "DK"; articles skipped, at most two letters. */
export function initials(title: string): string {
  const words = title.replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter(Boolean);
  const meaningful = words.filter((w) => !/^(the|a|an|der|die|das|le|la|les|el|los)$/i.test(w));
  const pick = (meaningful.length ? meaningful : words).slice(0, 2).map((w) => w[0]!.toUpperCase());
  return pick.join('') || '?';
}

const box = 'poster flex h-16 w-11 shrink-0 items-center justify-center overflow-hidden rounded bg-slate-200 text-xs font-semibold text-slate-600 dark:bg-slate-800 dark:text-slate-400';

export function Poster(props: { state: PosterState; title: string }) {
  const s = props.state;
  if (s.kind === 'img') {
    return <img class="poster h-16 w-11 shrink-0 rounded object-cover" src={s.url} alt={`Poster of ${props.title}`} width="44" height="64" loading="lazy" data-poster="loaded" />;
  }
  if (s.kind === 'pending') {
    return (
      <div class={box} data-poster="pending" aria-hidden="true" hx-get={`/history/poster/${s.media}/${s.tmdbId}?title=${encodeURIComponent(props.title)}`} hx-trigger="revealed" hx-swap="outerHTML">
        {initials(props.title)}
      </div>
    );
  }
  return (
    <div class={box} data-poster="none" aria-hidden="true">
      {initials(props.title)}
    </div>
  );
}
