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
  /** Unique per item: the hex part of plex:// guids and the number of local:// ones. */
  serial: number;
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

/** A 24-hex id like Plex's (`5d7768ba96b655001fdc0408`), unique per serial and type. */
export function plexHex(serial: number, type: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${type}:${serial}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `5d${h.toString(16).padStart(8, '0')}${serial.toString(16).padStart(14, '0')}`;
}

export function externalGuids(ids: ExternalIds): string[] {
  const out: string[] = [];
  if (ids.imdb) out.push(`imdb://${ids.imdb}`);
  if (ids.tmdb) out.push(`tmdb://${ids.tmdb}`);
  if (ids.tvdb) out.push(`tvdb://${ids.tvdb}`);
  return out;
}

const noneHash = (serial: number): string => plexHex(serial, 'none').padEnd(40, '0');

/**
 * The guid of a movie (`path` empty), show (empty), season ([season]) or episode
 * ([season, episode]). `own` = the episode's own ids, listed in Guid[] by modern agents.
 */
export function guidsFor(type: 'movie' | 'show' | 'season' | 'episode', ctx: GuidContext, path: number[] = [], own?: ExternalIds): ItemGuids {
  const suffix = path.map((n) => `/${n}`).join('');
  if (ctx.agent === 'modern') {
    const ids = type === 'episode' ? (own ?? {}) : type === 'season' ? {} : ctx.ids;
    return { guid: `plex://${type}/${plexHex(ctx.serial, type)}`, external: externalGuids(ids) };
  }
  if (ctx.agent === 'none') return { guid: `com.plexapp.agents.none://${noneHash(ctx.serial)}${suffix}?lang=xn`, external: [] };
  const legacy = LEGACY[ctx.agent];
  const id = legacy?.id(ctx);
  // Unmatched items (and the local agent) get a local:// guid, as Plex gives them.
  if (!legacy || !id) return { guid: `local://${ctx.ratingKey}`, external: [] };
  return { guid: `${legacy.provider}://${id}${suffix}?lang=en`, external: [] };
}
