/**
 * plex.tv PINs (API.md B.2): created by a client, approved by a person on the auth page (or
 * from code), polled until `authToken` is set; gone (404) once expired.
 */
import { randomInt } from 'node:crypto';

export interface Pin {
  id: number;
  code: string;
  strong: boolean;
  product: string;
  clientIdentifier: string;
  createdAtMs: number;
  expiresAtMs: number;
  /** Set once approved: a fresh plex.tv token of `accountId`. */
  authToken: string | null;
  accountId: number | null;
}

const STRONG_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SHORT_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function code(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface PinLifetimes {
  /** `strong=true` PINs (25-character codes). */
  strongSec: number;
  /** Short 4-character PINs (for plex.tv/link). */
  shortSec: number;
}

export class PinStore {
  private byId = new Map<number, Pin>();
  private nextId = 308_667_304;

  constructor(
    private readonly now: () => number,
    public lifetimes: PinLifetimes = { strongSec: 1800, shortSec: 900 },
  ) {}

  create(input: { strong: boolean; product: string; clientIdentifier: string }): Pin {
    const created = this.now();
    const pin: Pin = {
      id: this.nextId++,
      code: input.strong ? code(25, STRONG_ALPHABET) : code(4, SHORT_ALPHABET),
      strong: input.strong,
      product: input.product,
      clientIdentifier: input.clientIdentifier,
      createdAtMs: created,
      expiresAtMs: created + (input.strong ? this.lifetimes.strongSec : this.lifetimes.shortSec) * 1000,
      authToken: null,
      accountId: null,
    };
    this.byId.set(pin.id, pin);
    return pin;
  }

  private live(pin: Pin | undefined): Pin | undefined {
    return pin && pin.expiresAtMs > this.now() ? pin : undefined;
  }

  /** A live PIN by id (undefined when unknown or expired). */
  get(id: number): Pin | undefined {
    return this.live(this.byId.get(id));
  }

  /** A live PIN by id or code (codes compare case-insensitively, as people type them). */
  find(ref: number | string): Pin | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) {
      const byId = this.get(Number(ref));
      if (byId) return byId;
    }
    const wanted = String(ref).toLowerCase();
    return this.live([...this.byId.values()].find((p) => p.code.toLowerCase() === wanted));
  }

  /** Every PIN still alive, newest last. */
  pending(): Pin[] {
    return [...this.byId.values()].filter((p) => this.live(p) && !p.authToken);
  }

  /** Makes the PIN expire now. */
  expire(ref: number | string): boolean {
    const pin = this.find(ref);
    if (!pin) return false;
    pin.expiresAtMs = this.now();
    return true;
  }

  /** The PIN in plex.tv's JSON shape (`expiresIn` counts down). */
  toJson(pin: Pin): Record<string, unknown> {
    const now = this.now();
    return {
      id: pin.id,
      code: pin.code,
      product: pin.product,
      trusted: false,
      qr: `https://plex.tv/api/v2/pins/qr/${pin.code}`,
      clientIdentifier: pin.clientIdentifier,
      location: {
        code: 'NL',
        continent_code: 'EU',
        country: 'Netherlands',
        city: 'Amsterdam',
        european_union_member: true,
        time_zone: 'Europe/Amsterdam',
        postal_code: '1012',
        in_privacy_restricted_country: true,
        in_privacy_restricted_region: true,
        subdivisions: 'North Holland',
        coordinates: '52.3740, 4.8897',
      },
      expiresIn: Math.max(0, Math.round((pin.expiresAtMs - now) / 1000)),
      createdAt: iso(pin.createdAtMs),
      expiresAt: iso(pin.expiresAtMs),
      authToken: pin.authToken,
      newRegistration: null,
    };
  }
}
