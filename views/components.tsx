/** Small building blocks shared by the pages. */
import type { Child } from 'hono/jsx';

export function PageHeader(props: { title: string; subtitle?: string; children?: Child }) {
  return (
    <div class="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 class="text-2xl font-semibold tracking-tight">{props.title}</h1>
        {props.subtitle && <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{props.subtitle}</p>}
      </div>
      {props.children && <div class="flex gap-2">{props.children}</div>}
    </div>
  );
}

export function Card(props: { title?: string; id?: string; class?: string; children?: Child }) {
  return (
    <section
      id={props.id}
      class={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900 ${props.class ?? ''}`}
    >
      {props.title && <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{props.title}</h2>}
      {props.children}
    </section>
  );
}

export function EmptyState(props: { title: string; children?: Child }) {
  return (
    <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
      <p class="font-medium">{props.title}</p>
      <div class="mx-auto mt-2 max-w-xl text-sm text-slate-600 dark:text-slate-400">{props.children}</div>
    </div>
  );
}

export function ErrorText(props: { id?: string; children?: Child }) {
  return (
    <p id={props.id} role="alert" class="mt-1 text-sm text-rose-600 dark:text-rose-400">
      {props.children}
    </p>
  );
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-slate-500 focus:outline-none dark:border-slate-700 dark:bg-slate-950';
export const buttonClass =
  'inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-white';
export const secondaryButtonClass =
  'inline-flex items-center justify-center rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800';
