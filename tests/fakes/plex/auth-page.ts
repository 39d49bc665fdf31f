/**
 * The page behind PLEX_AUTH_URL. Real clients open `…/auth#?clientID=…&code=…&
 * context%5Bdevice%5D%5Bproduct%5D=…&forwardUrl=…`; the fragment never reaches the server,
 * so an inline script reads `location.hash`, says "Sign in to <product>", approves the PIN
 * with a POST back to the emulator (`<page>/approve`), then says "You can close this tab"
 * and follows `forwardUrl` if there is one. `?accountId=<n>` on the page URL signs in as
 * another account of the library.
 */
export interface AuthPageOptions {
  /** Approve as soon as the page opens (else the person clicks "Allow"). */
  autoApprove: boolean;
  /** Pause before following forwardUrl, so the confirmation can be seen. */
  forwardDelayMs: number;
}

export function authPageHtml(opts: AuthPageOptions): string {
  const config = JSON.stringify({ auto: opts.autoApprove, delay: opts.forwardDelayMs });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plex</title>
<style>
body { font-family: system-ui, sans-serif; background: #1f2326; color: #eee; display: grid; place-items: center; min-height: 90vh; }
main { background: #282c30; padding: 2rem 2.5rem; border-radius: 8px; max-width: 28rem; text-align: center; }
h1 { color: #e5a00d; font-size: 1.4rem; }
button { background: #e5a00d; border: 0; border-radius: 4px; padding: .6rem 1.4rem; font-weight: 600; cursor: pointer; }
</style>
</head>
<body data-state="loading">
<main>
<h1 id="title">Sign in to Plex</h1>
<p id="status">Checking the sign-in request…</p>
<button id="allow" type="button" hidden>Allow</button>
</main>
<script>
(function () {
  var config = ${config};
  // A new fragment is a new sign-in request (the browser does not reload for it).
  window.addEventListener('hashchange', function () { location.reload(); });
  var title = document.getElementById('title');
  var status = document.getElementById('status');
  var allow = document.getElementById('allow');
  // Both "#?a=b" (Plex) and "#!?a=b" (python-plexapi) forms.
  var params = new URLSearchParams(location.hash.replace(/^#!?\\??/, ''));
  var clientID = params.get('clientID');
  var code = params.get('code');
  var product = params.get('context[device][product]') || 'Plex';
  var forwardUrl = params.get('forwardUrl');
  var accountId = new URLSearchParams(location.search).get('accountId');
  title.textContent = 'Sign in to ' + product;
  function fail(message) {
    status.textContent = message;
    document.body.dataset.state = 'error';
  }
  if (!clientID || !code) {
    fail('This sign-in link is incomplete: it has no client or code.');
    return;
  }
  function approve() {
    allow.hidden = true;
    status.textContent = 'Signing in…';
    fetch(location.pathname.replace(/\\/$/, '') + '/approve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientID: clientID, code: code, accountId: accountId ? Number(accountId) : undefined })
    })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) return fail(r.body.error || 'Sign-in failed.');
        status.textContent = 'Signed in as ' + r.body.username + '. You can close this tab.';
        document.body.dataset.state = 'approved';
        if (forwardUrl) setTimeout(function () { location.href = forwardUrl; }, config.delay);
      })
      .catch(function () { fail('Plex could not be reached.'); });
  }
  if (config.auto) {
    approve();
  } else {
    status.textContent = product + ' wants to access your Plex account.';
    document.body.dataset.state = 'asking';
    allow.hidden = false;
    allow.addEventListener('click', approve);
  }
})();
</script>
</body>
</html>
`;
}
