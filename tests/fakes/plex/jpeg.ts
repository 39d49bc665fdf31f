/**
 * A small, valid baseline JPEG made in code (the poster a Plex webhook attaches as `thumb`,
 * and what the emulated server serves for thumbnails). Grayscale, made of flat 8×8 blocks:
 * each block is only a DC coefficient, so the encoder needs no DCT, just the DC
 * differences coded with a tiny Huffman table and an end-of-block for the AC part.
 */

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      this.n += 1;
      if (this.n === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }

  /** Pads the last byte with 1-bits, as the standard asks. */
  finish(): number[] {
    while (this.n !== 0) this.write(1, 1);
    return this.bytes;
  }
}

const segment = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];

/** Size category of a DC difference (number of bits of its magnitude). */
const category = (v: number): number => (v === 0 ? 0 : Math.floor(Math.log2(Math.abs(v))) + 1);

/**
 * A `width`×`height` grayscale JPEG (multiples of 8) whose 8×8 blocks take their gray level
 * from `shade(blockX, blockY)` (0-255). The default is a diagonal gradient.
 */
export function makeJpeg(width = 32, height = 48, shade: (bx: number, by: number) => number = (bx, by) => 40 + ((bx + by) * 37) % 180): Buffer {
  if (width % 8 || height % 8 || width <= 0 || height <= 0) throw new Error('JPEG size must be positive multiples of 8');
  const out: number[] = [0xff, 0xd8];
  out.push(...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0])); // JFIF 1.1, no thumbnail
  // Quantisation: DC step 8 (so a coefficient is the level minus 128), AC irrelevant (all zero).
  out.push(...segment(0xdb, [0x00, ...new Array(64).fill(8)]));
  out.push(...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]));
  // DC table: categories 0-11, each a 4-bit code (0000, 0001, …). AC table: only EOB, code "0".
  const dcCounts = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  out.push(...segment(0xc4, [0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, i) => i)]));
  out.push(...segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0x00]));
  out.push(...segment(0xda, [1, 1, 0x00, 0, 63, 0]));
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < height / 8; by++) {
    for (let bx = 0; bx < width / 8; bx++) {
      const dc = Math.max(0, Math.min(255, Math.round(shade(bx, by)))) - 128;
      const diff = dc - previous;
      previous = dc;
      const cat = category(diff);
      bits.write(cat, 4);
      if (cat) bits.write(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
      bits.write(0, 1); // EOB: every AC coefficient is zero
    }
  }
  out.push(...bits.finish(), 0xff, 0xd9);
  return Buffer.from(out);
}

/** Reads the width and height from a JPEG's SOF0 header (for tests), or null if there is none. */
export function jpegSize(buf: Buffer): { width: number; height: number } | null {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let i = 2;
  for (let guard = 0; guard < 64 && i + 4 <= buf.length; guard++) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1]!;
    const length = buf.readUInt16BE(i + 2);
    if (marker === 0xc0) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}
