import { SourceError } from "./errors.js";

/** Limits shared by the readers, so that one huge or broken row cannot exhaust memory. */

/** The default largest field, in bytes of UTF-8 (see `ReadOptions.maxFieldBytes`). */
export const defaultMaxFieldBytes = 1024 * 1024;

/** A whole row (CSV record, JSON line) may be this many times the largest field. */
export const recordLimitFactor = 8;

/** Raw text kept with an unreadable row. */
export const rawLimitBytes = 64 * 1024;

/** How much of a file encoding and delimiter detection look at. */
export const sampleBytes = 64 * 1024;

/** Bytes asked of the file system per read. */
export const readChunkBytes = 128 * 1024;

/** The raw text of a row cut to at most `rawLimitBytes` bytes of UTF-8, at a character boundary. */
export function cutRaw(text: string): string {
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so short text needs no measuring.
  if (text.length <= rawLimitBytes / 3) return text;
  const head = text.length > rawLimitBytes ? text.slice(0, rawLimitBytes) : text;
  const bytes = Buffer.from(head, "utf8");
  if (bytes.length <= rawLimitBytes) return head;
  let end = rawLimitBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString("utf8", 0, end);
}

export function resolveMaxFieldBytes(value: number | undefined, path: string): number {
  if (value === undefined) return defaultMaxFieldBytes;
  if (!Number.isFinite(value) || value < 1) {
    throw new SourceError(
      "source_invalid_option",
      path,
      `maxFieldBytes must be a positive number, not ${value}`,
    );
  }
  return Math.floor(value);
}

/** "1 MiB", "512 KiB", "300 bytes": for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
