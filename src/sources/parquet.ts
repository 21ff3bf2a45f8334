import { type FileHandle, open } from "node:fs/promises";
import {
  type AsyncBuffer,
  type ColumnData,
  type FileMetaData,
  type ParquetParsers,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { issue } from "../model/issue.js";
import { messageOf, toSourceError } from "./byte-input.js";
import { SourceError } from "./errors.js";
import { ProgressThrottle } from "./progress.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/**
 * Reads a Parquet file one row group at a time, so memory holds one row group's columns, never the file.
 * Values are made plain: 64-bit integers become numbers when they are safe integers and strings otherwise;
 * timestamps become ISO 8601 strings and dates `YYYY-MM-DD`; binary that is not UTF-8 becomes base64.
 * Null, NaN and "" are left out of a row's values, as an empty CSV cell is. A row group that cannot be
 * decoded makes each of its rows an `UnreadableRow` (`parquet_row_group_unreadable`), and reading goes on
 * with the next group.
 */
export async function* readParquet(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const file = await ParquetFile.open(path);
  try {
    const metadata = await file.metadata();
    const columns = (parquetSchema(metadata).children ?? []).map((c) => c.element.name);
    options.onLayout?.({ format: "parquet", columns });
    const progress = new ProgressThrottle(options.onProgress, file.byteLength);
    let rowNumber = 0;
    let groupStart = 0;

    for (let g = 0; g < metadata.row_groups.length; g++) {
      const groupRows = Number(metadata.row_groups[g]!.num_rows);
      const groupEnd = groupStart + groupRows;
      const chunks = new Map<string, ColumnData[]>();
      let failure: unknown = null;
      try {
        await parquetRead({
          file,
          metadata,
          rowStart: groupStart,
          rowEnd: groupEnd,
          compressors,
          parsers,
          onChunk: (chunk) => {
            const list = chunks.get(chunk.columnName);
            if (list === undefined) chunks.set(chunk.columnName, [chunk]);
            else list.push(chunk);
          },
        });
      } catch (error) {
        failure = error;
      }

      if (failure !== null) {
        const reason = issue(
          "parquet_row_group_unreadable",
          `row group ${g + 1} (rows ${groupStart + 1} to ${groupEnd}) could not be decoded: ${messageOf(failure)}`,
          undefined,
          "error",
        );
        for (let r = groupStart; r < groupEnd; r++) {
          yield { kind: "unreadable", rowNumber: ++rowNumber, reason, raw: "" };
        }
      } else {
        const readers = columns.map((name) => new ColumnCursor(name, chunks.get(name) ?? []));
        for (let r = groupStart; r < groupEnd; r++) {
          const values: Record<string, unknown> = {};
          for (const column of readers) {
            const value = plain(column.at(r));
            if (value !== null && value !== "") values[column.name] = value;
          }
          yield { kind: "row", rowNumber: ++rowNumber, values };
          if ((rowNumber & 1023) === 0) progress.tick(file.bytesRead, rowNumber);
        }
      }
      chunks.clear();
      groupStart = groupEnd;
      progress.tick(file.bytesRead, rowNumber);
    }
    progress.finish(file.bytesRead, rowNumber);
  } finally {
    await file.close();
  }
}

/** Values of one column by absolute row number, over the chunks hyparquet handed over. */
class ColumnCursor {
  private index = 0;

  constructor(
    readonly name: string,
    private readonly chunks: ColumnData[],
  ) {
    chunks.sort((a, b) => a.rowStart - b.rowStart);
  }

  at(row: number): unknown {
    let chunk = this.chunks[this.index];
    while (chunk !== undefined && row >= chunk.rowEnd) chunk = this.chunks[++this.index];
    if (chunk === undefined || row < chunk.rowStart) return null;
    return chunk.columnData[row - chunk.rowStart];
  }
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
const minSafe = BigInt(Number.MIN_SAFE_INTEGER);
const maxDateMs = 8.64e15;

/** A Parquet value as plain data: numbers, strings, booleans, arrays and objects only. */
export function plain(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isNaN(value) ? null : value;
    case "bigint":
      return value >= minSafe && value <= maxSafe ? Number(value) : value.toString();
    case "undefined":
      return null;
    case "object": {
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return binaryText(value);
      if (Array.isArray(value)) return value.map(plain);
      const object: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) object[key] = plain(v);
      return object;
    }
    default:
      return String(value);
  }
}

function binaryText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString("utf8");
  return text.includes("\uFFFD") ? buffer.toString("base64") : text;
}

function isoFromMilliseconds(ms: number, fallback: bigint): string {
  return Math.abs(ms) <= maxDateMs ? new Date(ms).toISOString() : fallback.toString();
}

/** Timestamps and dates straight to ISO strings, so that no out-of-range `Date` is ever made. */
const parsers: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms) => isoFromMilliseconds(Number(ms), ms),
  timestampFromMicroseconds: (us) => isoFromMilliseconds(Number(us / 1000n), us),
  timestampFromNanoseconds: (ns) => isoFromMilliseconds(Number(ns / 1000000n), ns),
  dateFromDays: (days) => {
    const ms = days * 86400000;
    return Math.abs(ms) <= maxDateMs ? new Date(ms).toISOString().slice(0, 10) : String(days);
  },
};

/** The file as hyparquet's `AsyncBuffer`, on one open file handle, counting the bytes read. */
class ParquetFile implements AsyncBuffer {
  bytesRead = 0;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    readonly byteLength: number,
  ) {}

  static async open(path: string): Promise<ParquetFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      throw toSourceError(error, path);
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory())
        throw new SourceError("source_is_directory", path, "is a directory, not a file");
      const file = new ParquetFile(path, handle, info.size);
      await file.checkMagic();
      return file;
    } catch (error) {
      await handle.close();
      throw toSourceError(error, path);
    }
  }

  async slice(start: number, end?: number): Promise<ArrayBuffer> {
    const stop = Math.min(end ?? this.byteLength, this.byteLength);
    const length = Math.max(0, stop - start);
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(bytes, done, length - done, start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    this.bytesRead += done;
    return done === length ? bytes.buffer : bytes.buffer.slice(0, done);
  }

  async metadata(): Promise<FileMetaData> {
    try {
      return await parquetMetadataAsync(this, { parsers });
    } catch (error) {
      throw new SourceError(
        "parquet_invalid",
        this.path,
        `the Parquet footer cannot be read: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async checkMagic(): Promise<void> {
    const magic = "PAR1";
    if (this.byteLength < 12) {
      throw new SourceError("parquet_invalid", this.path, "is too short to be a Parquet file");
    }
    const head = Buffer.from(await this.slice(0, 4)).toString("latin1");
    const tail = Buffer.from(await this.slice(this.byteLength - 4, this.byteLength)).toString("latin1");
    this.bytesRead = 0;
    if (head !== magic || tail !== magic) {
      const gzip = head.charCodeAt(0) === 0x1f && head.charCodeAt(1) === 0x8b;
      throw new SourceError(
        "parquet_invalid",
        this.path,
        gzip
          ? "is gzip-compressed; a Parquet file is read as it is (Parquet compresses its data itself)"
          : "is not a Parquet file (it does not start and end with PAR1)",
      );
    }
  }
}
