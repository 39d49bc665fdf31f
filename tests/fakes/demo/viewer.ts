/**
 * A simulated person watching in the demo: every so often the emulated Plex server plays one
 * unwatched movie or episode through (play, pause, resume, past 90 %, stop), telling it the
 * way `sends` says: Plex Pass webhooks (media.play … media.stop), the server's own
 * notifications (what the live listener hears, no Plex Pass), or both, so the events page,
 * the dashboard and the history move on their own. Bounded: it stops after the unwatched
 * items or on stop().
 */
import type { Library } from '../library/index.js';
import { emitWebhook, type PlexServerFake } from '../plex/index.js';

/** How the viewer's plays reach the service: webhooks only, the live listener only, or both. */
export type ViewerSends = 'webhooks' | 'live' | 'both';

export interface ViewerOptions {
  pms: PlexServerFake;
  library: Library;
  everyMs: number;
  /** Pause between the events of one viewing; default 1.5 s. */
  stepMs?: number;
  /** Default 'webhooks'. */
  sends?: ViewerSends;
  onError?: (err: unknown) => void;
}

export interface Viewer {
  /** Items played through so far. */
  readonly played: string[];
  stop(): Promise<void>;
}

/** Items unwatched in Plex that Trakt knows, alternating movies and episodes. */
export function viewingOrder(library: Library): Array<{ key: string; durationMs: number }> {
  const movies = library.movies.filter((m) => m.traktId !== null && m.plex.viewCount === 0 && m.agent === 'modern');
  const episodes = library.shows
    .filter((s) => s.traktId !== null && s.agent === 'modern')
    .flatMap((s) => s.episodes.filter((e) => e.traktId !== null && e.plex.viewCount === 0 && e.season > 0));
  const out: Array<{ key: string; durationMs: number }> = [];
  for (let i = 0; i < Math.max(movies.length, episodes.length); i++) {
    if (movies[i]) out.push({ key: movies[i]!.key, durationMs: movies[i]!.durationMs });
    if (episodes[i]) out.push({ key: episodes[i]!.key, durationMs: episodes[i]!.durationMs });
  }
  return out;
}

export function startViewer(o: ViewerOptions): Viewer {
  const queue = viewingOrder(o.library);
  const played: string[] = [];
  const stepMs = o.stepMs ?? 1500;
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const watchLive = async (key: string, webhooks: boolean) => {
    const play = o.pms.livePlay(key, { webhooks });
    const steps: Array<() => Promise<void>> = [
      () => play.start(play.at(2)),
      () => play.pause(play.at(35)),
      () => play.resume(play.at(35)),
      () => play.playing(play.at(60)),
      () => play.playing(play.at(91)),
      () => play.stop(play.at(97)),
    ];
    for (const [i, step] of steps.entries()) {
      if (stopped) {
        if (i > 0) play.vanish(play.at(35)); // the player closed: the session leaves without a word
        return;
      }
      await step();
      await sleep(stepMs);
    }
    played.push(key);
  };

  const watch = async (key: string, durationMs: number) => {
    if (o.sends === 'live' || o.sends === 'both') return watchLive(key, o.sends === 'both');
    const at = (share: number) => Math.round(durationMs * share);
    const steps: Array<[string, number]> = [
      ['media.play', at(0.02)],
      ['media.pause', at(0.35)],
      ['media.resume', at(0.35)],
      ['media.scrobble', at(0.91)],
      ['media.stop', at(0.97)],
    ];
    for (const [event, viewOffsetMs] of steps) {
      if (stopped) return;
      await emitWebhook(o.pms, { event, ref: key, viewOffsetMs });
      await sleep(stepMs);
    }
    played.push(key);
  };

  const loop = (async () => {
    await sleep(Math.min(o.everyMs, 5000));
    for (const item of queue) {
      if (stopped) break;
      try {
        await watch(item.key, item.durationMs);
      } catch (err) {
        o.onError?.(err);
      }
      if (!stopped) await sleep(o.everyMs);
    }
  })();

  return {
    played,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
