import iconv from "iconv-lite";
import { issue } from "../model/issue.js";
import { ByteInput } from "./byte-input.js";
import { detectEncoding, isKnownEncoding } from "./detect-encoding.js";
import { SourceError } from "./errors.js";
import { cutRaw, formatBytes, recordLimitFactor, resolveMaxFieldBytes, sampleBytes } from "./limits.js";
import { type LineSink, LineSplitter } from "./line-splitter.js";
import { ProgressThrottle } from "./progress.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/** A file that is one JSON array is read whole, so only up to this size (in characters). */
export const jsonArrayLimitChars = 64 * 1024 * 1024;

/**
 * Reads JSON lines: each non-blank line is a JSON object, whose top-level keys become the row's values
 * (nested objects and arrays kept as they are, for the mapping's JSON paths; null and "" left out, as an
 * empty CSV cell is). The row number is the line number. A line that is not valid JSON
 * (`jsonl_invalid_json`, with the parser's message and column), is not an object (`jsonl_not_object`), is
 * longer than eight times `maxFieldBytes` (`jsonl_line_too_large`), holds a string over `maxFieldBytes`
 * (`jsonl_field_too_large`) or undecodable bytes (`jsonl_invalid_encoding`) becomes an `UnreadableRow`, and
 * reading goes on.
 *
 * A file that is one JSON array of objects (up to 64 MiB) is read too; its rows are numbered by position in
 * the array.
 */
export async function* readJsonLines(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const maxFieldBytes = resolveMaxFieldBytes(options.maxFieldBytes, path);
  if (options.encoding !== undefined && !isKnownEncoding(options.encoding)) {
    throw new SourceError("source_invalid_option", path, `unknown encoding "${options.encoding}"`);
  }
  const input = await ByteInput.open(path);
  try {
    const { bytes: head, complete } = await input.peek(sampleBytes);
    const encoding = options.encoding ?? detectEncoding(head, !complete);
    const decoder = iconv.getDecoder(encoding);
    options.onLayout?.({ format: "jsonl", columns: [], encoding });
    const progress = new ProgressThrottle(options.onProgress, input.totalBytes);
    const lines = new JsonLines(maxFieldBytes);
    const items = lines.items;
    let count = 0;

    // Text read ahead to see whether the file is one JSON array; read as lines when it is not.
    let pending: string[] = [];
    let ended = false;
    const firstText = stripBom(decoder.write((await input.next()) ?? Buffer.alloc(0)));
    if (firstNonBlank(firstText) === "[") {
      const whole = await readArray(input, decoder, firstText);
      if (whole.complete) {
        const array = parseArray(whole.text);
        if (array !== null) {
          const hasReplacementChar = whole.text.includes("\uFFFD");
          for (let i = 0; i < array.length; i++) {
            lines.element(array[i], i + 1, hasReplacementChar);
            for (const item of items) yield item;
            count += items.length;
            items.length = 0;
            progress.tick(input.bytesRead, count);
          }
          progress.finish(input.bytesRead, count);
          return;
        }
      } else if (firstNonBlankLine(whole.text) === "[") {
        throw new SourceError(
          "json_array_too_large",
          path,
          `the file is one JSON array larger than ${formatBytes(jsonArrayLimitChars)}; convert it to JSON lines (one object per line) to read it`,
        );
      }
      pending = [whole.text];
      ended = whole.complete;
    } else {
      pending = [firstText];
    }

    const splitter = new LineSplitter(maxFieldBytes * recordLimitFactor, lines);
    for (;;) {
      let text: string;
      if (pending.length > 0) {
        text = pending.shift()!;
      } else {
        const chunk = await input.next();
        if (chunk === null) break;
        text = decoder.write(chunk);
      }
      splitter.push(text);
      for (let k = 0; k < items.length; k++) yield items[k]!;
      count += items.length;
      items.length = 0;
      progress.tick(input.bytesRead, count);
    }
    const tail = ended ? undefined : decoder.end();
    if (tail) splitter.push(tail);
    splitter.end();
    for (let k = 0; k < items.length; k++) yield items[k]!;
    count += items.length;
    items.length = 0;
    progress.finish(input.bytesRead, count);
  } finally {
    input.close();
  }
}

/** Reads on while the text stays under the array limit; `complete` says the whole file was read. */
async function readArray(
  input: ByteInput,
  decoder: iconv.DecoderStream,
  first: string,
): Promise<{ text: string; complete: boolean }> {
  const parts = [first];
  let length = first.length;
  while (length <= jsonArrayLimitChars) {
    const chunk = await input.next();
    if (chunk === null) {
      const tail = decoder.end();
      if (tail) parts.push(tail);
      return { text: parts.join(""), complete: true };
    }
    const text = decoder.write(chunk);
    parts.push(text);
    length += text.length;
  }
  return { text: parts.join(""), complete: false };
}

function parseArray(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    // Not one JSON document: JSON lines whose first line happens to be an array, or a broken file.
    return null;
  }
}

/** Turns lines (or array elements) into rows and unreadable rows. */
class JsonLines implements LineSink {
  readonly items: ReadItem[] = [];
  private readonly byteCheckFrom: number;

  constructor(private readonly maxFieldBytes: number) {
    this.byteCheckFrom = Math.floor(maxFieldBytes / 3);
  }

  line(text: string, lineNumber: number): void {
    if (isBlank(text)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.unreadable(
        lineNumber,
        "jsonl_invalid_json",
        `line ${lineNumber} is not valid JSON: ${describeJsonError(error)}`,
        text,
      );
      return;
    }
    this.value(value, lineNumber, `line ${lineNumber}`, text, text.includes("\uFFFD"), text.length);
  }

  tooLong(lineNumber: number, head: string): void {
    this.unreadable(
      lineNumber,
      "jsonl_line_too_large",
      `line ${lineNumber} is longer than ${formatBytes(this.maxFieldBytes * recordLimitFactor)}`,
      head,
    );
  }

  element(value: unknown, index: number, textHasReplacementChar: boolean): void {
    // The element's text is only made when it is needed, for an unreadable row.
    this.value(value, index, `element ${index} of the array`, null, textHasReplacementChar, Infinity);
  }

  private value(
    value: unknown,
    rowNumber: number,
    what: string,
    text: string | null,
    mayHaveReplacementChar: boolean,
    length: number,
  ): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.unreadable(
        rowNumber,
        "jsonl_not_object",
        `${what} is ${kindOf(value)}, not a JSON object`,
        text,
        value,
      );
      return;
    }
    const object = value as Record<string, unknown>;
    if (mayHaveReplacementChar) {
      const path = findString(object, (s) => s.includes("\uFFFD"), "");
      if (path !== null) {
        this.unreadable(
          rowNumber,
          "jsonl_invalid_encoding",
          `${what} has bytes that could not be decoded at "${path}"; they show as U+FFFD`,
          text,
          value,
          path,
        );
        return;
      }
    }
    if (length > this.byteCheckFrom) {
      const max = this.maxFieldBytes;
      const from = this.byteCheckFrom;
      const path = findString(object, (s) => s.length > from && Buffer.byteLength(s, "utf8") > max, "");
      if (path !== null) {
        this.unreadable(
          rowNumber,
          "jsonl_field_too_large",
          `${what} has a value larger than ${formatBytes(max)} at "${path}"`,
          text,
          value,
          path,
        );
        return;
      }
    }
    this.items.push({ kind: "row", rowNumber, values: withoutEmpty(object) });
  }

  private unreadable(
    rowNumber: number,
    code: string,
    message: string,
    text: string | null,
    value?: unknown,
    field?: string,
  ): void {
    const raw = text ?? safeStringify(value);
    this.items.push({
      kind: "unreadable",
      rowNumber,
      reason: issue(code, message, field, "error"),
      raw: cutRaw(raw),
    });
  }
}

/** "Expected ',' or '}' after property value (column 12)", without V8's copy of the text. */
export function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /^(.*?) in JSON at position (\d+)/s.exec(message);
  if (at) return `${at[1]} (column ${Number(at[2]) + 1})`;
  const position = /^(.*?) at position (\d+)/s.exec(message);
  if (position) return `${position[1]} (column ${Number(position[2]) + 1})`;
  return message.replace(/, ".*" is not valid JSON$/s, "");
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}

/** The path ("a.b[2]") of the first string for which `test` holds, or null. */
function findString(value: unknown, test: (s: string) => boolean, path: string, depth = 0): string | null {
  if (typeof value === "string") return test(value) ? path : null;
  if (value === null || typeof value !== "object" || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findString(value[i], test, `${path}[${i}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    const found = findString(v, test, path === "" ? key : `${path}.${key}`, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** The object without top-level null or "" values; the same object when it has none. */
function withoutEmpty(object: Record<string, unknown>): Record<string, unknown> {
  let clean = true;
  for (const key in object) {
    const v = object[key];
    if (v === null || v === "") {
      clean = false;
      break;
    }
  }
  if (clean) return object;
  const values: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(object)) if (v !== null && v !== "") values[key] = v;
  return values;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13) && text.trim().length === 0;
}

function firstNonBlank(text: string): string | undefined {
  return /\S/.exec(text)?.[0];
}

function firstNonBlankLine(text: string): string | undefined {
  return /^\s*(\S[^\n]*)/.exec(text)?.[1]?.trim();
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
