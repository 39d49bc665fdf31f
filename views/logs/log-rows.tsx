/** Log lines as table rows; the same component serves the page, the "older" fragment and the live tail. */
export const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

const levelClass: Record<string, string> = {
  trace: 'text-slate-600 dark:text-slate-400',
  debug: 'text-slate-600 dark:text-slate-400',
  info: 'text-sky-700 dark:text-sky-300',
  warn: 'text-amber-700 dark:text-amber-300',
  error: 'text-rose-700 dark:text-rose-300',
  fatal: 'text-rose-800 font-bold dark:text-rose-200',
};

export interface LogLine {
  id?: number;
  ts: number;
  level: number;
  component: string;
  msg: string;
  data: string | null;
}

export function LogRows(props: { rows: LogLine[] }) {
  return (
    <>
      {props.rows.map((r) => {
        const level = LEVELS[r.level] ?? String(r.level);
        return (
          <tr class="align-top" data-level={String(r.level)} data-component={r.component}>
            <td class="whitespace-nowrap py-1 pr-3 font-mono text-xs text-slate-600 dark:text-slate-400">
              <time datetime={new Date(r.ts).toISOString()} data-local="">
                {new Date(r.ts).toISOString()}
              </time>
            </td>
            <td class={`py-1 pr-3 font-mono text-xs uppercase ${levelClass[level] ?? ''}`}>{level}</td>
            <td class="py-1 pr-3 font-mono text-xs text-slate-600 dark:text-slate-400">{r.component}</td>
            <td class="py-1 font-mono text-xs">
              {r.msg}
              {r.data && <span class="ml-2 break-all text-slate-600 dark:text-slate-400">{r.data.length > 600 ? `${r.data.slice(0, 600)}…` : r.data}</span>}
            </td>
          </tr>
        );
      })}
    </>
  );
}
