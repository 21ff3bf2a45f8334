/**
 * A set of small integers (profile sequence numbers) as bits: what segment evaluation combines with and, or
 * and not over a million profiles in a few milliseconds.
 */
export class Bitset {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  static of(size: number, members: Iterable<number>): Bitset {
    const b = new Bitset(size);
    for (const m of members) b.add(m);
    return b;
  }

  add(i: number): void {
    if (i >= 0 && i < this.size) this.words[i >>> 5]! |= 1 << (i & 31);
  }

  delete(i: number): void {
    if (i >= 0 && i < this.size) this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  has(i: number): boolean {
    return i >= 0 && i < this.size && (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  clone(): Bitset {
    const b = new Bitset(this.size);
    b.words.set(this.words);
    return b;
  }

  and(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! &= o[i] ?? 0;
    return this;
  }

  or(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length && i < o.length; i++) w[i]! |= o[i]!;
    return this;
  }

  andNot(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length && i < o.length; i++) w[i]! &= ~o[i]!;
    return this;
  }

  count(): number {
    let n = 0;
    for (let v of this.words) {
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let v = w[i]!;
      while (v !== 0) {
        const t = v & -v;
        yield i * 32 + (31 - Math.clz32(t));
        v ^= t;
      }
    }
  }
}
