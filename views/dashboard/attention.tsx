/** "Needs you": what only the user can fix, at the top of the dashboard (empty when all is well). */

export interface AttentionItem {
  /** Stable, for tests and styling: failed_events, held_run, trakt_login, ... */
  key: string;
  text: string;
  href: string;
  action: string;
  tone: 'error' | 'warning';
}

export function AttentionBody(props: { items: AttentionItem[] }) {
  if (!props.items.length) return <></>;
  return (
    <section aria-labelledby="needs-you-title" class="mb-4 rounded-xl border border-amber-300 bg-amber-50 p-4 dark:border-amber-700 dark:bg-amber-950">
      <h2 id="needs-you-title" class="mb-2 text-sm font-semibold uppercase tracking-wide text-amber-900 dark:text-amber-100">
        Needs you
      </h2>
      <ul class="space-y-2">
        {props.items.map((i) => (
          <li class="attention flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm" data-attention={i.key}>
            <span class={i.tone === 'error' ? 'text-rose-800 dark:text-rose-200' : 'text-amber-900 dark:text-amber-100'}>{i.text}</span>
            <a class="font-medium underline" href={i.href}>
              {i.action}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Attention(props: { items: AttentionItem[] }) {
  return (
    <div id="needs-you">
      <AttentionBody items={props.items} />
    </div>
  );
}
