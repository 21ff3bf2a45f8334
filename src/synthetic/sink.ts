import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/**
 * A file written through a buffered stream that respects backpressure: `write` resolves at once while the
 * stream's buffer has room and waits for it to drain when it is full, so memory stays bounded however much
 * is written.
 */
export class FileSink {
  readonly path: string;
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(path: string) {
    this.path = path;
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
    this.stream.on("error", (error) => {
      this.failure = error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (text.length === 0) return;
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  /** Writes many pieces, joined into blocks of about a megabyte (joined flat: a rope of `+=` is slow to encode). */
  async writeAll(pieces: readonly string[]): Promise<void> {
    let start = 0;
    let size = 0;
    for (let i = 0; i < pieces.length; i++) {
      size += pieces[i]!.length;
      if (size >= 1 << 20) {
        await this.write(pieces.slice(start, i + 1).join(""));
        start = i + 1;
        size = 0;
      }
    }
    if (start < pieces.length) await this.write(pieces.slice(start).join(""));
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}
