/**
 * Dashboard writes come from forms (htmx sends URL-encoded or multipart bodies; plain forms
 * the same). Any other body type is refused with a sentence before a handler reads it, so a
 * JSON or binary body can never pass for an empty form (which, for a page of checkboxes,
 * would mean "turn everything off"). The webhook and the API are not dashboard forms.
 */
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../env.js';
import { isCsrfExempt, isFormBody, UNSAFE_METHODS } from './csrf.js';

export function formBodiesOnly() {
  return createMiddleware<AppEnv>(async function formBody(c, next) {
    if (!UNSAFE_METHODS.has(c.req.method) || isCsrfExempt(c.req.path)) return next();
    const type = c.req.header('content-type')?.trim();
    if (type && !isFormBody(type)) {
      throw new HTTPException(415, { message: `This dashboard address takes a form, not ${type.split(';')[0]!.toLowerCase()}. Reload the page and use its form.` });
    }
    return next();
  });
}
