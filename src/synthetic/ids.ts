import { hashString } from "./prng.js";

/**
 * Record identifiers that are unique by construction but do not reveal the order in which records were
 * made (so that neighbouring ids do not hint at the same person), and a fixed-size "taken" filter for
 * values such as e-mail addresses and handles that must not be shared by two people.
 */

function mix(x: number, key: number): number {
  let h = Math.imul(x ^ key, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Numbers 0, 1, 2… passed through a balanced Feistel network on `2 * half` bits: a bijection, so distinct
 * inputs give distinct, scattered outputs below 2^(2*half).
 */
export class ScrambledSequence {
  private counter = 0;
  private readonly half: number;
  private readonly mask: number;
  private readonly keys: number[];
  readonly limit: number;
  readonly width: number;

  /** `capacity`: how many numbers will at most be drawn; the domain is made at least 4 times larger. */
  constructor(seed: number, label: string, capacity: number) {
    let bits = 16;
    while (2 ** bits < capacity * 4) bits += 2;
    this.half = bits / 2;
    this.mask = 2 ** this.half - 1;
    this.limit = 2 ** bits;
    this.width = String(this.limit - 1).length;
    const base = hashString(label, seed);
    this.keys = [0, 1, 2, 3].map((i) => mix(base, i + 1));
  }

  next(): number {
    if (this.counter >= this.limit) throw new Error("ScrambledSequence exhausted");
    return this.permute(this.counter++);
  }

  /** The next number, zero-padded to the domain's width. */
  nextPadded(): string {
    return String(this.next()).padStart(this.width, "0");
  }

  private permute(n: number): number {
    let left = Math.floor(n / (this.mask + 1));
    let right = n & this.mask;
    for (const key of this.keys) {
      const next = (left ^ mix(right, key)) & this.mask;
      left = right;
      right = next;
    }
    return left * (this.mask + 1) + right;
  }
}

/**
 * A Bloom-like bit set with one hash: `has` may say yes for a value never added (rarely), never no for one
 * that was. Used to keep e-mail addresses and handles unique with a fixed amount of memory: a candidate is
 * taken only when the filter says it is free.
 */
export class TakenFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(log2Bits = 27) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  private slot(value: string): number {
    return hashString(value, 0x5bd1e995) & this.mask;
  }

  has(value: string): boolean {
    const s = this.slot(value);
    return (this.bits[s >>> 5]! & (1 << (s & 31))) !== 0;
  }

  add(value: string): void {
    const s = this.slot(value);
    this.bits[s >>> 5]! |= 1 << (s & 31);
  }

  /** Adds the value when it is certainly free and says whether it did. */
  claim(value: string): boolean {
    if (this.has(value)) return false;
    this.add(value);
    return true;
  }
}
