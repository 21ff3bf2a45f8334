import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/**
 * The files a partitioned resolution run spills to: text lines (records), raw doubles (term hashes) and
 * scored pairs (two int32 record ids and a float64 weight, 16 bytes). Written and read in large buffered
 * chunks with plain file descriptors, so the memory they take is the buffers'.
 */

export class LineWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private chars = 0;
  bytes = 0;
  lines = 0;

  constructor(
    readonly path: string,
    private readonly flushAt = 1 << 18,
  ) {
    this.fd = openSync(path, "w");
  }

  write(line: string): void {
    this.parts.push(line);
    this.chars += line.length + 1;
    this.lines++;
    if (this.chars >= this.flushAt) this.flush();
  }

  /** Several lines at once, already joined by newlines. */
  writeLines(joined: string, count: number): void {
    if (count === 0) return;
    this.parts.push(joined);
    this.chars += joined.length + 1;
    this.lines += count;
    if (this.chars >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = `${this.parts.join("\n")}\n`;
    this.bytes += writeSync(this.fd, text);
    this.parts = [];
    this.chars = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Lines of a file, `batch` at a time. */
export function* readLines(path: string, batch = 20_000): Generator<string[]> {
  const fd = openSync(path, "r");
  const chunk = Buffer.allocUnsafe(1 << 22);
  const decoder = new StringDecoder("utf8");
  let tail = "";
  let out: string[] = [];
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = tail + decoder.write(chunk.subarray(0, n));
      const lines = text.split("\n");
      tail = lines.pop() as string;
      for (const line of lines) {
        out.push(line);
        if (out.length >= batch) {
          yield out;
          out = [];
        }
      }
    }
    tail += decoder.end();
    if (tail !== "") out.push(tail);
    if (out.length > 0) yield out;
  } finally {
    closeSync(fd);
  }
}

export class DoubleWriter {
  private readonly fd: number;
  private readonly buffer = new Float64Array(1 << 15);
  private count = 0;
  values = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  push(value: number): void {
    this.buffer[this.count++] = value;
    this.values++;
    if (this.count === this.buffer.length) this.flush();
  }

  pushAll(values: Float64Array): void {
    for (let k = 0; k < values.length; k++) this.push(values[k] as number);
  }

  flush(): void {
    if (this.count === 0) return;
    writeSync(this.fd, new Uint8Array(this.buffer.buffer, 0, this.count * 8));
    this.count = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A whole file of doubles (a term-hash bucket, sized to fit the budget). */
export function readDoubles(path: string, count: number): Float64Array {
  const out = new Float64Array(count);
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(path, "r");
  try {
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, null);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

const PAIRS = 1 << 16;

export class PairWriter {
  private readonly fd: number;
  private readonly buffer = new ArrayBuffer(PAIRS * 16);
  private readonly ints = new Int32Array(this.buffer);
  private readonly doubles = new Float64Array(this.buffer);
  private count = 0;
  pairs = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  push(a: number, b: number, weight: number): void {
    const k = this.count++;
    this.ints[4 * k] = a;
    this.ints[4 * k + 1] = b;
    this.doubles[2 * k + 1] = weight;
    this.pairs++;
    if (this.count === PAIRS) this.flush();
  }

  flush(): void {
    if (this.count === 0) return;
    writeSync(this.fd, new Uint8Array(this.buffer, 0, this.count * 16));
    this.count = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Calls `visit(a, b, weight)` for every pair of a pairs file, in file order. */
export function forEachSpilledPair(
  path: string,
  visit: (a: number, b: number, weight: number) => void,
): void {
  const buffer = new ArrayBuffer(PAIRS * 16);
  const bytes = new Uint8Array(buffer);
  const ints = new Int32Array(buffer);
  const doubles = new Float64Array(buffer);
  const fd = openSync(path, "r");
  try {
    let carry = 0;
    for (;;) {
      const n = readSync(fd, bytes, carry, bytes.length - carry, null);
      const have = carry + n;
      const whole = Math.floor(have / 16);
      for (let k = 0; k < whole; k++)
        visit(ints[4 * k] as number, ints[4 * k + 1] as number, doubles[2 * k + 1] as number);
      carry = have - whole * 16;
      if (carry > 0) bytes.copyWithin(0, whole * 16, have);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}
