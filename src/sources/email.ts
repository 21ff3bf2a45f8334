import { readFile, stat } from "node:fs/promises";
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from "mailparser";
import { issue } from "../model/issue.js";
import { messageOf, toSourceError } from "./byte-input.js";
import { cutRaw, formatBytes } from "./limits.js";
import type { ReaderOptions, ReadItem } from "./types.js";

/**
 * Email messages as rows: one row per message, with the sender and recipients as identities and the text
 * the customer wrote. Parsing is mailparser's (MIME, RFC 2047 names, charsets, quoted-printable, base64).
 *
 * A row holds: `message_id`, `date` (ISO), `from_address`, `from_name`, `reply_to`, `to`, `cc` (lists of
 * addresses), `subject`, `body` (plain text, the quoted earlier message cut off), `quoted_chars` (how much
 * was cut), `in_reply_to`, and `attachments` (file name, type and size only: their content is not read).
 */

/** A message larger than this is not parsed (it is quarantined), so that one huge attachment cannot exhaust memory. */
export const defaultMaxMessageBytes = 32 * 1024 * 1024;

const QUOTE_HEADER = /^(?:On\b.{4,300}\bwrote:|-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$/im;
// C0 controls other than tab, newline and carriage return: what a binary part pasted as text leaves.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: EmailAddress[] = [];
  const walk = (items: EmailAddress[]) => {
    for (const a of items) {
      if (a.group) walk(a.group);
      else if (a.address) out.push(a);
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

/** The body without the earlier message a reply quotes: cut at "On … wrote:" or at a final run of "> " lines. */
export function withoutQuotedReply(text: string): { body: string; quotedChars: number } {
  let end = text.length;
  const header = QUOTE_HEADER.exec(text);
  if (header) end = header.index;
  const lines = text.slice(0, end).split("\n");
  let k = lines.length;
  while (k > 0 && (lines[k - 1]!.startsWith(">") || lines[k - 1]!.trim() === "")) k--;
  if (k < lines.length && lines.slice(k).some((l) => l.startsWith(">")))
    end = lines.slice(0, k).join("\n").length;
  const body = text.slice(0, end).replace(/\s+$/, "");
  return { body, quotedChars: text.length - body.length };
}

/** A parsed message as a flat row, or a reason it is not one. */
export function emailRow(mail: ParsedMail): { values: Record<string, unknown> } | { reason: string } {
  const from = addresses(mail.from)[0];
  const text = (mail.text ?? "").replace(CONTROL, "");
  if (from === undefined && mail.messageId === undefined && text.trim() === "") {
    return { reason: "has no sender, no Message-ID and no text: not an email message" };
  }
  const { body, quotedChars } = withoutQuotedReply(text);
  const values: Record<string, unknown> = {};
  if (mail.messageId) values.message_id = mail.messageId;
  if (mail.date && !Number.isNaN(mail.date.getTime())) values.date = mail.date.toISOString();
  if (from) {
    values.from_address = from.address;
    if (from.name) values.from_name = from.name;
  }
  const replyTo = addresses(mail.replyTo)[0];
  if (replyTo && replyTo.address !== from?.address) values.reply_to = replyTo.address;
  const to = addresses(mail.to).map((a) => a.address);
  if (to.length > 0) values.to = to;
  const cc = addresses(mail.cc).map((a) => a.address);
  if (cc.length > 0) values.cc = cc;
  if (mail.subject) values.subject = mail.subject;
  if (body !== "") values.body = body;
  if (quotedChars > 0) values.quoted_chars = quotedChars;
  if (mail.inReplyTo) values.in_reply_to = mail.inReplyTo;
  if (mail.attachments.length > 0) {
    values.attachments = mail.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      content_type: a.contentType,
      size: a.size,
    }));
  }
  return { values };
}

const parseOptions = { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true } as const;

/** Parses one raw message into a row or an unreadable row numbered `rowNumber`. */
export async function parseMessage(raw: Buffer, rowNumber: number, what: string): Promise<ReadItem> {
  try {
    const mail = await simpleParser(raw, parseOptions);
    const row = emailRow(mail);
    if ("values" in row) return { kind: "row", rowNumber, values: row.values };
    return {
      kind: "unreadable",
      rowNumber,
      reason: issue("email_not_a_message", `${what} ${row.reason}`, undefined, "error"),
      raw: cutRaw(raw.toString("latin1")),
    };
  } catch (error) {
    return {
      kind: "unreadable",
      rowNumber,
      reason: issue(
        "email_unparseable",
        `${what} could not be parsed: ${messageOf(error)}`,
        undefined,
        "error",
      ),
      raw: cutRaw(raw.toString("latin1")),
    };
  }
}

/** Reads one .eml file: one row, or one unreadable row with the reason. */
export async function* readEml(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw toSourceError(error, path);
  }
  options.onLayout?.({ format: "eml", columns: [] });
  if (size > defaultMaxMessageBytes) {
    yield {
      kind: "unreadable",
      rowNumber: 1,
      reason: issue(
        "email_too_large",
        `the message is larger than ${formatBytes(defaultMaxMessageBytes)}`,
        undefined,
        "error",
      ),
      raw: "",
    };
    return;
  }
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    throw toSourceError(error, path);
  }
  yield await parseMessage(raw, 1, "the message");
  options.onProgress?.({ bytesRead: size, totalBytes: size, rows: 1 });
}
