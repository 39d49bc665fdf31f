/** "Events today" on the dashboard counts from midnight in the server's time zone (TZ), not UTC's. */
import { afterEach, describe, expect, it } from 'vitest';
import { startOfToday } from '../../src/web/events-summary.js';

const saved = process.env.TZ;
afterEach(() => {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
});

describe('startOfToday', () => {
  it('is local midnight: 22:00 in New York on the 24th is still the 24th there', () => {
    process.env.TZ = 'America/New_York';
    expect(new Date(startOfToday(Date.parse('2026-11-25T03:00:00Z'))).toISOString()).toBe('2026-11-24T05:00:00.000Z');
  });
  it('is UTC midnight when the server runs in UTC', () => {
    process.env.TZ = 'UTC';
    expect(new Date(startOfToday(Date.parse('2026-11-25T03:00:00Z'))).toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });
  it('follows Berlin ahead of UTC: 23:30 UTC on the 24th is already the 25th there', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(new Date(startOfToday(Date.parse('2026-11-24T23:30:00Z'))).toISOString()).toBe('2026-11-24T23:00:00.000Z');
  });
});
