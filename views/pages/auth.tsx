/** First-run password page and the sign-in page. */
import { buttonClass, Card, CsrfField, ErrorText, inputClass } from '../components.js';

export function SetupPage(props: { csrf: string; error?: string; needsCode: boolean }) {
  return (
    <div class="mx-auto max-w-md">
      <Card>
        <h1 class="text-xl font-semibold">Choose an admin password</h1>
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
          This password protects the dashboard. {props.needsCode && 'To prove this is your server, also type the one-time setup code that the service printed in its log when it started.'}
        </p>
        <form method="post" action="/setup" class="mt-4 space-y-4">
          <CsrfField token={props.csrf} />
          {props.needsCode && (
            <label class="block text-sm font-medium">
              Setup code (from the server log)
              <input name="setupCode" class={inputClass} autocomplete="off" required />
            </label>
          )}
          <label class="block text-sm font-medium">
            Password (at least 8 characters)
            <input name="password" type="password" class={inputClass} autocomplete="new-password" minlength={8} required />
          </label>
          <label class="block text-sm font-medium">
            Repeat the password
            <input name="confirm" type="password" class={inputClass} autocomplete="new-password" minlength={8} required />
          </label>
          {props.error && <ErrorText>{props.error}</ErrorText>}
          <button type="submit" class={buttonClass}>
            Save password and continue
          </button>
        </form>
      </Card>
    </div>
  );
}

export function LoginPage(props: { csrf: string; error?: string; next?: string }) {
  return (
    <div class="mx-auto max-w-md">
      <Card>
        <h1 class="text-xl font-semibold">Sign in</h1>
        <form method="post" action="/login" class="mt-4 space-y-4">
          <CsrfField token={props.csrf} />
          {props.next && <input type="hidden" name="next" value={props.next} />}
          <label class="block text-sm font-medium">
            Admin password
            <input name="password" type="password" class={inputClass} autocomplete="current-password" required autofocus />
          </label>
          {props.error && <ErrorText>{props.error}</ErrorText>}
          <button type="submit" class={buttonClass}>
            Sign in
          </button>
        </form>
      </Card>
    </div>
  );
}
