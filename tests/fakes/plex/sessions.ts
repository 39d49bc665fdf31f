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
    };
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
      viewOffset: session.viewOffsetMs,
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
