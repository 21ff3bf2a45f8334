import { cutRaw, rawLimitBytes } from "./limits.js";

/**
 * Splits decoded CSV text, fed chunk by chunk, into records of fields.
 *
 * The grammar is RFC 4180 with the leniencies real exports need: `\n`, `\r\n` or `\r` end a line; spaces
 * (and tabs, unless the tab is the delimiter) around a field are trimmed, but not inside quotes; a quote
 * that does not start a field is an ordinary character; text after a closing quote keeps the field as it
 * stands in the file, quotes included; blank lines are skipped.
 *
 * What it adds to a plain parser is recovery, so that one broken record never costs the good ones around it
 * and memory stays bounded whatever the input:
 * - a field longer than `maxFieldChars` (or a record longer than `maxRecordChars`) is skipped to the end
 *   of its record without being kept, and reported;
 * - a quoted field that reaches the end of the file, grows past the limit, or is "closed" by a quote
 *   followed by other text after having swallowed a line break is taken to be an unclosed quote: its
 *   record is reported with its first line, and reading starts again on the line after, so the rows the
 *   stray quote swallowed are read after all.
 */

const quote = 34;
const lf = 10;
const cr = 13;
const space = 32;
const tab = 9;

export type CsvProblemCode = "csv_field_too_large" | "csv_record_too_large" | "csv_unclosed_quote";

export interface CsvProblem {
  code: CsvProblemCode;
  /** Physical line (1-based) on which the record starts. */
  line: number;
  /** 0-based index of the field concerned, when there is one. */
  fieldIndex: number | null;
  /** The record's text (for an unclosed quote: its first line), cut to 64 KiB. */
  raw: string;
  /** The oversized field was quoted and its quote was still open at the end of the file. */
  openAtEndOfFile: boolean;
}

export interface CsvTokenizerSink {
  /** A record; `fields` belongs to the receiver. `line` is the physical line on which it starts. */
  record(fields: string[], line: number): void;
  problem(problem: CsvProblem): void;
}

export interface CsvTokenizerOptions {
  /** One character. */
  delimiter: string;
  maxFieldChars: number;
  maxRecordChars: number;
}

/**
 * Why a scan stopped: all the text was read; the record from `stopRecord` goes on past the text; or the
 * quoted field opened at `stopField` is taken to be an unclosed quote.
 */
type Stop = "done" | "incomplete" | "unclosed";

/** State while discarding an oversized record up to its end. */
interface Skip {
  code: CsvProblemCode;
  fieldIndex: number | null;
  line: number;
  /** Line breaks inside the record so far. */
  lineBreaks: number;
  raw: string;
  quoted: boolean;
  atFieldStart: boolean;
  /** The last chunk ended on a quote inside a quoted field: the next character says what it was. */
  pendingQuote: boolean;
}

export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly trimTab: boolean;
  private readonly maxFieldChars: number;
  private readonly maxRecordChars: number;

  /** Physical line of the next record. */
  private line = 1;
  /** Text of a record that goes on in the next chunk; it is read again from its start. */
  private carry = "";
  /** Chunks held back while `carry` is long, so that a long record is not re-read once per chunk. */
  private held: string[] = [];
  private heldLength = 0;
  /** The last chunk ended with `\r`: a `\n` at the start of the next one belongs to it. */
  private afterCr = false;
  private skipping: Skip | null = null;

  // Where the scan stopped when it did not read all the text; `stopLine` is the record's first line.
  private stopRecord = 0;
  private stopField = 0;
  private stopFieldIndex = 0;
  private stopQuoted = false;
  private stopLine = 1;

  // The text being scanned and the bounds of the record being handed to the sink, for `currentRaw()`.
  private text = "";
  private recordStart = 0;
  private recordEnd = 0;

  /** Whether the text being scanned contains U+FFFD (so records may need checking for it). */
  textHasReplacementChar = false;

  constructor(
    options: CsvTokenizerOptions,
    private readonly sink: CsvTokenizerSink,
  ) {
    if (options.delimiter.length !== 1) throw new RangeError("the delimiter must be one character");
    this.delimiter = options.delimiter.charCodeAt(0);
    this.trimTab = this.delimiter !== tab;
    this.maxFieldChars = options.maxFieldChars;
    this.maxRecordChars = Math.max(options.maxRecordChars, options.maxFieldChars);
  }

  /** The raw text of the record being handed to `sink.record`, cut to 64 KiB. */
  currentRaw(): string {
    return cutRaw(this.text.slice(this.recordStart, this.recordEnd));
  }

  push(chunk: string): void {
    let text = chunk;
    if (this.afterCr && text.length > 0) {
      this.afterCr = false;
      if (text.charCodeAt(0) === lf) text = text.slice(1);
    }
    if (text.length === 0) return;
    if (this.skipping !== null) {
      const rest = this.skip(text);
      if (rest === null) return;
      text = rest;
    }
    if (this.carry.length > 0) {
      if (this.heldLength + text.length < this.carry.length) {
        this.held.push(text);
        this.heldLength += text.length;
        return;
      }
      text = this.takeCarry() + text;
    }
    this.scan(text, false);
  }

  end(): void {
    this.afterCr = false;
    if (this.skipping !== null) {
      const skip = this.skipping;
      this.skipping = null;
      this.reportSkipped(skip, skip.quoted);
      return;
    }
    const text = this.takeCarry();
    if (text.length > 0) this.scan(text, true);
  }

  private takeCarry(): string {
    let text = this.carry;
    if (this.held.length > 0) text += this.held.join("");
    this.carry = "";
    this.held = [];
    this.heldLength = 0;
    return text;
  }

  private scan(text: string, atEnd: boolean): void {
    this.text = text;
    this.textHasReplacementChar = text.indexOf("\uFFFD") !== -1;
    let pos = 0;
    for (;;) {
      const result = this.scanRecords(text, pos, atEnd);
      if (result.stop === "done") return;
      if (result.stop === "unclosed") {
        pos = this.recoverUnclosedQuote(text, atEnd);
        continue;
      }
      const fieldChars = text.length - this.stopField;
      const recordChars = text.length - this.stopRecord;
      if (fieldChars <= this.maxFieldChars && recordChars <= this.maxRecordChars) {
        this.carry = text.slice(this.stopRecord);
        this.line = this.stopLine;
        return;
      }
      if (this.stopQuoted && hasLineBreak(text, this.stopField, text.length)) {
        pos = this.recoverUnclosedQuote(text, false);
        continue;
      }
      const tooLargeField = fieldChars > this.maxFieldChars;
      this.skipping = {
        code: tooLargeField ? "csv_field_too_large" : "csv_record_too_large",
        fieldIndex: tooLargeField ? this.stopFieldIndex : null,
        line: this.stopLine,
        lineBreaks: countLineFeeds(text, this.stopRecord, result.resume),
        raw: text.slice(this.stopRecord, Math.min(result.resume, this.stopRecord + rawLimitBytes)),
        quoted: this.stopQuoted,
        atFieldStart: false,
        pendingQuote: false,
      };
      const rest = this.skip(text.slice(result.resume));
      if (rest !== null) this.scan(rest, atEnd);
      return;
    }
  }

  /**
   * Reads whole records from `pos`, handing them to the sink, until the text ends or a record cannot be
   * finished in it. Kept as one loop: it is the hot path.
   */
  private scanRecords(s: string, from: number, atEnd: boolean): { stop: Stop; resume: number } {
    const len = s.length;
    const d = this.delimiter;
    const trimTab = this.trimTab;
    const maxField = this.maxFieldChars;
    let pos = from;
    let line = this.line;

    while (pos < len) {
      const start = pos;
      const fields: string[] = [];
      let i = pos;
      let c = 0;
      let lineBreaks = 0;
      let tooLarge = -1;

      for (;;) {
        // A field starts at i: skip blanks before it.
        c = i < len ? s.charCodeAt(i) : -1;
        while (c === space || (c === tab && trimTab)) c = ++i < len ? s.charCodeAt(i) : -1;

        if (c === quote) {
          const open = i;
          let value = "";
          let j = i + 1;
          let closed = false;
          for (;;) {
            const q = s.indexOf('"', j);
            if (q === -1 || (q + 1 === len && !atEnd)) break;
            if (q + 1 < len && s.charCodeAt(q + 1) === quote) {
              value += s.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            value += s.slice(j, q);
            i = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            this.stopAt(start, open, fields.length, true, line);
            if (atEnd) {
              this.line = line;
              return { stop: "unclosed", resume: j };
            }
            this.line = line;
            return { stop: "incomplete", resume: j };
          }
          const breaks = countLineFeeds(value, 0, value.length);
          // After the closing quote: blanks, then a delimiter or the end of the line.
          let k = i;
          c = k < len ? s.charCodeAt(k) : -1;
          while (c === space || (c === tab && trimTab)) c = ++k < len ? s.charCodeAt(k) : -1;
          if (c === d || c === lf || c === cr || (c === -1 && atEnd)) {
            if (value.length > maxField) tooLarge = fields.length;
            fields.push(value);
            lineBreaks += breaks;
            i = k;
            if (c === d) {
              i++;
              continue;
            }
            break;
          }
          if (c === -1) {
            this.stopAt(start, open, fields.length, false, line);
            this.line = line;
            return { stop: "incomplete", resume: len };
          }
          if (breaks > 0 || hasLineBreak(value, 0, value.length)) {
            // A quote "closed" by text, after swallowing a line break: the quote was never closed.
            this.stopAt(start, open, fields.length, true, line);
            this.line = line;
            return { stop: "unclosed", resume: k };
          }
          // Stray text after a closing quote: the field is kept as it stands, quotes and all.
          let e = k;
          while (e < len) {
            c = s.charCodeAt(e);
            if (c === d || c === lf || c === cr) break;
            e++;
          }
          if (e === len) {
            if (!atEnd) {
              this.stopAt(start, open, fields.length, false, line);
              this.line = line;
              return { stop: "incomplete", resume: len };
            }
            c = -1;
          }
          let r = e;
          while (r > open && isBlank(s.charCodeAt(r - 1), trimTab)) r--;
          if (r - open > maxField) tooLarge = fields.length;
          fields.push(s.slice(open, r));
          i = e;
          if (c === d) {
            i++;
            continue;
          }
          break;
        }

        // An unquoted field: up to the next delimiter or line break.
        let j = i;
        while (j < len) {
          c = s.charCodeAt(j);
          if (c === d || c === lf || c === cr) break;
          j++;
        }
        if (j === len) {
          if (!atEnd) {
            this.stopAt(start, i, fields.length, false, line);
            this.line = line;
            return { stop: "incomplete", resume: len };
          }
          c = -1;
        }
        let e = j;
        while (e > i && isBlank(s.charCodeAt(e - 1), trimTab)) e--;
        if (e - i > maxField) tooLarge = fields.length;
        fields.push(e === i ? "" : s.slice(i, e));
        i = j;
        if (c === d) {
          i++;
          continue;
        }
        break;
      }

      // The record ends at i, on a line break or at the end of the text.
      const end = i;
      if (i < len) {
        if (s.charCodeAt(i) === cr) {
          i++;
          if (i < len) {
            if (s.charCodeAt(i) === lf) i++;
          } else if (!atEnd) {
            this.afterCr = true;
          }
        } else {
          i++;
        }
      }
      pos = i;
      if (fields.length === 1 && fields[0] === "") {
        line += 1 + lineBreaks;
        continue;
      }
      if (tooLarge >= 0 || end - start > this.maxRecordChars) {
        this.sink.problem({
          code: tooLarge >= 0 ? "csv_field_too_large" : "csv_record_too_large",
          line,
          fieldIndex: tooLarge >= 0 ? tooLarge : null,
          raw: cutRaw(s.slice(start, end)),
          openAtEndOfFile: false,
        });
      } else {
        this.recordStart = start;
        this.recordEnd = end;
        this.sink.record(fields, line);
      }
      line += 1 + lineBreaks;
    }
    this.line = line;
    return { stop: "done", resume: len };
  }

  private stopAt(record: number, field: number, fieldIndex: number, quoted: boolean, line: number): void {
    this.stopRecord = record;
    this.stopField = field;
    this.stopFieldIndex = fieldIndex;
    this.stopQuoted = quoted;
    this.stopLine = line;
  }

  /**
   * Reports the record whose quote (at `stopField`) is never closed, with the record's text up to the end
   * of the line the quote is on, and returns where reading starts again: the next line.
   */
  private recoverUnclosedQuote(s: string, atEnd: boolean): number {
    const start = this.stopRecord;
    let nl = this.stopField + 1;
    while (nl < s.length) {
      const c = s.charCodeAt(nl);
      if (c === lf || c === cr) break;
      nl++;
    }
    this.sink.problem({
      code: "csv_unclosed_quote",
      line: this.stopLine,
      fieldIndex: this.stopFieldIndex,
      raw: cutRaw(s.slice(start, nl)),
      openAtEndOfFile: false,
    });
    // Line breaks before the quote belong to earlier quoted fields of the same record.
    this.line = this.stopLine + countLineFeeds(s, start, this.stopField) + 1;
    if (nl >= s.length) return s.length;
    if (s.charCodeAt(nl) === cr) {
      if (nl + 1 < s.length) return s.charCodeAt(nl + 1) === lf ? nl + 2 : nl + 1;
      if (!atEnd) this.afterCr = true;
      return nl + 1;
    }
    return nl + 1;
  }

  /**
   * Discards text of the record being skipped. Returns the text after the record's end, or null when the
   * record goes on past this chunk.
   */
  private skip(chunk: string): string | null {
    const sk = this.skipping!;
    const len = chunk.length;
    const d = this.delimiter;
    let i = 0;
    if (sk.pendingQuote) {
      sk.pendingQuote = false;
      if (chunk.charCodeAt(0) === quote) i = 1;
      else {
        sk.quoted = false;
        sk.atFieldStart = false;
      }
    }
    while (i < len) {
      if (sk.quoted) {
        const q = chunk.indexOf('"', i);
        sk.lineBreaks += countLineFeeds(chunk, i, q === -1 ? len : q);
        if (q === -1) {
          i = len;
          break;
        }
        if (q + 1 === len) {
          sk.pendingQuote = true;
          i = len;
          break;
        }
        if (chunk.charCodeAt(q + 1) === quote) {
          i = q + 2;
          continue;
        }
        sk.quoted = false;
        sk.atFieldStart = false;
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === lf || c === cr) {
        this.keepSkippedRaw(sk, chunk, i);
        this.skipping = null;
        this.reportSkipped(sk, false);
        let next = i + 1;
        if (c === cr) {
          if (next < len) {
            if (chunk.charCodeAt(next) === lf) next++;
          } else {
            this.afterCr = true;
          }
        }
        return chunk.slice(next);
      }
      if (c === d) sk.atFieldStart = true;
      else if (c === quote && sk.atFieldStart) sk.quoted = true;
      else if (!isBlank(c, this.trimTab)) sk.atFieldStart = false;
      i++;
    }
    this.keepSkippedRaw(sk, chunk, len);
    return null;
  }

  private keepSkippedRaw(sk: Skip, chunk: string, end: number): void {
    if (sk.raw.length < rawLimitBytes) sk.raw += chunk.slice(0, Math.min(end, rawLimitBytes - sk.raw.length));
  }

  private reportSkipped(sk: Skip, openAtEndOfFile: boolean): void {
    this.sink.problem({
      code: sk.code,
      line: sk.line,
      fieldIndex: sk.fieldIndex,
      raw: cutRaw(sk.raw),
      openAtEndOfFile,
    });
    this.line = sk.line + 1 + sk.lineBreaks;
  }
}

function isBlank(c: number, trimTab: boolean): boolean {
  return c === space || (c === tab && trimTab);
}

function countLineFeeds(s: string, from: number, to: number): number {
  let n = 0;
  for (let k = s.indexOf("\n", from); k !== -1 && k < to; k = s.indexOf("\n", k + 1)) n++;
  return n;
}

function hasLineBreak(s: string, from: number, to: number): boolean {
  const lfAt = s.indexOf("\n", from);
  if (lfAt !== -1 && lfAt < to) return true;
  const crAt = s.indexOf("\r", from);
  return crAt !== -1 && crAt < to;
}
