/**
 * How a Plex server spells an item's identity for each agent style (API.md B.4):
 * modern agents give `plex://<type>/<24hex>` plus `Guid[]` (episodes carry their own ids);
 * legacy agents put the show's id in the guid with `/<season>/<episode>` after it; HAMA
 * uses `tvdb-`/`anidb-` prefixes; `local://` and the none agent carry no usable id.
 */
import type { AgentStyle, ExternalIds } from '../library/model.js';

export interface ItemGuids {
  guid: string;
  /** The `Guid[]` ids (`imdb://…`, `tmdb://…`, `tvdb://…`); only modern agents have them. */
  external: string[];
}

export interface GuidContext {
  agent: AgentStyle;
  /** The show's ids (episodes and seasons) or the movie's. */
  ids: ExternalIds;
  /**
   * What the agent matched: the library-model key. Copies of a movie in two sections and
   * its editions share it, so they share a plex:// guid, as on a real server.
   */
  identity: string;
  /** The item's own ratingKey (local:// guids are per item). */
  ratingKey: string;
  /** HAMA's AniDB id of the show (the model has none: the seed invents one). */
  anidb?: number;
}

const LEGACY: Partial<Record<AgentStyle, { provider: string; id: (c: GuidContext) => string | undefined }>> = {
  'legacy-imdb': { provider: 'com.plexapp.agents.imdb', id: (c) => c.ids.imdb },
  'legacy-tmdb': { provider: 'com.plexapp.agents.themoviedb', id: (c) => (c.ids.tmdb ? String(c.ids.tmdb) : undefined) },
  'legacy-tvdb': { provider: 'com.plexapp.agents.thetvdb', id: (c) => (c.ids.tvdb ? String(c.ids.tvdb) : undefined) },
  'hama-tvdb': { provider: 'com.plexapp.agents.hama', id: (c) => (c.ids.tvdb ? `tvdb-${c.ids.tvdb}` : undefined) },
  'hama-anidb': { provider: 'com.plexapp.agents.hama', id: (c) => (c.anidb ? `anidb-${c.anidb}` : undefined) },
};

const fnv = (text: string, seed: number): string => {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
};

/** A 24-hex id like Plex's (`5d7768ba96b655001fdc0408`), stable for an identity and type. */
export function plexHex(identity: string, type: string): string {
  const text = `${type}:${identity}`;
  return `5d${fnv(text, 0x811c9dc5)}${fnv(text, 0x2f1b3c4d)}${fnv(text, 0x6a09e667).slice(0, 6)}`;
}

export function externalGuids(ids: ExternalIds): string[] {
  const out: string[] = [];
  if (ids.imdb) out.push(`imdb://${ids.imdb}`);
  if (ids.tmdb) out.push(`tmdb://${ids.tmdb}`);
  if (ids.tvdb) out.push(`tvdb://${ids.tvdb}`);
  return out;
}

const noneHash = (identity: string): string => `${plexHex(identity, 'none')}${fnv(identity, 0x510e527f)}${fnv(identity, 0x9b05688c)}`;

/**
 * The guid of a movie (`path` empty), show (empty), season ([season]) or episode
 * ([season, episode]). `own` = the episode's own ids, listed in Guid[] by modern agents.
 */
export function guidsFor(type: 'movie' | 'show' | 'season' | 'episode', ctx: GuidContext, path: number[] = [], own?: ExternalIds): ItemGuids {
  const suffix = path.map((n) => `/${n}`).join('');
  if (ctx.agent === 'modern') {
    const ids = type === 'episode' ? (own ?? {}) : type === 'season' ? {} : ctx.ids;
    return { guid: `plex://${type}/${plexHex(ctx.identity, type)}`, external: externalGuids(ids) };
  }
  if (ctx.agent === 'none') return { guid: `com.plexapp.agents.none://${noneHash(ctx.identity)}${suffix}?lang=xn`, external: [] };
  const legacy = LEGACY[ctx.agent];
  const id = legacy?.id(ctx);
  // Unmatched items (and the local agent) get a local:// guid, as Plex gives them.
  if (!legacy || !id) return { guid: `local://${ctx.ratingKey}`, external: [] };
  return { guid: `${legacy.provider}://${id}${suffix}?lang=en`, external: [] };
}
