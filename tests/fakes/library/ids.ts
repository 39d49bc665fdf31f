/**
 * Unique, realistic-looking ids: each kind of id (imdb, tmdb, tvdb, trakt, poster file) is
 * unique across the whole library, movies, shows and episodes together, so a test can look
 * any item up by any id without ambiguity.
 */
import type { Rng } from './prng.js';

type Kind = 'movie' | 'show' | 'episode';

/** Ranges shaped like the real services' (episodes have the biggest numbers). */
const TMDB: Record<Kind, [number, number]> = { movie: [11, 1_300_000], show: [1_000, 280_000], episode: [60_000, 5_600_000] };
const TVDB: Record<Kind, [number, number]> = { movie: [1, 350_000], show: [70_000, 460_000], episode: [100_000, 10_900_000] };
const TRAKT: Record<Kind, [number, number]> = { movie: [1, 1_100_000], show: [1, 240_000], episode: [1, 13_000_000] };

/**
 * Which numbers are taken: an open-addressing hash set on a typed array (0 = empty, ids are
 * positive). No per-entry objects, so 300k ids cost the GC nothing; small libraries stay small.
 */
class IntSet {
  private slots: Int32Array;
  private size = 0;

  /** Sized for `expected` entries at most half full, so a big library never rehashes. */
  constructor(expected: number) {
    let n = 1 << 12;
    while (n < expected * 2) n *= 2;
    this.slots = new Int32Array(n);
  }

  /** Adds n; false when it was already there. */
  add(n: number): boolean {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let i = Math.imul(n, 0x9e3779b1) & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i];
      if (v === n) return false;
      if (v === 0) {
        this.slots[i] = n;
        this.size += 1;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.size = 0;
    for (const v of old) if (v !== 0) this.add(v);
  }
}

export class IdAllocator {
  private readonly used: Record<'imdb' | 'tmdb' | 'tvdb' | 'trakt', IntSet>;
  private readonly posters = new Set<string>();

  /** `expected`: about how many items will get ids (a hint, not a limit). */
  constructor(
    private readonly rng: Rng,
    expected = 0,
  ) {
    this.used = { imdb: new IntSet(expected), tmdb: new IntSet(expected), tvdb: new IntSet(expected), trakt: new IntSet(expected) };
  }

  private draw(set: IntSet, [min, max]: [number, number], what: string): number {
    // Ranges are far larger than any library, so collisions are rare; the bound is a guard.
    for (let i = 0; i < 1_000; i++) {
      const n = this.rng.int(min, max);
      if (set.add(n)) return n;
    }
    throw new Error(`IdAllocator: no free ${what} id in [${min}, ${max}]`);
  }

  /** `tt` + 7 digits (older titles, zero-padded) or 8 digits (titles since ~2019). */
  imdb(): string {
    const eight = this.rng.chance(0.35);
    const n = this.draw(this.used.imdb, eight ? [10_000_000, 39_999_999] : [10_000, 9_999_999], 'imdb');
    return `tt${String(n).padStart(7, '0')}`;
  }

  tmdb(kind: Kind): number {
    return this.draw(this.used.tmdb, TMDB[kind], 'tmdb');
  }

  tvdb(kind: Kind): number {
    return this.draw(this.used.tvdb, TVDB[kind], 'tvdb');
  }

  trakt(kind: Kind): number {
    return this.draw(this.used.trakt, TRAKT[kind], 'trakt');
  }

  /** A TMDB-style image path: `/` + 27 letters and digits + `.jpg`. */
  poster(): string {
    for (let i = 0; i < 1_000; i++) {
      const p = `/${this.rng.alnum(27)}.jpg`;
      if (!this.posters.has(p)) {
        this.posters.add(p);
        return p;
      }
    }
    throw new Error('IdAllocator: no free poster path');
  }
}
