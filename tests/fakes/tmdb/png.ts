/**
 * Small PNG posters generated in code (no files): a flat colour taken from the file name,
 * with a darker band at the foot where a title would sit. Rows repeat, so even "original"
 * compresses to a few kilobytes.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type Rgb = [number, number, number];

/** A stable, pleasant colour for a name (FNV-1a hash → hue). */
export function colourFor(name: string): Rgb {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hslToRgb((h % 360) / 360, 0.45 + ((h >>> 9) % 20) / 100, 0.42 + ((h >>> 17) % 14) / 100);
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number): number => {
    const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    const v = x < 1 / 6 ? p + (q - p) * 6 * x : x < 1 / 2 ? q : x < 2 / 3 ? p + (q - p) * (2 / 3 - x) * 6 : p;
    return Math.round(v * 255);
  };
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)];
}

/** An RGB PNG of `width` × `height`: `colour` above, a darker band over the lowest fifth. */
export function posterPng(width: number, height: number, colour: Rgb): Buffer {
  const rowBytes = 1 + width * 3; // filter byte 0 (None), then RGB
  const row = (rgb: Rgb): Buffer => {
    const r = Buffer.alloc(rowBytes);
    for (let x = 0; x < width; x++) r.set(rgb, 1 + x * 3);
    return r;
  };
  const top = row(colour);
  const band = row(colour.map((c) => Math.round(c * 0.55)) as Rgb);
  const raw = Buffer.alloc(rowBytes * height);
  const bandFrom = Math.floor(height * 0.8);
  for (let y = 0; y < height; y++) (y < bandFrom ? top : band).copy(raw, y * rowBytes);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from a PNG's IHDR (for tests and callers that check what they got). */
export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
