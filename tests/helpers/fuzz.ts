/** Deterministic generators of malformed input for fuzz tests (fixed seed, bounded count). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzz {
  constructor(private rnd: () => number) {}
  int(max: number): number {
    return Math.floor(this.rnd() * max);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Strings that break naive handlers: empty, huge, control characters, unicode, injection-looking. */
  nastyString(): string {
    return this.pick([
      '',
      ' ',
      'a'.repeat(this.pick([10, 1000, 70_000])),
      '\u0000\u0001\u0002',
      '💥'.repeat(50),
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '../../etc/passwd',
      '-1',
      'NaN',
      '1e309',
      '{"a":',
      'http://',
      'javascript:alert(1)',
      String(this.int(1e9)),
      Buffer.from(this.bytes(20)).toString('latin1'),
    ]);
  }
  formBody(fields: string[]): string {
    const p = new URLSearchParams();
    const keys = [...fields, ...Array.from({ length: this.int(4) }, () => this.nastyString().slice(0, 30))];
    for (const k of keys) if (this.rnd() < 0.8) p.append(k, this.nastyString());
    return p.toString();
  }
}
