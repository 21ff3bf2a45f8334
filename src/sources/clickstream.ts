import { issue } from "../model/issue.js";
import { sessionItem } from "./access-log.js";
import { readJsonLines } from "./jsonl.js";
import { cutRaw } from "./limits.js";
import { type PageHit, Sessionizer } from "./sessions.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/**
 * Clickstream JSON lines, read as visits like a web log: one page-view event per line, grouped into
 * sessions (see `Sessionizer`) by the visitor's anonymous id (else IP and user agent), one row per
 * session. Both plain events (`timestamp`, `url`, `referrer`, `user_agent`, `ip`, `anonymous_id`/`cookie_id`,
 * `user_id`) and Segment `page` calls (`properties.url`, `context.page.referrer`, `context.userAgent`,
 * `context.ip`, `anonymousId`, `userId`) are understood. A line without a time or a URL becomes an
 * unreadable row (`clickstream_invalid_event`, naming the line and the field); bad JSON is reported as by
 * the JSON lines reader.
 */

type Json = Record<string, unknown>;

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Json)[key];
  }
  return v;
}

function firstString(...values: unknown[]): string | null {
  for (const v of values) if (typeof v === "string" && v !== "") return v;
  return null;
}

function secondsOf(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value > 1e11 ? value / 1000 : value;
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms / 1000;
}

/** The URL's path and query, when it is absolute. */
function requestOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export function clickstreamHit(event: Json, lineNumber: number): PageHit | { reason: string; field: string } {
  const time = secondsOf(event.timestamp ?? event.time ?? event.ts ?? event.sentAt);
  if (time === null) return { reason: `line ${lineNumber} has no readable timestamp`, field: "timestamp" };
  const url = firstString(
    event.url,
    event.page_url,
    event.path,
    at(event, "properties", "url"),
    at(event, "properties", "path"),
    at(event, "context", "page", "url"),
  );
  if (url === null) return { reason: `line ${lineNumber} has no page URL`, field: "url" };
  return {
    time,
    row: lineNumber,
    method: "GET",
    url: requestOf(url),
    status: null,
    referrer: firstString(
      event.referrer,
      at(event, "properties", "referrer"),
      at(event, "context", "page", "referrer"),
    ),
    userAgent: firstString(event.user_agent, event.userAgent, at(event, "context", "userAgent")),
    ip: firstString(event.ip, at(event, "context", "ip")),
    visitor: firstString(event.anonymous_id, event.anonymousId, event.cookie_id, event.session_cookie),
    userId: firstString(event.user_id, event.userId),
  };
}

export async function* readClickstream(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const sessions = new Sessionizer();
  const { onLayout, ...rest } = options;
  const lines = readJsonLines(path, {
    ...rest,
    onLayout: (layout) => onLayout?.({ ...layout, format: "clickstream" }),
  });
  for await (const item of lines) {
    if (item.kind === "unreadable") {
      yield item;
      continue;
    }
    const hit = clickstreamHit(item.values, item.rowNumber);
    if ("reason" in hit) {
      yield {
        kind: "unreadable",
        rowNumber: item.rowNumber,
        reason: issue("clickstream_invalid_event", hit.reason, hit.field, "error"),
        raw: cutRaw(JSON.stringify(item.values)),
      };
      continue;
    }
    sessions.add(hit);
    for (const session of sessions.take()) yield sessionItem(session);
  }
  sessions.end();
  for (const session of sessions.take()) yield sessionItem(session);
}
