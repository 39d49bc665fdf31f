/**
 * The environment, validated once at start-up and frozen. Every variable is optional;
 * an empty value counts as unset. One bad value is one clear line naming it.
 */
import { z } from 'zod';
import { maskNotifyUrl, NotifyUrlError, parseNotifyUrl, splitNotifyUrls } from '../notify/urls.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** An http(s) URL that may carry a path; stored without a trailing slash so API paths append cleanly. */
const baseUrl = z.string().superRefine((v, ctx) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be a full URL such as https://example.com (got "${v}")` });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must start with http:// or https:// (got "${v}")` });
  }
}).transform((v) => v.replace(/\/+$/, ''));

const bool = z.string().transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: `must be true or false (got "${v}")` });
  return z.NEVER;
});

const port = z.string().transform((v, ctx) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < 0 || n > 65535) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to 65535 (got "${v}")` });
    return z.NEVER;
  }
  return n;
});

const count = z.string().transform((v, ctx) => {
  if (!/^\d+$/.test(v.trim())) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number, 0 or more (got "${v}")` });
    return z.NEVER;
  }
  return Number(v.trim());
});

const secret = (min: number) =>
  z.string().refine((v) => v.length >= min, { message: `must be at least ${min} characters long` });

const ORDINALS = ['1st', '2nd', '3rd'];

/** NOTIFY_URLS: every URL must parse; the error names which one and the part that is wrong. */
const notifyUrls = z.string().transform((v, ctx) => {
  const urls = splitNotifyUrls(v);
  for (const [i, u] of urls.entries()) {
    try {
      parseNotifyUrl(u);
    } catch (err) {
      if (!(err instanceof NotifyUrlError)) throw err;
      ctx.addIssue({ code: 'custom', message: `has a wrong ${ORDINALS[i] ?? `${i + 1}th`} URL (${maskNotifyUrl(u)}): ${err.message}` });
      return z.NEVER;
    }
  }
  return urls;
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  PORT: z.preprocess(emptyToUndefined, port.optional()).transform((v) => v ?? 8080),
  HOST: z.preprocess(emptyToUndefined, z.string().optional()).transform((v) => v ?? '0.0.0.0'),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().optional()).transform((v) => v ?? './data'),
  PUBLIC_URL: z.preprocess(emptyToUndefined, baseUrl.optional()),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ).transform((v) => v ?? 'info'),
  OPEN_BROWSER: z.preprocess(emptyToUndefined, bool.optional()),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, secret(8).optional()),
  API_KEY: z.preprocess(emptyToUndefined, secret(16).optional()),
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    secret(16)
      .refine((v) => /^[A-Za-z0-9_-]+$/.test(v), { message: 'may contain only letters, digits, - and _ (it is part of a URL)' })
      .optional(),
  ),
  TRAKT_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  TRAKT_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  TRAKT_API_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://api.trakt.tv'),
  TRAKT_OAUTH_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://api.trakt.tv'),
  PLEX_URL: z.preprocess(emptyToUndefined, baseUrl.optional()),
  PLEX_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  PLEX_TV_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://plex.tv'),
  PLEX_AUTH_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://app.plex.tv/auth'),
  PLEX_LIVE: z.preprocess(emptyToUndefined, bool.optional()).transform((v) => v ?? true),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean).map((a) => a.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')))
      .refine((list) => list.every((a) => /^[\d.]+$|^[0-9a-f:]+$/.test(a)), { message: 'must list the proxy addresses (IP addresses separated by commas)' })
      .optional(),
  ),
  METRICS_TOKEN: z.preprocess(emptyToUndefined, secret(16).optional()),
  TMDB_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  TMDB_API_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://api.themoviedb.org/3'),
  TMDB_IMAGE_URL: z.preprocess(emptyToUndefined, baseUrl.optional()).transform((v) => v ?? 'https://image.tmdb.org/t/p'),
  SYNC_GUARD_REMOVALS: z.preprocess(emptyToUndefined, count.optional()).transform((v) => v ?? 25),
  SYNC_GUARD_CHANGES: z.preprocess((v) => (typeof v === 'string' && ['off', ''].includes(v.trim().toLowerCase()) ? undefined : v), count.optional()),
  BACKUP_KEEP: z.preprocess(emptyToUndefined, count.optional()).transform((v) => v ?? 7),
  NOTIFY_URLS: z.preprocess(emptyToUndefined, notifyUrls.optional()).transform((v) => v ?? []),
  SYNC_PING_URL: z.preprocess(emptyToUndefined, baseUrl.optional()),
});

export type Env = z.output<typeof schema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl?: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Undefined means "decide from the terminal" (see shouldOpenBrowser). */
  readonly openBrowser?: boolean;
  readonly adminPassword?: string;
  readonly apiKey?: string;
  readonly webhookSecret?: string;
  /** Proxies whose X-Forwarded-For names the client (for throttling sign-in guesses). */
  readonly trustProxy?: readonly string[];
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
  readonly trakt: { readonly clientId?: string; readonly clientSecret?: string; readonly apiUrl: string; readonly oauthUrl: string };
  readonly plex: { readonly url?: string; readonly token?: string; readonly tvUrl: string; readonly authUrl: string; readonly live: boolean };
  readonly tmdb: { readonly apiKey?: string; readonly apiUrl: string; readonly imageUrl: string };
  /** The guard: removals above `removals` (0: any) or adds/marks above `changes` (when set) hold a run for approval. */
  readonly guard: { readonly removals: number; readonly changes?: number };
  /** Daily database backups kept in DATA_DIR/backups. */
  readonly backupKeep: number;
  /** NOTIFY_URLS (each one parses) and SYNC_PING_URL. */
  readonly notify: { readonly urls: readonly string[]; readonly syncPingUrl?: string };
}

/** Validates the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) input[key] = env[key];
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Configuration error: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    openBrowser: e.OPEN_BROWSER,
    adminPassword: e.ADMIN_PASSWORD,
    apiKey: e.API_KEY,
    webhookSecret: e.WEBHOOK_SECRET,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    trakt: { clientId: e.TRAKT_CLIENT_ID, clientSecret: e.TRAKT_CLIENT_SECRET, apiUrl: e.TRAKT_API_URL, oauthUrl: e.TRAKT_OAUTH_URL },
    plex: { url: e.PLEX_URL, token: e.PLEX_TOKEN, tvUrl: e.PLEX_TV_URL, authUrl: e.PLEX_AUTH_URL, live: e.PLEX_LIVE },
    tmdb: { apiKey: e.TMDB_API_KEY, apiUrl: e.TMDB_API_URL, imageUrl: e.TMDB_IMAGE_URL },
    guard: { removals: e.SYNC_GUARD_REMOVALS, changes: e.SYNC_GUARD_CHANGES },
    backupKeep: e.BACKUP_KEEP,
    notify: { urls: e.NOTIFY_URLS, syncPingUrl: e.SYNC_PING_URL },
  });
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}

/** The seed opened the dashboard on start; we do the same only where a person is watching. */
export function shouldOpenBrowser(config: Config, env: NodeJS.ProcessEnv = process.env, isTTY = !!process.stdout.isTTY): boolean {
  if (config.openBrowser === false) return false;
  if (env.CI || env.container || env.DOCKER || env.PTS_IN_DOCKER) return false;
  if (config.openBrowser === true) return true;
  return isTTY;
}
