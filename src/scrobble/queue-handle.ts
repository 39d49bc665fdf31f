/** What the web layer needs from the event worker: wake it after a write; its ports for the dry test event. */
import type { ScrobblePorts } from './ports.js';

export interface WebhookQueueHandle {
  /** A new event was stored: process it now (no polling delay). */
  wake(): void;
  readonly ports?: ScrobblePorts;
}
