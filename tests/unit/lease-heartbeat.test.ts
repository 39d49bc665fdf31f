/** A run's heartbeat (keepRenewing): renews each beat, says "lost" once, stops when told. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepRenewing } from '../../src/db/repos/locks.js';

afterEach(() => vi.useRealTimers());

describe('keepRenewing', () => {
  it('renews and beats every interval, calls onLost once when a renewal fails, and stops', async () => {
    vi.useFakeTimers();
    const answers = [true, false, false, true];
    let renewals = 0;
    const lease = { renew: async () => answers[renewals++] ?? true };
    let lost = 0;
    let beats = 0;
    const stop = keepRenewing(lease, 1000, () => lost++, () => beats++);
    await vi.advanceTimersByTimeAsync(999);
    expect([renewals, beats, lost]).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect([renewals, beats, lost]).toEqual([1, 1, 0]);
    await vi.advanceTimersByTimeAsync(3000);
    expect([renewals, beats, lost]).toEqual([4, 4, 1]);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect([renewals, beats]).toEqual([4, 4]);
  });
});
