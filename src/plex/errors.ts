/**
 * What can go wrong talking to Plex, as typed errors whose messages are sentences a user
 * can act on (they reach the settings page, the CLI and the event log as they are).
 */
export class PlexError extends Error {
  override name = 'PlexError';
}

/** 401: the token is wrong, revoked or for another account. */
export class PlexUnauthorizedError extends PlexError {
  override name = 'PlexUnauthorizedError';
  constructor(readonly service: string) {
    super(`${service} refused the Plex token (401). Sign in with Plex again in Settings (or run "plex-trakt-sync login plex"), or check PLEX_TOKEN.`);
  }
}

/** No HTTP answer: connection refused, DNS, TLS, or no answer within the timeout. */
export class PlexUnreachableError extends PlexError {
  override name = 'PlexUnreachableError';
  constructor(
    readonly service: string,
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(
      timedOut
        ? `${service} did not answer within ${reason}. Check the address and that the server is running and reachable from this machine.`
        : `${service} could not be reached (${reason}). Check the address and that the server is running and reachable from this machine.`,
    );
  }
}

/** Any other HTTP error after retries (404 for a missing item, 5xx that did not clear). */
export class PlexHttpError extends PlexError {
  override name = 'PlexHttpError';
  constructor(
    readonly service: string,
    readonly status: number,
    readonly path: string,
  ) {
    super(status === 404 ? `${service} has nothing at ${path} (404).` : `${service} answered ${status} for ${path}. Try again later; if it persists, check the Plex server's logs.`);
  }
}

/** A 2xx answer that is not what Plex sends: usually a URL that is not a Plex server. */
export class PlexResponseError extends PlexError {
  override name = 'PlexResponseError';
  constructor(
    readonly service: string,
    what: string,
  ) {
    super(`${service} answered, but not like a Plex server (${what}). Check that the URL points at Plex.`);
  }
}
