/**
 * pino, set up the way every part of the service logs: JSON lines (pretty on a
 * terminal), secret values scrubbed from every line, and a copy to the log store.
 * `serve` logs to stdout; the other commands log to stderr and keep stdout for results.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import { REDACT_PATHS, REDACTED, SecretRegistry } from './redact.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** 1 = stdout, 2 = stderr. */
  fd: 1 | 2;
  pretty?: boolean;
  secrets: SecretRegistry;
  /** Extra destinations (the log store), written after scrubbing. */
  extra?: Writable[];
  /** Replace the terminal destination (tests capture lines here). */
  sink?: Writable;
}

function scrubbing(target: { write(chunk: string): unknown }, secrets: SecretRegistry): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      target.write(secrets.scrub(String(chunk)));
      cb();
    },
  });
}

export function createLogger(opts: LoggerOptions): Logger {
  const terminal: { write(chunk: string): unknown } =
    opts.sink ?? (opts.pretty ? pretty({ colorize: true, destination: opts.fd, sync: true }) : pino.destination({ fd: opts.fd, sync: true }));
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: scrubbing(terminal, opts.secrets) }];
  for (const s of opts.extra ?? []) streams.push({ level: 'trace', stream: scrubbing(s, opts.secrets) });
  return pino(
    {
      level: opts.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
}
