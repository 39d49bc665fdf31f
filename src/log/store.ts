/**
 * The log store: every log line of the service, kept in SQLite for the Logs page and
 * for a run's own log. Lines are buffered and written in small batches so logging
 * never waits on the disk; old lines are pruned, except a sync run's own lines (tagged
 * `run_id`), which stay as long as the run itself is kept in `sync_runs`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Writable } from 'node:stream';

const RESERVED = new Set(['level', 'time', 'msg', 'component', 'runId', 'pid', 'hostname', 'v']);

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

export function createLogStore(sqlite: BetterSqlite3.Database, opts: { flushMs?: number; maxBatch?: number } = {}): LogStore {
  const insert = sqlite.prepare(
    'INSERT INTO logs (ts, level, component, msg, run_id, data) VALUES (@ts, @level, @component, @msg, @run_id, @data)',
  );
  const insertMany = sqlite.transaction((rows: unknown[]) => {
    for (const r of rows) insert.run(r);
  });
  let buffer: StoredLine[] = [];
  let closed = false;
  const flush = () => {
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
          const data: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(o)) if (!RESERVED.has(k)) data[k] = v;
          buffer.push({
            ts: typeof o.time === 'number' ? o.time : Date.now(),
            level: typeof o.level === 'number' ? o.level : 30,
            component: typeof o.component === 'string' ? o.component : 'app',
            msg: typeof o.msg === 'string' ? o.msg : '',
            run_id: typeof o.runId === 'number' ? o.runId : null,
            data: Object.keys(data).length ? JSON.stringify(data) : null,
          });
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
