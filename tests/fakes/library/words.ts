/** Word lists and title patterns: plausible, varied titles without real-world names. */
import { mulberry32, type Rng } from './prng.js';

const ADJECTIVES = [
  'Silent', 'Last', 'Broken', 'Hidden', 'Golden', 'Crimson', 'Distant', 'Frozen', 'Burning', 'Lost',
  'Wild', 'Quiet', 'Endless', 'Dark', 'Bright', 'Hollow', 'Savage', 'Secret', 'Electric', 'Midnight',
  'Iron', 'Velvet', 'Northern', 'Forgotten', 'Little', 'Final', 'Restless', 'Paper', 'Glass', 'Wicked',
  'Lonely', 'Infinite', 'Scarlet', 'Cold', 'Sacred', 'Blue', 'Shattered', 'Falling', 'Rising', 'Stolen',
] as const;

const NOUNS = [
  'Harbor', 'Kingdom', 'Signal', 'River', 'Garden', 'Empire', 'Witness', 'Horizon', 'Machine', 'Stranger',
  'Island', 'Frontier', 'Mirror', 'Storm', 'Shadow', 'Orchard', 'Station', 'Promise', 'Circus', 'Lighthouse',
  'Summer', 'Winter', 'Heart', 'Road', 'City', 'Ocean', 'Mountain', 'Echo', 'Crown', 'Letter',
  'Detective', 'Sister', 'Brother', 'Hunter', 'Pilot', 'Ghost', 'Doctor', 'Thief', 'Painter', 'Engineer',
  'Desert', 'Forest', 'Bridge', 'Tower', 'Valley', 'Border', 'Planet', 'Colony', 'Archive', 'Canyon',
] as const;

const PLACES = ['Avalon', 'Marlow', 'Kestrel Bay', 'Eastbrook', 'Westhaven', 'Port Ellis', 'Redmoor', 'Saltwater', 'Ashford', 'Caldera'] as const;
const NUMERALS = ['II', 'III', '2', '3', 'Part II', 'Returns', 'Reloaded'] as const;
const EPISODE_WORDS = ['Pilot', 'Homecoming', 'Reckoning', 'Crossroads', 'Aftermath', 'Exodus', 'Revelations', 'Checkmate', 'Undertow', 'Threshold'] as const;

export function movieTitle(rng: Rng): string {
  const base = baseTitle(rng);
  return rng.chance(0.08) ? `${base} ${rng.pick(NUMERALS)}` : base;
}

export function showTitle(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `${rng.pick(PLACES)} ${rng.pick(NOUNS)}`;
    case 1:
      return `The ${rng.pick(NOUNS)}s`;
    default:
      return baseTitle(rng);
  }
}

/** Episode titles come from a fixed pool: 200k fresh strings would only feed the GC. */
let pool: string[] | undefined;

export function episodeTitle(rng: Rng, number: number): string {
  if (number === 1 && rng.chance(0.3)) return 'Pilot';
  pool ??= Array.from({ length: 1_024 }, (_, i) => composeEpisodeTitle(mulberry32(0x5eed + i)));
  return pool[Math.floor(rng.next() * pool.length)]!;
}

function composeEpisodeTitle(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return rng.pick(EPISODE_WORDS);
    case 1:
      return `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 2:
      return `${rng.pick(NOUNS)} and ${rng.pick(NOUNS)}`;
    default:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  }
}

function baseTitle(rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0:
      return `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 1:
      return `${rng.pick(NOUNS)} of ${rng.pick(NOUNS)}s`;
    case 2:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 3:
      return `The ${rng.pick(NOUNS)}`;
    default:
      return `${rng.pick(NOUNS)} in ${rng.pick(PLACES)}`;
  }
}
