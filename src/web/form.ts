/** Reading a submitted form: string fields only, and a 400 with a sentence when the body cannot be parsed. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

export async function readForm(c: Context<any>): Promise<Record<string, string>> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    throw new HTTPException(400, { message: 'The form could not be read. Reload the page and submit it again.' });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}
