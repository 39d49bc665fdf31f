/**
 * The log store: every log line of the service, kept in SQLite for the Logs page and
 * for a run's own log. Lines are buffered and written in small batches so logging
 * never waits on the disk; old lines are pruned, except a sync run's own lines (tagged
 * `run_id`), which stay as long as the run itself is kept in `sync_runs`.
 *
 * Repeats are folded so that no caller (a request anyone can send) writes unbounded rows: a
 * warning or error with the same component and message is stored at most once a minute, and
 * the ones held back become one "repeated N times" row when the minute is over. A run's own
 * lines are never folded (its log is bounded by the run). A line logged with `stored: false`
 * goes to the terminal only (the first-run setup code).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Writable } from 'node:stream';

const RESERVED = new Set(['level', 'time', 'msg', 'component', 'runId', 'pid', 'hostname', 'v']);
const WARN = 40;
const FOLD_MS = 60_000;
/** Distinct (level, component, message) windows kept; past this, new ones share one per component. */
const MAX_FOLDS = 1000;

interface Fold {
  until: number;
  count: number;
  level: number;
  component: string;
  msg: string;
}

export interface StoredLine {
  ts: number;
  level: number;
  component: string;
  msg: string;
  run_id: number | null;
  data: string | null;
}

export interface LogStore {
  stream: Writable;
  /** Called after each batch is written (the Logs page's live tail listens here). */
  onRows?: (rows: StoredLine[]) => void;
  flush(): void;
  /** Deletes lines older than this, keeping those of a run still in `sync_runs`; returns how many went. */
  prune(olderThanMs: number): number;
  close(): void;
}

export function createLogStore(sqlite: BetterSqlite3.Database, opts: { flushMs?: number; maxBatch?: number; foldMs?: number; now?: () => number } = {}): LogStore {
  const foldMs = opts.foldMs ?? FOLD_MS;
  const clock = opts.now ?? Date.now;
  const folds = new Map<string, Fold>();
  /** True when this line is held back: its key was stored less than a minute ago. */
  const folded = (line: StoredLine): boolean => {
    if (line.level < WARN || line.run_id !== null) return false;
    let key = `${line.level}|${line.component}|${line.msg}`;
    if (!folds.has(key) && folds.size >= MAX_FOLDS) key = `${line.level}|${line.component}|*`;
    const f = folds.get(key);
    if (f && line.ts < f.until) {
      f.count++;
      return true;
    }
    folds.set(key, { until: line.ts + foldMs, count: 0, level: line.level, component: line.component, msg: line.msg });
    return false;
  };
  /** Windows that are over: a summary row for those that held lines back (opening the next window), the rest forgotten. */
  const closeFolds = () => {
    const now = clock();
    for (const [key, f] of folds) {
      if (now < f.until) continue;
      if (f.count === 0) {
        folds.delete(key);
        continue;
      }
      buffer.push({ ts: now, level: f.level, component: f.component, msg: `${f.msg} (repeated ${f.count} more times in the last minute)`, run_id: null, data: JSON.stringify({ repeated: f.count }) });
      f.count = 0;
      f.until = now + foldMs;
    }
  };
  const insert = sqlite.prepare(
    'INSERT INTO logs (ts, level, component, msg, run_id, data) VALUES (@ts, @level, @component, @msg, @run_id, @data)',
  );
  const insertMany = sqlite.transaction((rows: unknown[]) => {
    for (const r of rows) insert.run(r);
  });
  let buffer: StoredLine[] = [];
  let closed = false;
  const flush = () => {
    if (folds.size) closeFolds();
    if (buffer.length === 0 || !sqlite.open) return;
    const rows = buffer;
    buffer = [];
    try {
      insertMany(rows);
    } catch {
      // A full or locked disk must not take the service down with it; the line is still on stdout.
      return;
    }
    try {
      store.onRows?.(rows);
    } catch {
      /* a listener's failure is not the store's */
    }
  };
  const timer = setInterval(flush, opts.flushMs ?? 250);
  timer.unref();
  const maxBatch = opts.maxBatch ?? 500;

  const stream = new Writable({
    write(chunk, _enc, cb) {
      if (closed) return cb();
      for (const line of String(chunk).split('\n')) {
        if (!line) continue;
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          if (o.stored === false) continue;
          const data: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(o)) if (!RESERVED.has(k)) data[k] = v;
          const row: StoredLine = {
            ts: typeof o.time === 'number' ? o.time : Date.now(),
            level: typeof o.level === 'number' ? o.level : 30,
            component: typeof o.component === 'string' ? o.component : 'app',
            msg: typeof o.msg === 'string' ? o.msg : '',
            run_id: typeof o.runId === 'number' ? o.runId : null,
            data: Object.keys(data).length ? JSON.stringify(data) : null,
          };
          if (!folded(row)) buffer.push(row);
        } catch {
          // not JSON: ignore
        }
      }
      if (buffer.length >= maxBatch) flush();
      cb();
    },
  });

  const store: LogStore = {
    stream,
    flush,
    prune(olderThanMs) {
      flush();
      // A kept run's page shows its log: its lines go only once the run itself is pruned.
      return sqlite
        .prepare('DELETE FROM logs WHERE ts < ? AND (run_id IS NULL OR NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.id = logs.run_id))')
        .run(Date.now() - olderThanMs).changes;
    },
    close() {
      flush();
      closed = true;
      clearInterval(timer);
    },
  };
  return store;
}
