/**
 * The HTML behind `verification_url`: a form with the user code (prefilled from `?code=`), the
 * account to sign in as, and Approve / Deny buttons, so a browser test can finish a device login.
 */

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Trakt (emulator)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>${body}</main></body></html>`;
}

export function activateForm(code: string, usernames: string[], message?: string): string {
  const options = usernames.map((u, i) => `<option value="${esc(u)}"${i === 0 ? ' selected' : ''}>${esc(u)}</option>`).join('');
  return page(
    'Activate your device',
    `<h1>Activate your device</h1>
${message ? `<p id="message" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="activate" id="activate-form">
  <label for="code">Enter the code shown on your device</label>
  <input id="code" name="code" value="${esc(code)}" autocomplete="off" autocapitalize="characters" required>
  <label for="username">Signed in as</label>
  <select id="username" name="username">${options}</select>
  <button type="submit" id="approve" name="decision" value="approve">Continue</button>
  <button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function activateResult(decision: 'approved' | 'denied', username: string): string {
  const text =
    decision === 'approved'
      ? `Woohoo! Your device is now connected to ${username}'s Trakt account.`
      : 'The device was denied access to your Trakt account.';
  return page(decision === 'approved' ? 'Device connected' : 'Device denied', `<h1 id="result" data-decision="${decision}">${esc(text)}</h1>`);
}
