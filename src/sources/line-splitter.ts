import { rawLimitBytes } from "./limits.js";

export interface LineSink {
  /** A line without its line break; `lineNumber` is 1-based and counts every line, blank ones too. */
  line(text: string, lineNumber: number): void;
  /** A line longer than the limit, skipped without being kept; `head` is its start (64 KiB at most). */
  tooLong(lineNumber: number, head: string): void;
}

/**
 * Splits decoded text, fed chunk by chunk, into lines (`\n` or `\r\n`). A line longer than `maxLineChars`
 * is skipped to its end without keeping more than its first 64 KiB, so memory stays bounded.
 */
export class LineSplitter {
  private carry = "";
  private skipping = false;
  private skipHead = "";
  private lineNumber = 0;

  constructor(
    private readonly maxLineChars: number,
    private readonly sink: LineSink,
  ) {}

  push(text: string): void {
    const len = text.length;
    let start = 0;
    if (this.skipping) {
      const nl = text.indexOf("\n");
      const end = nl === -1 ? len : nl;
      if (this.skipHead.length < rawLimitBytes) {
        this.skipHead += text.slice(0, Math.min(end, rawLimitBytes - this.skipHead.length));
      }
      if (nl === -1) return;
      this.skipping = false;
      this.sink.tooLong(++this.lineNumber, this.skipHead);
      this.skipHead = "";
      start = nl + 1;
    }
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      let line = text.slice(start, nl);
      if (this.carry.length > 0) {
        line = this.carry + line;
        this.carry = "";
      }
      this.emit(line);
      start = nl + 1;
    }
    if (start < len) {
      if (this.carry.length + (len - start) > this.maxLineChars) {
        this.skipping = true;
        this.skipHead = (this.carry + text.slice(start, start + rawLimitBytes)).slice(0, rawLimitBytes);
        this.carry = "";
      } else {
        this.carry += text.slice(start);
      }
    }
  }

  end(): void {
    if (this.skipping) {
      this.skipping = false;
      this.sink.tooLong(++this.lineNumber, this.skipHead);
      this.skipHead = "";
    } else if (this.carry.length > 0) {
      const line = this.carry;
      this.carry = "";
      this.emit(line);
    }
  }

  private emit(text: string): void {
    const line = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    const lineNumber = ++this.lineNumber;
    if (line.length > this.maxLineChars) this.sink.tooLong(lineNumber, line.slice(0, rawLimitBytes));
    else this.sink.line(line, lineNumber);
  }
}
