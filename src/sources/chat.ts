import { issue } from "../model/issue.js";
import { readCsv } from "./csv.js";
import { readJsonLines } from "./jsonl.js";
import { cutRaw } from "./limits.js";
import type { ReaderOptions, ReadItem, SourceRow } from "./types.js";

/**
 * Support chat and call transcripts, read as one row per conversation. The file holds turns — JSON lines
 * or CSV, one turn a line: `conversation_id`, `speaker` (or `role`, `from`), `text` (or `message`,
 * `utterance`), `timestamp` (or `time`, `at`) — or whole conversations (a JSON line with a `turns` array).
 * Turns of a conversation are gathered by its id, wherever they are in the file (a conversation is closed
 * once 10,000 lines have passed without a turn of it, and at the end).
 *
 * The customer is whoever is not the agent: speakers named customer, user, visitor, caller, client or
 * guest, or else the first speaker who is not named agent, support, bot, operator, assistant or system.
 * The row carries what the conversation says about the customer: their statements as one text
 * (`customer_text`, read by text extraction for emails, phones, names…), and the identifiers the chat tool
 * or the phone system knew (`customer_name`, `customer_email`, `customer_phone`, `customer_id`, from any
 * turn's fields or a `customer` object), besides `channel`, `started_at`, `ended_at`, `duration_s`,
 * `turns`, `customer_turns`, `agent_turns` and `transcript` (every turn as "speaker: text").
 *
 * Quarantined: a turn without a conversation id or without text (`chat_invalid_turn`, naming the line and
 * the field), a conversation in which the customer never speaks (`chat_no_customer_turn`), and whatever
 * the JSON lines or CSV reader cannot read.
 */

type Json = Record<string, unknown>;

const CUSTOMER = /^(customer|user|visitor|caller|client|guest|end[_ ]?user|member|contact)$/i;
const AGENT = /^(agent|support|bot|operator|assistant|system|rep|representative|staff|advisor|chatbot)$/i;
/** Lines after which a conversation not heard from is closed. */
const idleLines = 10_000;

interface Turn {
  line: number;
  speaker: string;
  text: string;
  time: number | null;
}

interface Conversation {
  id: string;
  firstLine: number;
  lastLine: number;
  turns: Turn[];
  fields: Record<string, string>;
  raw: string[];
}

function str(v: unknown): string | null {
  if (typeof v === "string") return v.trim() === "" ? null : v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function first(o: Json, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = str(o[k]);
    if (v !== null) return v;
  }
  return null;
}

function secondsOf(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d{9,13}(\.\d+)?$/.test(value)) {
    const n = Number(value);
    return n > 1e11 ? n / 1000 : n;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms / 1000;
}

const customerKeys: [string, string[]][] = [
  ["customer_name", ["customer_name", "visitor_name", "caller_name", "name"]],
  ["customer_email", ["customer_email", "visitor_email", "email"]],
  ["customer_phone", ["customer_phone", "caller_id", "caller_number", "ani", "phone", "from_number"]],
  ["customer_id", ["customer_id", "user_id", "account_id", "visitor_id"]],
];

/** What a turn (or a conversation object) says about the customer, besides what they say. */
function customerFields(o: Json, into: Record<string, string>): void {
  const nested = o.customer ?? o.visitor ?? o.caller;
  if (nested !== null && typeof nested === "object" && !Array.isArray(nested)) {
    const c = nested as Json;
    for (const [field, keys] of customerKeys) {
      const v = first(c, ...keys.map((k) => k.replace(/^(customer|visitor|caller)_/, "")), ...keys);
      if (v !== null && into[field] === undefined) into[field] = v;
    }
  }
  for (const [field, keys] of customerKeys) {
    // A bare "name"/"email"/"phone" on a turn is the speaker's: only a customer's turn may give it.
    const own = keys.filter((k) => k.includes("_") || k === "ani");
    const v = first(o, ...own);
    if (v !== null && into[field] === undefined) into[field] = v;
  }
  for (const key of ["channel", "queue", "language"]) {
    const v = first(o, key);
    if (v !== null && into[key] === undefined) into[key] = v;
  }
}

function turnOf(o: Json, line: number): Turn | { reason: string; field: string } {
  const text = first(o, "text", "message", "utterance", "body", "content", "transcript");
  if (text === null) return { reason: `line ${line} has no text`, field: "text" };
  return {
    line,
    speaker: first(o, "speaker", "role", "from", "author", "sender", "party") ?? "",
    text,
    time: secondsOf(first(o, "timestamp", "time", "at", "created_at", "sent_at", "ts")),
  };
}

/** The speaker who is the customer: named so, or else the first who is not named an agent. */
function customerSpeaker(turns: Turn[]): string | null {
  const named = turns.find((t) => CUSTOMER.test(t.speaker));
  if (named) return named.speaker;
  return turns.find((t) => t.speaker !== "" && !AGENT.test(t.speaker))?.speaker ?? null;
}

function rowOf(c: Conversation): ReadItem {
  const who = customerSpeaker(c.turns);
  if (who === null) {
    return {
      kind: "unreadable",
      rowNumber: c.firstLine,
      reason: issue(
        "chat_no_customer_turn",
        `conversation ${c.id} (line ${c.firstLine}) has ${c.turns.length} turn(s) and none by the customer`,
        "speaker",
        "error",
      ),
      raw: cutRaw(c.raw.join("\n")),
    };
  }
  const mine = c.turns.filter((t) => t.speaker === who);
  const times = c.turns.map((t) => t.time).filter((t): t is number => t !== null);
  const started = times.length > 0 ? Math.min(...times) : null;
  const ended = times.length > 0 ? Math.max(...times) : null;
  const values: Record<string, unknown> = {
    conversation_id: c.id,
    ...c.fields,
    customer_text: mine.map((t) => t.text).join("\n"),
    transcript: c.turns.map((t) => `${t.speaker || "?"}: ${t.text}`).join("\n"),
    turns: c.turns.length,
    customer_turns: mine.length,
    agent_turns: c.turns.length - mine.length,
  };
  if (started !== null && ended !== null) {
    values.started_at = new Date(started * 1000).toISOString();
    values.ended_at = new Date(ended * 1000).toISOString();
    values.duration_s = Math.round(ended - started);
  }
  const row: SourceRow = { kind: "row", rowNumber: c.firstLine, values };
  return row;
}

/** Reads a transcript file (JSON lines, or CSV when the path ends in .csv/.tsv) as one row per conversation. */
export async function* readChat(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const { onLayout, ...rest } = options;
  const csv = /\.(csv|tsv)(\.gz)?$/i.test(path);
  const inner = {
    ...rest,
    onLayout: (l: Parameters<NonNullable<ReaderOptions["onLayout"]>>[0]) =>
      onLayout?.({ ...l, format: "chat" }),
  };
  const lines = csv
    ? readCsv(path, { ...inner, format: "csv" })
    : readJsonLines(path, { ...inner, format: "jsonl" });
  const open = new Map<string, Conversation>();
  let line = 0;
  const closeIdle = function* (): Generator<ReadItem> {
    for (const [id, c] of open) {
      // Map order is insertion order, not last use: check every one (conversations open at once are few).
      if (line - c.lastLine > idleLines) {
        open.delete(id);
        yield rowOf(c);
      }
    }
  };
  for await (const item of lines) {
    line = item.rowNumber;
    if (item.kind === "unreadable") {
      yield item;
      continue;
    }
    const o = item.values;
    const id = first(
      o,
      "conversation_id",
      "conversationId",
      "chat_id",
      "call_id",
      "session_id",
      "ticket_id",
      "id",
    );
    if (id === null) {
      yield {
        kind: "unreadable",
        rowNumber: item.rowNumber,
        reason: issue(
          "chat_invalid_turn",
          `line ${item.rowNumber} has no conversation id`,
          "conversation_id",
          "error",
        ),
        raw: cutRaw(JSON.stringify(o)),
      };
      continue;
    }
    let c = open.get(id);
    if (c === undefined) {
      c = { id, firstLine: item.rowNumber, lastLine: item.rowNumber, turns: [], fields: {}, raw: [] };
      open.set(id, c);
    }
    c.lastLine = item.rowNumber;
    if (c.raw.length < 200) c.raw.push(JSON.stringify(o));
    const nested = Array.isArray(o.turns) ? (o.turns as unknown[]) : null;
    customerFields(o, c.fields);
    if (nested !== null) {
      for (const t of nested) {
        if (t === null || typeof t !== "object") continue;
        const turn = turnOf(t as Json, item.rowNumber);
        if (!("reason" in turn)) c.turns.push(turn);
      }
    } else {
      const turn = turnOf(o, item.rowNumber);
      if ("reason" in turn) {
        yield {
          kind: "unreadable",
          rowNumber: item.rowNumber,
          reason: issue("chat_invalid_turn", `${turn.reason} (conversation ${id})`, turn.field, "error"),
          raw: cutRaw(JSON.stringify(o)),
        };
      } else {
        c.turns.push(turn);
      }
    }
    if (item.rowNumber % 1000 === 0) yield* closeIdle();
  }
  for (const c of open.values()) yield rowOf(c);
}
