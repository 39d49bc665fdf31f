/** Form pieces the settings sections share: a labelled field with its error, and the "set by the environment" note. */
import type { Child } from 'hono/jsx';
import { ErrorText, inputClass } from '../components.js';

export function Field(props: {
  id: string;
  name: string;
  label: string;
  value?: string;
  type?: 'text' | 'password';
  envVar?: string;
  fromEnv?: boolean;
  placeholder?: string;
  error?: string;
  hint?: Child;
}) {
  const errorId = `${props.id}-error`;
  return (
    <div>
      <label for={props.id} class="block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.fromEnv ? (props.type === 'password' ? '••••••••' : props.value) : props.value}
        placeholder={props.placeholder}
        readonly={props.fromEnv}
        disabled={props.fromEnv}
        autocomplete="off"
        spellcheck={false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
        class={`${inputClass} ${props.fromEnv ? 'cursor-not-allowed opacity-70' : ''}`}
      />
      {props.fromEnv && <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" data-env={props.envVar}>{`Set by ${props.envVar} in the environment (read-only here).`}</p>}
      {props.hint && !props.fromEnv && <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">{props.hint}</p>}
      {props.error && <ErrorText id={errorId}>{props.error}</ErrorText>}
    </div>
  );
}

export function Notice(props: { kind: 'ok' | 'warn' | 'error'; id?: string; children?: Child }) {
  const tone =
    props.kind === 'ok'
      ? 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100'
      : props.kind === 'warn'
        ? 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100'
        : 'border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100';
  return (
    <div id={props.id} role={props.kind === 'error' ? 'alert' : 'status'} class={`mt-3 rounded-md border p-3 text-sm ${tone}`}>
      {props.children}
    </div>
  );
}
