import type { ReadStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip, type Gunzip } from "node:zlib";
import { SourceError } from "./errors.js";
import { readChunkBytes } from "./limits.js";

/**
 * A source file opened as a sequence of byte chunks, gunzipped on the way when it is gzip-compressed
 * (recognised by its magic number, whatever its name). Errors for the file as a whole become
 * `SourceError`s with the path.
 */
export class ByteInput {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly head: Buffer[] = [];
  private ended = false;

  private constructor(
    readonly path: string,
    /** Size of the file on disk (compressed size for a gzip file). */
    readonly totalBytes: number,
    readonly gzip: boolean,
    private readonly file: ReadStream,
    private readonly stream: Readable,
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  static async open(path: string): Promise<ByteInput> {
    const handle = await openFile(path);
    let size: number;
    let gzip: boolean;
    try {
      size = (await handle.stat()).size;
      const magic = Buffer.alloc(2);
      const { bytesRead } = await handle.read(magic, 0, 2, 0);
      gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    } catch (error) {
      await handle.close();
      throw new SourceError("source_unreadable", path, `cannot read the file: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const file = handle.createReadStream({ start: 0, highWaterMark: readChunkBytes });
    let stream: Readable = file;
    if (gzip) {
      const gunzip: Gunzip = createGunzip({ chunkSize: readChunkBytes });
      file.on("error", (error) => gunzip.destroy(error));
      stream = file.pipe(gunzip);
    }
    return new ByteInput(path, size, gzip, file, stream);
  }

  /** Bytes of the file read so far (compressed bytes for a gzip file), for progress. */
  get bytesRead(): number {
    return this.file.bytesRead;
  }

  /**
   * At least the first `size` bytes of the content (fewer if the file is shorter), for detection, and
   * whether that is the whole content. They are not consumed: `next()` still returns them first.
   */
  async peek(size: number): Promise<{ bytes: Buffer; complete: boolean }> {
    let length = this.head.reduce((sum, b) => sum + b.length, 0);
    while (length < size && !this.ended) {
      const chunk = await this.read();
      if (chunk === null) break;
      this.head.push(chunk);
      length += chunk.length;
    }
    if (!this.ended && length < size * 2) {
      // One more chunk tells whether the file ends here, so that detection knows whether its sample is cut.
      const chunk = await this.read();
      if (chunk !== null) {
        this.head.push(chunk);
        length += chunk.length;
      }
    }
    return { bytes: Buffer.concat(this.head, length), complete: this.ended };
  }

  /** The next chunk of content, or null at the end. */
  async next(): Promise<Buffer | null> {
    const buffered = this.head.shift();
    if (buffered !== undefined) return buffered;
    return this.read();
  }

  close(): void {
    this.stream.destroy();
    this.file.destroy();
  }

  private async read(): Promise<Buffer | null> {
    if (this.ended) return null;
    try {
      const result = await this.chunks.next();
      if (result.done) {
        this.ended = true;
        return null;
      }
      return result.value;
    } catch (error) {
      this.ended = true;
      if (this.gzip && isZlibError(error)) {
        throw new SourceError(
          "gzip_corrupt",
          this.path,
          `the gzip data is corrupt or cut short: ${messageOf(error)}`,
          { cause: error },
        );
      }
      throw new SourceError("source_read_failed", this.path, `reading failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new SourceError("source_is_directory", path, "is a directory, not a file");
    return await open(path, "r");
  } catch (error) {
    throw toSourceError(error, path);
  }
}

/** Maps a file-system error about the whole file to a `SourceError`. */
export function toSourceError(error: unknown, path: string): SourceError {
  if (error instanceof SourceError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new SourceError("source_not_found", path, "no such file", { cause: error });
  }
  if (code === "EISDIR") return new SourceError("source_is_directory", path, "is a directory, not a file");
  return new SourceError("source_unreadable", path, `cannot open the file: ${messageOf(error)}`, {
    cause: error,
  });
}

function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
