import { issue } from "../model/issue.js";
import { ByteInput } from "./byte-input.js";
import { defaultMaxMessageBytes, parseMessage } from "./email.js";
import { cutRaw, formatBytes } from "./limits.js";
import { type LineSink, LineSplitter } from "./line-splitter.js";
import { ProgressThrottle } from "./progress.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/**
 * Reads an mbox file message by message (mboxo, mboxrd and mboxcl: a message starts at a "From " line
 * after a blank line or at the start of the file; ">From " quoting is undone), each parsed by mailparser
 * into a row (see `emailRow`). Messages are numbered from 1 in file order. A message that cannot be parsed
 * or is not a message, one larger than 32 MiB, and text before the first "From " line become unreadable
 * rows with their reason, and reading goes on.
 *
 * The file is read as bytes (latin1 keeps every byte as one character), so that each message reaches
 * mailparser exactly as written, whatever charsets its parts use.
 */
export async function* readMbox(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const input = await ByteInput.open(path);
  try {
    options.onLayout?.({ format: "mbox", columns: [] });
    const progress = new ProgressThrottle(options.onProgress, input.totalBytes);
    const splitter = new MboxSplitter(defaultMaxMessageBytes);
    const lines = new LineSplitter(defaultMaxMessageBytes, splitter);
    let count = 0;
    const drain = async function* (): AsyncGenerator<ReadItem> {
      for (const message of splitter.take()) {
        count++;
        yield message.kind === "message"
          ? await parseMessage(
              message.raw,
              message.number,
              `message ${message.number} (line ${message.line})`,
            )
          : message.item;
      }
    };
    for (;;) {
      const chunk = await input.next();
      if (chunk === null) break;
      lines.push(chunk.toString("latin1"));
      yield* drain();
      progress.tick(input.bytesRead, count);
    }
    lines.end();
    splitter.end();
    yield* drain();
    progress.finish(input.bytesRead, count);
  } finally {
    input.close();
  }
}

type Pending =
  | { kind: "message"; number: number; line: number; raw: Buffer }
  | { kind: "item"; item: ReadItem };

const FROM_LINE = /^From \S*/;
const QUOTED_FROM = /^>+From /;

/** Gathers lines into messages. */
class MboxSplitter implements LineSink {
  private readonly done: Pending[] = [];
  private parts: string[] = [];
  private size = 0;
  private oversized = false;
  private previousBlank = true;
  private startLine = 0;
  private number = 0;
  /** Lines before the first "From " line: not a message. */
  private preamble = true;

  constructor(private readonly maxBytes: number) {}

  line(text: string, lineNumber: number): void {
    if (this.previousBlank && FROM_LINE.test(text)) {
      this.finish();
      this.preamble = false;
      this.number++;
      this.startLine = lineNumber;
      this.previousBlank = false;
      return;
    }
    this.previousBlank = text === "" || text === "\r";
    if (this.preamble && this.parts.length === 0 && this.previousBlank) return;
    if (this.preamble && this.parts.length === 0) this.startLine = lineNumber;
    const unquoted = QUOTED_FROM.test(text) ? text.slice(1) : text;
    this.size += unquoted.length + 1;
    if (this.size > this.maxBytes) {
      this.oversized = true;
      if (this.parts.length > 0) this.parts = [this.parts[0]!];
      return;
    }
    this.parts.push(unquoted);
  }

  tooLong(lineNumber: number, head: string): void {
    this.oversized = true;
    if (this.preamble && this.parts.length === 0) this.startLine = lineNumber;
    if (this.parts.length === 0) this.parts.push(head);
  }

  end(): void {
    this.finish();
  }

  take(): Pending[] {
    return this.done.splice(0, this.done.length);
  }

  private finish(): void {
    const parts = this.parts;
    const hasContent = parts.some((p) => p.trim() !== "");
    this.parts = [];
    const oversized = this.oversized;
    this.oversized = false;
    this.size = 0;
    if (this.preamble) {
      if (!hasContent) return;
      while (parts.length > 0 && parts[parts.length - 1]!.trim() === "") parts.pop();
      // Text before any "From " line: a broken or non-mbox file. It is kept, under its own number.
      this.number++;
      this.done.push({
        kind: "item",
        item: {
          kind: "unreadable",
          rowNumber: this.number,
          reason: issue(
            "mbox_no_from_line",
            `lines ${this.startLine} to ${this.startLine + parts.length - 1} come before any "From " line, so they are not a message`,
            undefined,
            "error",
          ),
          raw: cutRaw(parts.join("\n")),
        },
      });
      return;
    }
    if (this.number === 0) return;
    const what = `message ${this.number} (line ${this.startLine})`;
    if (oversized) {
      this.done.push({
        kind: "item",
        item: {
          kind: "unreadable",
          rowNumber: this.number,
          reason: issue(
            "email_too_large",
            `${what} is larger than ${formatBytes(this.maxBytes)}`,
            undefined,
            "error",
          ),
          raw: cutRaw(parts.join("\n")),
        },
      });
      return;
    }
    if (!hasContent) {
      this.done.push({
        kind: "item",
        item: {
          kind: "unreadable",
          rowNumber: this.number,
          reason: issue("mbox_empty_message", `${what} is empty`, undefined, "error"),
          raw: "",
        },
      });
      return;
    }
    // The blank line that separates messages belongs to the mbox, not to the message.
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    this.done.push({
      kind: "message",
      number: this.number,
      line: this.startLine,
      raw: Buffer.from(parts.join("\n"), "latin1"),
    });
  }
}
