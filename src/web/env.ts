/** The Hono environment shared by every route: Node bindings and per-request variables. */
import type { HttpBindings } from '@hono/node-server';
import type { Services } from '../context.js';
import type { SessionRow } from '../db/tables/core.js';
import type { WebhookQueueHandle } from '../scrobble/queue-handle.js';
import type { RunPublisher } from './runs-live.js';

/**
 * The web layer's bag: every service (built by src/context.ts) plus what only pages need.
 * Only src/web and src/app.tsx use it; domain code takes the few things it needs.
 */
export interface AppDeps extends Services {
  /** Renders a sync run's progress onto the live bus (and remembers what a page already showed). */
  runPublisher: RunPublisher;
  /** The one-time code printed in the log that a first visitor must type (absent once a password exists). */
  setupCode?: string;
  sessionTtlMs?: number;
  /** Base delay for slowing down repeated wrong passwords. */
  loginThrottleMs?: number;
  /** The webhook event worker while it runs (main.ts); the receiver wakes it after each write. */
  webhookQueue?: WebhookQueueHandle;
}

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    deps: AppDeps;
    session?: SessionRow;
    csrf: string;
  };
}
