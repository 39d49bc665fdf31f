/**
 * A tiny cookie-keeping client over `app.request()` that behaves like a browser posting
 * forms: it reads the CSRF token from the page and sends it back.
 */
type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

export class FormClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private app: Requester, private origin = 'http://localhost') {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.app.request(`${this.origin}${path}`, { headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('text/html')) {
      const html = await res.clone().text();
      const m = html.match(/name="csrf-token" content="([^"]+)"/);
      if (m) this.csrf = m[1]!;
    }
    return res;
  }

  async post(path: string, form: Record<string, string>, opts: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = new URLSearchParams(form);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await this.app.request(`${this.origin}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      body: body.toString(),
      redirect: 'manual',
    });
    this.remember(res);
    return res;
  }
}

/** Runs first-time setup with the code from the context, leaving the client signed in. */
export async function setUpAdmin(client: FormClient, setupCode: string | undefined, password = 'correct horse battery'): Promise<Response> {
  await client.get('/setup');
  return client.post('/setup', { setupCode: setupCode ?? '', password, confirm: password });
}
