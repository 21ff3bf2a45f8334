import iconv from "iconv-lite";
import { issue } from "../model/issue.js";
import { ByteInput } from "./byte-input.js";
import { type CsvProblem, CsvTokenizer, type CsvTokenizerSink } from "./csv-tokenizer.js";
import { detectDelimiter } from "./detect-delimiter.js";
import { detectEncoding, isKnownEncoding } from "./detect-encoding.js";
import { SourceError } from "./errors.js";
import { formatBytes, recordLimitFactor, resolveMaxFieldBytes, sampleBytes } from "./limits.js";
import { ProgressThrottle } from "./progress.js";
import type { ReaderOptions, ReadItem, SourceLayout } from "./types.js";

/**
 * Reads a CSV file row by row with bounded memory: the encoding and the delimiter are detected from the
 * first 64 KiB unless given; the first non-blank record is the header (names trimmed; blank names become
 * `column_<n>`, repeated ones `<name>_2`, …); each later record becomes a row whose values are its non-empty
 * fields by column name. Fields are trimmed of spaces around them (so FEBRL's `, waller` reads `waller`).
 *
 * Every record that cannot be read becomes an `UnreadableRow` with its row number, a reason and its raw text,
 * and reading goes on: a record with more or fewer fields than the header (`csv_ragged_row`; extra fields
 * that are all empty are allowed), a field over `maxFieldBytes` (`csv_field_too_large`) or a record over
 * eight times that (`csv_record_too_large`), a quote never closed (`csv_unclosed_quote`), or text that could
 * not be decoded (`csv_invalid_encoding`: U+FFFD in a field). A record whose fields are all empty is skipped
 * (it still has a row number). Only problems with the whole file throw a `SourceError`.
 */
export async function* readCsv(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const maxFieldBytes = resolveMaxFieldBytes(options.maxFieldBytes, path);
  if (options.encoding !== undefined && !isKnownEncoding(options.encoding)) {
    throw new SourceError("source_invalid_option", path, `unknown encoding "${options.encoding}"`);
  }
  if (options.delimiter !== undefined && !isUsableDelimiter(options.delimiter)) {
    throw new SourceError(
      "source_invalid_option",
      path,
      `the delimiter must be one character other than a quote, a space or a line break, not ${JSON.stringify(options.delimiter)}`,
    );
  }

  const input = await ByteInput.open(path);
  try {
    const { bytes: head, complete } = await input.peek(sampleBytes);
    const truncated = !complete;
    const encoding = options.encoding ?? detectEncoding(head, truncated);
    const decoder = iconv.getDecoder(encoding);
    // Detection looks at the decoded start of the file, without consuming it.
    const headText = stripBom(iconv.decode(head, encoding));
    const delimiter = options.delimiter ?? detectDelimiter(headText, truncated);

    const rows = new CsvRows(path, encoding, delimiter, maxFieldBytes, options.onLayout);
    const tokenizer = new CsvTokenizer(
      { delimiter, maxFieldChars: maxFieldBytes, maxRecordChars: maxFieldBytes * recordLimitFactor },
      rows,
    );
    rows.tokenizer = tokenizer;
    const progress = new ProgressThrottle(options.onProgress, input.totalBytes);
    const items = rows.items;
    let count = 0;
    let first = true;

    for (;;) {
      const chunk = await input.next();
      if (chunk === null) break;
      let text = decoder.write(chunk);
      if (first && text.length > 0) {
        text = stripBom(text);
        first = false;
      }
      tokenizer.push(text);
      for (let k = 0; k < items.length; k++) yield items[k]!;
      count += items.length;
      items.length = 0;
      progress.tick(input.bytesRead, count);
    }
    const tail = decoder.end();
    if (tail) tokenizer.push(first ? stripBom(tail) : tail);
    tokenizer.end();
    rows.finish();
    for (let k = 0; k < items.length; k++) yield items[k]!;
    count += items.length;
    items.length = 0;
    progress.finish(input.bytesRead, count);
  } finally {
    input.close();
  }
}

/** Turns the tokenizer's records into rows (after the header) and its problems into unreadable rows. */
class CsvRows implements CsvTokenizerSink {
  readonly items: ReadItem[] = [];
  tokenizer: CsvTokenizer | null = null;
  private columns: string[] | null = null;
  private rowNumber = 0;
  /** Fields shorter than this many characters cannot be over the byte limit, whatever their characters. */
  private readonly byteCheckFrom: number;

  constructor(
    private readonly path: string,
    private readonly encoding: string,
    private readonly delimiter: string,
    private readonly maxFieldBytes: number,
    private readonly onLayout: ((layout: SourceLayout) => void) | undefined,
  ) {
    this.byteCheckFrom = Math.floor(maxFieldBytes / 3);
  }

  record(fields: string[], line: number): void {
    const columns = this.columns;
    if (columns === null) {
      this.setHeader(fields);
      return;
    }
    const rowNumber = ++this.rowNumber;
    const width = columns.length;
    const n = fields.length;
    if (n !== width && (n < width || !allEmpty(fields, width))) {
      if (allEmpty(fields, 0)) return;
      this.unreadable(
        rowNumber,
        "csv_ragged_row",
        `row ${rowNumber} has ${n} fields, the header has ${width} (line ${line})`,
        undefined,
      );
      return;
    }
    if (this.tokenizer!.textHasReplacementChar) {
      const k = fields.findIndex((f) => f.includes("\uFFFD"));
      if (k >= 0 && k < width) {
        this.unreadable(
          rowNumber,
          "csv_invalid_encoding",
          `row ${rowNumber} has bytes that are not valid ${this.encoding} in column "${columns[k]}" (line ${line}); they show as U+FFFD`,
          columns[k],
        );
        return;
      }
    }
    const values: Record<string, unknown> = {};
    let empty = true;
    for (let k = 0; k < width; k++) {
      const v = fields[k]!;
      if (v === "") continue;
      if (v.length > this.byteCheckFrom && Buffer.byteLength(v, "utf8") > this.maxFieldBytes) {
        this.unreadable(
          rowNumber,
          "csv_field_too_large",
          `row ${rowNumber} has a field larger than ${formatBytes(this.maxFieldBytes)} in column "${columns[k]}" (line ${line})`,
          columns[k],
        );
        return;
      }
      values[columns[k]!] = v;
      empty = false;
    }
    if (!empty) this.items.push({ kind: "row", rowNumber, values });
  }

  problem(problem: CsvProblem): void {
    if (this.columns === null) {
      throw new SourceError(
        "csv_header_unreadable",
        this.path,
        `the header row cannot be read: ${describe(problem, "the header", this.maxFieldBytes, null)}`,
      );
    }
    const rowNumber = ++this.rowNumber;
    const column = problem.fieldIndex === null ? null : (this.columns[problem.fieldIndex] ?? null);
    this.items.push({
      kind: "unreadable",
      rowNumber,
      reason: issue(
        problem.code,
        describe(problem, `row ${rowNumber}`, this.maxFieldBytes, column),
        column ?? undefined,
        "error",
      ),
      raw: problem.raw,
    });
  }

  /** A file with a header and no rows still tells its layout. */
  finish(): void {
    if (this.columns === null) this.setHeader([]);
  }

  private setHeader(fields: string[]): void {
    this.columns = columnNames(fields);
    this.onLayout?.({
      format: "csv",
      columns: [...this.columns],
      encoding: this.encoding,
      delimiter: this.delimiter,
    });
  }

  private unreadable(rowNumber: number, code: string, message: string, field: string | undefined): void {
    this.items.push({
      kind: "unreadable",
      rowNumber,
      reason: issue(code, message, field, "error"),
      raw: this.tokenizer!.currentRaw(),
    });
  }
}

function describe(problem: CsvProblem, what: string, maxFieldBytes: number, column: string | null): string {
  const where = column !== null ? ` in column "${column}"` : "";
  const line = `(line ${problem.line})`;
  switch (problem.code) {
    case "csv_field_too_large":
      return problem.openAtEndOfFile
        ? `${what} has a quoted field larger than ${formatBytes(maxFieldBytes)}${where} ${line} whose quote is never closed; the rest of the file was inside it`
        : `${what} has a field larger than ${formatBytes(maxFieldBytes)}${where} ${line}`;
    case "csv_record_too_large":
      return `${what} is larger than ${formatBytes(maxFieldBytes * recordLimitFactor)} ${line}`;
    case "csv_unclosed_quote":
      return `${what} opens a quote${where} that is never closed ${line}; reading went on with the next line`;
  }
}

/** Header names: trimmed already; blank ones named by position, repeated ones numbered. */
export function columnNames(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  fields.forEach((field, k) => {
    let name = field === "" || field === "__proto__" ? `column_${k + 1}` : field;
    if (seen.has(name)) {
      let n = 2;
      while (seen.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    }
    seen.add(name);
    names.push(name);
  });
  return names;
}

function allEmpty(fields: readonly string[], from: number): boolean {
  for (let k = from; k < fields.length; k++) if (fields[k] !== "") return false;
  return true;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isUsableDelimiter(d: string): boolean {
  return d.length === 1 && d !== '"' && d !== " " && d !== "\n" && d !== "\r";
}
