/**
 * An action that breaks something for someone else (a key scripts use, the webhook URL in
 * Plex, the Trakt sign-in) asks first: the button opens a panel that says what will stop
 * working, and only the panel's own button does it. Plain HTML (<details>), so it works
 * with and without htmx.
 */
import type { Child } from 'hono/jsx';
import { CsrfField, secondaryButtonClass } from '../components.js';

export const dangerButtonClass =
  'inline-flex items-center justify-center rounded-md bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-600 dark:bg-rose-600 dark:hover:bg-rose-500';

export function ConfirmAction(props: {
  /** The id of the button that does it (the opener gets `<id>-ask`). */
  id: string;
  label: string;
  /** What will break, in a sentence or two. */
  warning: Child;
  confirmLabel: string;
  action: string;
  csrf: string;
  hx?: Record<string, string>;
  disabled?: boolean;
  title?: string;
  class?: string;
}) {
  if (props.disabled) {
    return (
      <button type="button" class={secondaryButtonClass} id={props.id} disabled title={props.title}>
        {props.label}
      </button>
    );
  }
  return (
    <details class={`confirm-action inline-block align-top ${props.class ?? ''}`} id={`${props.id}-confirm`}>
      <summary class={`${secondaryButtonClass} cursor-pointer list-none`} id={`${props.id}-ask`}>
        {`${props.label}…`}
      </summary>
      <form method="post" action={props.action} {...(props.hx ?? {})} class="mt-2 max-w-md rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" role="alertdialog" aria-label={props.label}>
        <CsrfField token={props.csrf} />
        <p class="confirm-warning">{props.warning}</p>
        <div class="mt-2 flex gap-2">
          <button type="submit" class={dangerButtonClass} id={props.id}>
            {props.confirmLabel}
          </button>
        </div>
        <p class="mt-1 text-xs">Changed your mind? Close this by pressing the button above again.</p>
      </form>
    </details>
  );
}
