/**
 * Secrets never reach a log line, whatever field or sentence they hide in: every
 * secret value the process knows is registered here, and every serialized line is
 * scrubbed before it is written anywhere (stdout, the log store).
 */
export const REDACTED = '[redacted]';

/** Keys whose values are always hidden, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'password', '*.password', 'token', '*.token', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'client_secret', '*.client_secret',
  'clientSecret', '*.clientSecret', 'apiKey', '*.apiKey', 'authToken', '*.authToken',
  'headers.authorization', '*.headers.authorization', 'headers.cookie', '*.headers.cookie',
  'headers["x-api-key"]', '*.headers["x-api-key"]', 'headers["x-plex-token"]', '*.headers["x-plex-token"]',
];

export class SecretRegistry {
  private values = new Set<string>();
  private pattern: RegExp | null = null;

  add(value: string | undefined | null): void {
    if (!value || value.length < 6 || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = null;
  }

  scrub(text: string): string {
    if (this.values.size === 0) return text;
    if (!this.pattern) {
      const alts = [...this.values]
        .sort((a, b) => b.length - a.length)
        .flatMap((v) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)])
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp([...new Set(alts)].join('|'), 'g');
    }
    return text.replace(this.pattern, REDACTED);
  }
}

/** Hides the secret path segment of webhook URLs in anything logged about requests. */
export function redactWebhookPath(path: string): string {
  return path.replace(/(\/webhooks\/plex\/)[^/?#]+/, `$1${REDACTED}`);
}

/** Keys whose string values are credentials wherever they sit in a stored JSON document. */
const TOKEN_KEY = /"((?:x-plex-)?token|access_?token|auth_?token|authentication_?token|password|api_?key|secret)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * A payload as it may be stored: Plex tokens in URLs (`X-Plex-Token=…`, `?token=…`) and the
 * values of token-like JSON keys replaced, so the database never holds a credential someone
 * planted (or a proxy passed along) in a webhook. The JSON stays valid.
 */
export function scrubPayloadTokens(text: string): string {
  return text
    .replace(/((?:X-Plex-Token|[?&]token)=)[^&"\s\\]+/gi, `$1${REDACTED}`)
    .replace(TOKEN_KEY, `"$1"$2"${REDACTED}"`);
}
