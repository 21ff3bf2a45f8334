/** A growable list of record pairs with a value each, in typed arrays (no object per pair). */
export class PairBuffer {
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  count = 0;

  constructor(capacity = 1 << 16) {
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
  }

  /** A buffer over arrays already filled with `count` pairs (they are taken, not copied). */
  static from(left: Int32Array, right: Int32Array, value: Float64Array, count: number): PairBuffer {
    const buffer = new PairBuffer(0);
    buffer.left = left;
    buffer.right = right;
    buffer.value = value;
    buffer.count = count;
    return buffer;
  }

  push(i: number, j: number, value = 0): void {
    if (this.count === this.left.length) this.grow();
    this.left[this.count] = i;
    this.right[this.count] = j;
    this.value[this.count] = value;
    this.count++;
  }

  private grow(): void {
    const size = Math.max(1024, this.left.length * 2);
    const left = new Int32Array(size);
    const right = new Int32Array(size);
    const value = new Float64Array(size);
    left.set(this.left);
    right.set(this.right);
    value.set(this.value);
    this.left = left;
    this.right = right;
    this.value = value;
  }
}
