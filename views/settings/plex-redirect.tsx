/**
 * The new tab's stop on its way to plex.tv: the page's CSP (`form-action 'self'`) forbids a
 * form post from being redirected to another origin, so this page forwards with a meta
 * refresh, and offers the link in case the browser does not follow it.
 */
export function PlexAuthRedirect(props: { url: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${props.url}`} />
        <meta name="referrer" content="no-referrer" />
        <title>Signing in with Plex…</title>
      </head>
      <body>
        <p>
          Taking you to Plex to sign in… If nothing happens, <a id="plex-auth-link" href={props.url}>continue to Plex</a>.
        </p>
      </body>
    </html>
  );
}
