/** What the web layer needs from the event worker: wake it after a write, re-queue failures. */
export interface WebhookQueueHandle {
  /** A new event was stored: process it now (no polling delay). */
  wake(): void;
}
