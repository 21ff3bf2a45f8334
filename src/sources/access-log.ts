import iconv from "iconv-lite";
import { issue } from "../model/issue.js";
import { ByteInput } from "./byte-input.js";
import { cutRaw, recordLimitFactor, resolveMaxFieldBytes } from "./limits.js";
import { type LineSink, LineSplitter } from "./line-splitter.js";
import { ProgressThrottle } from "./progress.js";
import { botReason, type PageHit, type Session, Sessionizer, sessionRow } from "./sessions.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/**
 * Web server access logs (NCSA common and combined log formats, as Apache and nginx write them), read as
 * visits: each session (see `Sessionizer`) becomes one row (`sessionRow`), numbered by its first line.
 * A line that is not a log line (truncated, garbled) becomes an unreadable row (`access_log_invalid_line`,
 * naming the line) and reading goes on; a session that looks automated becomes an unreadable row
 * (`access_log_bot`, with the reason and its line count), so that crawlers are accounted for but never
 * become people.
 */

// host ident user [time] "request" status bytes ["referrer" "user agent"]
const LINE =
  /^(\S+) (\S+) (\S+) \[(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?\s*$/;
const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** One log line as a hit, or a reason it is not one. */
export function parseLogLine(text: string, lineNumber: number): PageHit | { reason: string } {
  const m = LINE.exec(text);
  if (m === null) return { reason: `line ${lineNumber} is not in the common or combined log format` };
  const month = MONTHS[m[5]!.toLowerCase()];
  if (month === undefined) return { reason: `line ${lineNumber} has an unknown month "${m[5]}"` };
  const offset = m[10]!;
  const offsetSeconds =
    (offset[0] === "-" ? -1 : 1) * (Number(offset.slice(1, 3)) * 3600 + Number(offset.slice(3)) * 60);
  const time =
    Date.UTC(Number(m[6]), month, Number(m[4]), Number(m[7]), Number(m[8]), Number(m[9])) / 1000 -
    offsetSeconds;
  if (!Number.isFinite(time)) return { reason: `line ${lineNumber} has an impossible time` };
  const request = m[11]!.split(" ");
  const unquote = (s: string | undefined) =>
    s === undefined || s === "-" ? null : s.replace(/\\(.)/g, "$1");
  return {
    time,
    row: lineNumber,
    method: request.length >= 2 ? request[0]! : "-",
    url: request.length >= 2 ? request[1]! : m[11]!,
    status: Number(m[12]),
    referrer: unquote(m[14]),
    userAgent: unquote(m[15]),
    ip: m[1]!,
    visitor: null,
  };
}

export interface AccessLogOptions extends ReaderOptions {
  /** The site's own host name: referrers from it are navigation, not where the visit came from. */
  ownHost?: string;
}

export async function* readAccessLog(path: string, options: AccessLogOptions = {}): AsyncGenerator<ReadItem> {
  const maxFieldBytes = resolveMaxFieldBytes(options.maxFieldBytes, path);
  const input = await ByteInput.open(path);
  try {
    const encoding = options.encoding ?? "utf8";
    const decoder = iconv.getDecoder(encoding);
    options.onLayout?.({ format: "access_log", columns: [], encoding });
    const progress = new ProgressThrottle(options.onProgress, input.totalBytes);
    const sink = new LogLines();
    const splitter = new LineSplitter(maxFieldBytes * recordLimitFactor, sink);
    let count = 0;
    const drain = function* (): Generator<ReadItem> {
      for (const item of sink.items.splice(0, sink.items.length)) {
        count++;
        yield item;
      }
      for (const session of sink.sessions.take()) {
        count++;
        yield sessionItem(session, options.ownHost);
      }
    };
    for (;;) {
      const chunk = await input.next();
      if (chunk === null) break;
      splitter.push(decoder.write(chunk));
      yield* drain();
      progress.tick(input.bytesRead, count);
    }
    const tail = decoder.end();
    if (tail) splitter.push(tail);
    splitter.end();
    sink.sessions.end();
    yield* drain();
    progress.finish(input.bytesRead, count);
  } finally {
    input.close();
  }
}

export function sessionItem(session: Session, ownHost?: string): ReadItem {
  const bot = botReason(session);
  if (bot !== null) {
    const lines = session.count === 1 ? "1 line" : `${session.count} lines`;
    return {
      kind: "unreadable",
      rowNumber: session.first.row,
      reason: issue(
        "access_log_bot",
        `the session from line ${session.first.row} (${lines}) looks automated: ${bot}`,
        undefined,
        "info",
      ),
      raw: cutRaw(
        JSON.stringify({
          ip: session.first.ip,
          user_agent: session.first.userAgent,
          hits: session.count,
          first: session.first.url,
        }),
      ),
    };
  }
  return { kind: "row", rowNumber: session.first.row, values: sessionRow(session, ownHost) };
}

class LogLines implements LineSink {
  readonly items: ReadItem[] = [];
  readonly sessions = new Sessionizer();

  line(text: string, lineNumber: number): void {
    if (text.trim() === "") return;
    const hit = parseLogLine(text, lineNumber);
    if ("reason" in hit) {
      this.items.push({
        kind: "unreadable",
        rowNumber: lineNumber,
        reason: issue("access_log_invalid_line", hit.reason, undefined, "error"),
        raw: cutRaw(text),
      });
      return;
    }
    this.sessions.add(hit);
  }

  tooLong(lineNumber: number, head: string): void {
    this.items.push({
      kind: "unreadable",
      rowNumber: lineNumber,
      reason: issue(
        "access_log_line_too_large",
        `line ${lineNumber} is too long to be a log line`,
        undefined,
        "error",
      ),
      raw: head,
    });
  }
}
