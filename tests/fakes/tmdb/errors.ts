/** TMDB's error envelope and the status codes the emulator answers with (developer.themoviedb.org/docs/errors). */
import type { FakeResponse } from '../kit/server.js';

export const tmdbError = (status: number, code: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  body: { success: false, status_code: code, status_message: message },
});

export const invalidKey = (): FakeResponse => tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.');
export const notFound = (): FakeResponse => tmdbError(404, 34, 'The resource you requested could not be found.');
export const invalidParameters = (): FakeResponse => tmdbError(422, 5, 'Invalid parameters: Your request parameters are incorrect.');
export const methodNotAllowed = (): FakeResponse => tmdbError(405, 42, 'This resource does not support this request method.');
export const tooManyRequests = (count: number, limit: number, retryAfterS: number): FakeResponse =>
  tmdbError(429, 25, `Your request count (${count}) is over the allowed limit of (${limit}).`, { 'retry-after': String(retryAfterS) });
