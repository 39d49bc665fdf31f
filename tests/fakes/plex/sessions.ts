/**
 * Play sessions (`/status/sessions`), set from code: which item an account is playing, on
 * which player, where, and in what state. Each answer renders the item as PMS does plus
 * `sessionKey`, `viewOffset`, `User`, `Player` and `Session`.
 */
import type { PlexAccount } from './accounts.js';
import { renderItem } from './metadata.js';
import { DEFAULT_PLAYER } from './resources.js';
import type { PlexStore } from './store.js';
import type { WatchStates } from './watch-state.js';

export type PlayState = 'playing' | 'paused' | 'buffering' | 'stopped';

export interface PlayerInfo {
  title: string;
  uuid: string;
  product: string;
  platform: string;
  address: string;
  local: boolean;
}

export interface Session {
  sessionKey: string;
  ratingKey: string;
  accountId: number;
  viewOffsetMs: number;
  state: PlayState;
  player: PlayerInfo;
  startedAtMs: number;
  /** When viewOffsetMs was last set: a playing session moves on from there at `playbackRate`. */
  offsetAtMs: number;
}

export interface SessionInput {
  ratingKey: string;
  accountId?: number;
  viewOffsetMs?: number;
  state?: PlayState;
  player?: Partial<PlayerInfo>;
}

export const defaultPlayer = (): PlayerInfo => ({
  title: DEFAULT_PLAYER.title,
  uuid: DEFAULT_PLAYER.uuid,
  product: DEFAULT_PLAYER.product,
  platform: DEFAULT_PLAYER.platform,
  address: DEFAULT_PLAYER.address,
  local: true,
});

export class Sessions {
  private byKey = new Map<string, Session>();
  private nextKey = 1;
  /**
   * How fast a playing session's position moves, in media ms per real ms: 0 (the default) keeps
   * positions exactly as set, which tests rely on; the demo plays at 60 (a minute a second) so
   * the dashboard's progress bars move between the viewer's webhooks.
   */
  playbackRate = 0;

  constructor(private readonly now: () => number) {}

  /** Starts (or, for the same account and item, updates) a session. Returns it. */
  set(input: SessionInput & { accountId: number }): Session {
    const existing = [...this.byKey.values()].find((s) => s.accountId === input.accountId && s.ratingKey === input.ratingKey);
    const session: Session = existing ?? {
      sessionKey: String(this.nextKey++),
      ratingKey: input.ratingKey,
      accountId: input.accountId,
      viewOffsetMs: 0,
      state: 'playing',
      player: defaultPlayer(),
      startedAtMs: this.now(),
      offsetAtMs: this.now(),
    };
    // Fold the time played so far into the position before the state or position changes.
    session.viewOffsetMs = this.offsetOf(session);
    session.offsetAtMs = this.now();
    if (input.viewOffsetMs !== undefined) session.viewOffsetMs = input.viewOffsetMs;
    if (input.state) session.state = input.state;
    if (input.player) session.player = { ...session.player, ...input.player };
    this.byKey.set(session.sessionKey, session);
    return session;
  }

  /** Ends one session (by key) or every session. */
  clear(sessionKey?: string): void {
    if (sessionKey === undefined) this.byKey.clear();
    else this.byKey.delete(sessionKey);
  }

  /** Where a session is now: as set, plus the time played since at `playbackRate`, at most `durationMs`. */
  offsetOf(session: Session, durationMs?: number): number {
    const moved = session.state === 'playing' ? Math.max(0, this.now() - session.offsetAtMs) * this.playbackRate : 0;
    const at = Math.round(session.viewOffsetMs + moved);
    return durationMs !== undefined ? Math.min(at, durationMs) : at;
  }

  all(): Session[] {
    return [...this.byKey.values()];
  }

  render(session: Session, account: PlexAccount, store: PlexStore, states: WatchStates): Record<string, unknown> | undefined {
    const item = store.get(session.ratingKey);
    if (!item) return undefined;
    const p = session.player;
    return {
      ...renderItem(item, session.accountId, { store, states }, { includeGuids: false, withSection: true }),
      sessionKey: session.sessionKey,
      viewOffset: this.offsetOf(session, item.durationMs),
      User: { id: String(account.id), thumb: account.thumb, title: account.username },
      Player: {
        address: p.address,
        device: DEFAULT_PLAYER.device,
        machineIdentifier: p.uuid,
        model: 'mdarcy',
        platform: p.platform,
        platformVersion: DEFAULT_PLAYER.platformVersion,
        product: p.product,
        profile: 'Android',
        remotePublicAddress: DEFAULT_PLAYER.publicAddress,
        state: session.state,
        title: p.title,
        version: DEFAULT_PLAYER.productVersion,
        local: p.local,
        relayed: false,
        secure: true,
        userID: account.id,
      },
      Session: { id: `session-${session.sessionKey}`, bandwidth: 10_000, location: p.local ? 'lan' : 'wan' },
    };
  }
}
