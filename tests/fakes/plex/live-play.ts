/**
 * A person playing something on the emulated server, as its notifications tell it (API.md G):
 * each step updates `/status/sessions` first and then sends `playing` frames with the state
 * (`buffering` before the first `playing`, `stopped` once the session is already gone from
 * the list), with `timeline` and `activity` noise around them. Plex itself marks an item
 * watched once playback passes 90 %. With `webhooks: true` the same play is also posted as
 * Plex Pass webhooks (media.play, pause, resume, scrobble at 90 %, stop) to `pms.webhookUrls`.
 */
import { OWNER_ID } from './accounts.js';
import { emitWebhook } from './pms-control.js';
import type { PlexServerFake } from './pms.js';
import type { PlayerInfo, PlayState, Session } from './sessions.js';

export interface LivePlayOptions {
  accountId?: number;
  player?: Partial<PlayerInfo>;
  /** Also post the Plex Pass webhooks of this play. */
  webhooks?: boolean;
  /** Send timeline/activity frames around the play frames (what a real server chatters); on by default. */
  noise?: boolean;
  /**
   * Awaited after each play frame: real time passes between notifications (a player reports
   * every few seconds), so a test lets the listener catch up. Default: `pms.livePace`, else none.
   */
  pace?: () => Promise<void>;
}

/** Plex's own "video played threshold". */
const PLEX_WATCHED = 0.9;
let queueIds = 100;

export class LivePlay {
  readonly ratingKey: string;
  readonly accountId: number;
  readonly durationMs: number;
  private session: Session | undefined;
  private sessionKey = '';
  private readonly playQueueID = queueIds++;
  private scrobbled = false;

  constructor(private readonly pms: PlexServerFake, ref: string, private readonly o: LivePlayOptions = {}) {
    const item = pms.resolve(ref);
    this.ratingKey = item.ratingKey;
    this.accountId = o.accountId ?? OWNER_ID;
    this.durationMs = item.durationMs ?? 0;
  }

  /** Milliseconds at `percent` of the item. */
  at(percent: number): number {
    return Math.round((this.durationMs * percent) / 100);
  }

  get key(): string {
    return this.sessionKey;
  }

  /** Opens the session (listed in /status/sessions), buffers, then plays from `viewOffsetMs`. */
  async start(viewOffsetMs = 0): Promise<void> {
    this.session = this.pms.setSession({ ref: this.ratingKey, accountId: this.accountId, viewOffsetMs, state: 'buffering', player: this.o.player });
    this.sessionKey = this.session.sessionKey;
    await this.frame('buffering', viewOffsetMs);
    this.noise('start');
    await this.update('playing', viewOffsetMs);
    await this.hook('media.play', viewOffsetMs);
  }

  /** A progress report while playing (Plex sends one every few seconds). */
  async playing(viewOffsetMs: number): Promise<void> {
    await this.update('playing', viewOffsetMs);
    await this.maybeScrobble(viewOffsetMs);
  }

  async pause(viewOffsetMs: number): Promise<void> {
    await this.update('paused', viewOffsetMs);
    await this.hook('media.pause', viewOffsetMs);
  }

  async resume(viewOffsetMs: number): Promise<void> {
    await this.update('playing', viewOffsetMs);
    await this.hook('media.resume', viewOffsetMs);
  }

  /** A stall: `buffering`, which says nothing about playing or pausing. */
  async buffering(viewOffsetMs: number): Promise<void> {
    this.pms.setSession({ ref: this.ratingKey, accountId: this.accountId, viewOffsetMs, state: 'buffering' });
    await this.frame('buffering', viewOffsetMs);
  }

  /** Stops: the session leaves /status/sessions, then `stopped` is sent (as the real server orders them). */
  async stop(viewOffsetMs: number): Promise<void> {
    await this.maybeScrobble(viewOffsetMs);
    this.end(viewOffsetMs);
    await this.frame('stopped', viewOffsetMs);
    this.noise('stop');
    await this.hook('media.stop', viewOffsetMs);
  }

  /** The player dies: the session leaves /status/sessions and no `stopped` is ever sent. */
  vanish(viewOffsetMs: number): void {
    this.end(viewOffsetMs);
  }

  /** Plays from the start through 25/50/75/95 % and stops at 97 %: a whole viewing in a few frames. */
  async toTheEnd(): Promise<void> {
    await this.start(0);
    for (const p of [25, 50, 75, 95]) await this.playing(this.at(p));
    await this.stop(this.at(97));
  }

  private async update(state: PlayState, viewOffsetMs: number): Promise<void> {
    this.pms.setSession({ ref: this.ratingKey, accountId: this.accountId, viewOffsetMs, state });
    await this.frame(state, viewOffsetMs);
  }

  /** Plex marks the item watched as playback passes 90 % (and, with Plex Pass, posts media.scrobble). */
  private async maybeScrobble(viewOffsetMs: number): Promise<void> {
    if (this.scrobbled || !this.durationMs || viewOffsetMs < this.durationMs * PLEX_WATCHED) return;
    this.scrobbled = true;
    if (this.o.webhooks) await this.hook('media.scrobble', viewOffsetMs);
    else this.pms.markWatched(this.ratingKey, this.accountId);
  }

  private end(viewOffsetMs: number): void {
    this.pms.clearSessions(this.sessionKey);
    if (!this.scrobbled) this.pms.setProgress(this.ratingKey, viewOffsetMs, this.accountId);
  }

  private frame(state: PlayState, viewOffsetMs: number): Promise<void> {
    const p = this.session?.player;
    this.pms.notifications.send('playing', 'PlaySessionStateNotification', [
      {
        sessionKey: this.sessionKey,
        clientIdentifier: p?.uuid ?? '',
        guid: '',
        ratingKey: this.ratingKey,
        url: '',
        key: `/library/metadata/${this.ratingKey}`,
        viewOffset: viewOffsetMs,
        playQueueItemID: this.playQueueID * 10,
        playQueueID: this.playQueueID,
        state,
      },
    ]);
    const pace = this.o.pace ?? this.pms.livePace;
    return pace ? pace() : Promise.resolve();
  }

  private noise(at: 'start' | 'stop'): void {
    if (this.o.noise === false) return;
    sendNoise(this.pms, this.ratingKey, at);
  }

  private async hook(event: string, viewOffsetMs: number): Promise<void> {
    if (!this.o.webhooks) return;
    if (event === 'media.stop' && this.scrobbled) {
      // media.scrobble already marked it watched; the stop only ends the session (and must not save a position).
      await emitWebhook(this.pms, { event, ref: this.ratingKey, accountId: this.accountId, viewOffsetMs: null });
      return;
    }
    await emitWebhook(this.pms, { event, ref: this.ratingKey, accountId: this.accountId, viewOffsetMs });
  }
}

/** What a real server chatters about besides plays: timeline entries, library activities, reachability. */
export function sendNoise(pms: PlexServerFake, ratingKey: string, at: 'start' | 'stop' | 'idle' = 'idle'): void {
  const item = pms.resolve(ratingKey);
  pms.notifications.send('timeline', 'TimelineEntry', [
    { identifier: 'com.plexapp.plugins.library', sectionID: String(item.sectionId), itemID: ratingKey, type: item.type === 'movie' ? 1 : 4, title: item.title, state: 5, updatedAt: Math.floor(Date.now() / 1000) },
  ]);
  const uuid = `a1b2c3d4-${String(ratingKey).padStart(4, '0')}-4000-8000-00000000000${at.length}`;
  pms.notifications.send('activity', 'ActivityNotification', [
    { event: at === 'stop' ? 'ended' : 'updated', uuid, Activity: { uuid, type: 'library.refresh.items', cancellable: false, userID: 1, title: 'Refreshing', subtitle: item.title, progress: at === 'stop' ? 100 : 40 } },
  ]);
  if (at === 'idle') pms.notifications.send('reachability', 'ReachabilityNotification', [{ reachability: true }]);
  if (at === 'start') pms.notifications.send('transcodeSession.update', 'TranscodeSession', [{ key: `/transcode/sessions/${ratingKey}`, progress: 1, speed: 3.2, throttled: false }]);
}
