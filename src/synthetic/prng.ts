/**
 * A small, fast, seeded pseudo-random generator (sfc32) with the helpers the generator needs. Every random
 * choice in the synthetic data goes through one of these, so that a seed fixes the output byte for byte.
 * Not for cryptography.
 */

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads a seed into well-mixed 32-bit words for the generator's state. */
function splitmix32(state: number): [next: number, value: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [next, z >>> 0];
}

/** A 32-bit hash of a string (FNV-1a followed by a finaliser), for deriving seeds from names. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareGaussian: number | null = null;

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** A generator for a seed and any number of stream numbers (chunk index, purpose…), each giving its own stream. */
  static from(seed: number, ...streams: number[]): Rng {
    let state = seed | 0;
    for (const stream of streams) {
      const [next, value] = splitmix32(state ^ Math.imul(stream | 0, 0x632be5ab));
      state = (next ^ value) | 0;
    }
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(state);
      state = next;
      words.push(value);
    }
    return new Rng(words[0]!, words[1]!, words[2]!, words[3]! | 1);
  }

  /** The next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / TWO_POW_32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both included. */
  range(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A normally distributed number (Box–Muller, the second value kept for the next call). */
  gaussian(mean = 0, sd = 1): number {
    if (this.spareGaussian !== null) {
      const value = this.spareGaussian;
      this.spareGaussian = null;
      return mean + sd * value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** The number of failures before the first success, each trial succeeding with probability p. */
  geometric(p: number, max = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (n < max && this.next() >= p) n++;
    return n;
  }

  /** One of items, chosen with the given relative weights (for repeated use build a `WeightedTable`). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i]!;
      if (x < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string {
    let out = "";
    for (let i = 0; i < bytes; i += 4) {
      const word = this.u32();
      for (let k = 0; k < 4 && i + k < bytes; k++) out += HEX[(word >>> (k * 8)) & 0xff];
    }
    return out;
  }

  /** A version-4 UUID, lower case. */
  uuid(): string {
    const h = this.hex(16);
    const variant = "89ab"[this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A string of `length` decimal digits (leading zeros allowed). */
  digits(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String.fromCharCode(48 + this.int(10));
    return out;
  }
}

/**
 * Items with fixed relative weights, sampled in O(log n) by binary search over the cumulative weights.
 */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new Error("WeightedTable needs as many weights as items, and at least one item");
    }
    this.items = items;
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      sum += weights[i]!;
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  /** A table whose weights fall off like a Zipf law with the items' order: the first is the most common. */
  static zipf<T>(items: readonly T[], exponent = 1, offset = 8): WeightedTable<T> {
    return new WeightedTable(
      items,
      items.map((_, rank) => 1 / (rank + offset) ** exponent),
    );
  }

  sample(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
