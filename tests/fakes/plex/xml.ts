/**
 * JSON → XML the way Plex writes it: scalars become attributes, nested objects and arrays of
 * objects become child elements. PMS repeats array entries under the array's name
 * (`<Guid id=…/>`, with `Metadata` entries named `Video` or `Directory` by type); plex.tv's
 * v2 API wraps arrays in an element and names entries in the singular
 * (`<connections><connection …/></connections>`).
 */
export type XmlStyle = 'pms' | 'plextv';

const escapeAttr = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attrValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return escapeAttr(String(v));
}

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** PMS names a Metadata entry after what it is: videos are `Video`, containers `Directory`. */
function pmsEntryTag(arrayKey: string, entry: Record<string, unknown>): string {
  if (arrayKey !== 'Metadata') return arrayKey;
  const type = entry.type;
  if (type === 'movie' || type === 'episode' || type === 'clip') return 'Video';
  if (type === 'track') return 'Track';
  return 'Directory';
}

const singular = (key: string): string => (key.endsWith('ies') ? `${key.slice(0, -3)}y` : key.replace(/s$/, ''));

function element(tag: string, obj: Record<string, unknown>, style: XmlStyle, out: string[]): void {
  const attrs: string[] = [];
  const children: Array<() => void> = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (isScalar(value)) {
      if (value !== null) attrs.push(`${key}="${attrValue(value)}"`);
    } else if (Array.isArray(value)) {
      const entries = value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object');
      if (style === 'pms') {
        children.push(() => entries.forEach((e) => element(pmsEntryTag(key, e), e, style, out)));
      } else if (key === tag) {
        // The root's own list (`<resources><resource/>…</resources>`): no second wrapper.
        children.push(() => entries.forEach((e) => element(singular(key), e, style, out)));
      } else {
        children.push(() => {
          out.push(`<${key}>`);
          entries.forEach((e) => element(singular(key), e, style, out));
          out.push(`</${key}>`);
        });
      }
    } else {
      children.push(() => element(key, value as Record<string, unknown>, style, out));
    }
  }
  const open = attrs.length ? `<${tag} ${attrs.join(' ')}` : `<${tag}`;
  if (!children.length) {
    out.push(`${open}/>`);
    return;
  }
  out.push(`${open}>`);
  for (const c of children) c();
  out.push(`</${tag}>`);
}

/** The XML document for `obj` under the root element `root`. */
export function toXml(root: string, obj: Record<string, unknown>, style: XmlStyle): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  element(root, obj, style, out);
  return `${out.join('')}\n`;
}
