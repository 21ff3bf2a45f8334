import { findEmails, findPhones, findUrls } from "./contacts.js";

/**
 * The signature block at the end of an email body, and what it says about the sender: name, job title,
 * company, phones (with a label when a prefix such as "Mobile:" says which), links, email and postal
 * address. Spans are offsets into the whole body.
 */

export interface Span {
  value: string;
  start: number;
  end: number;
}

export interface SignaturePhone extends Span {
  /** "work" after Tel:/Phone:/Direct:/T:, "mobile" after Mobile:/Cell:/M:, else absent. */
  label?: string;
  valid: boolean;
}

export interface Signature {
  /** Where the block starts and ends in the body. */
  start: number;
  end: number;
  /** How the block was recognised: a "-- " line, a sign-off ("Best regards,") or a "Sent from my" line. */
  marker: "delimiter" | "sign-off" | "sent-from";
  name: (Span & { singleWord: boolean }) | null;
  title: Span | null;
  organization: Span | null;
  phones: SignaturePhone[];
  emails: Span[];
  urls: Span[];
  address: Span | null;
}

const SIGN_OFF =
  /^(?:best(?: regards| wishes)?|kind(?:est)? regards|warm(?:est)? regards|regards|many thanks|thanks(?: again| so much| in advance)?|thank you(?: very much)?|cheers|sincerely|yours(?: truly| sincerely)?|all the best|take care|br)\s*[,.!]?\s*$/i;
const DELIMITER = /^-- ?$/;
const SENT_FROM = /^sent from my\b/i;
const NAME_LINE = /^[\p{Lu}][\p{L}'’.-]*(?:\s+[\p{Lu}][\p{L}'’.-]*){0,3}$/u;
const COMPANY_SUFFIX =
  /\b(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|company|group|plc|ag|sa|bv|partners|associates|& sons|and sons|studio|labs?)\.?$/i;
const PHONE_PREFIX = /^\s*(tel|t|phone|direct|office|work|mobile|mob|m|cell|c|fax|f)\s*[.:]/i;
const STREET_LINE = /^\d+[A-Za-z]?\s+\p{L}/u;
const LOCALITY_LINE = /^[\p{L}][\p{L} .'-]+,\s*[A-Z]{2,3}\s+[A-Z0-9][A-Z0-9 -]{2,9}$/u;

interface Line {
  text: string;
  start: number;
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const part of text.split("\n")) {
    const raw = part.endsWith("\r") ? part.slice(0, -1) : part;
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), start: start + lead });
    start += part.length + 1;
  }
  return out;
}

/** How far from the end a sign-off may be and still start the signature. */
const MAX_SIGNATURE_LINES = 12;

/** The signature of an email body, or null when none is recognised. */
export function findSignature(body: string, defaultCountry?: string): Signature | null {
  const lines = linesOf(body);
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.text === "") last--;
  if (last < 0) return null;
  const from = Math.max(0, last - MAX_SIGNATURE_LINES);
  let first = -1;
  let marker: Signature["marker"] = "delimiter";
  for (let i = from; i <= last; i++) {
    if (DELIMITER.test(lines[i]!.text)) {
      first = i + 1;
      marker = "delimiter";
      break;
    }
  }
  if (first === -1) {
    for (let i = last; i >= from; i--) {
      if (SIGN_OFF.test(lines[i]!.text)) {
        first = i + 1;
        marker = "sign-off";
        break;
      }
    }
  }
  // "Sent from my iPhone" ends the block; the name, if any, is the line above it.
  let end = last;
  for (let i = last; i >= Math.max(from, first); i--) {
    if (SENT_FROM.test(lines[i]!.text)) {
      end = i - 1;
      if (first === -1) {
        marker = "sent-from";
        first = end;
        while (first >= 0 && lines[first]!.text === "") first--;
      }
      break;
    }
  }
  if (first === -1 || first > end) return null;
  while (end >= first && lines[end]!.text === "") end--;
  if (end < first) return null;
  const block = lines.slice(first, end + 1).filter((l) => l.text !== "");
  if (block.length === 0) return null;
  const lastLine = lines[end]!;
  return parseBlock(block, marker, block[0]!.start, lastLine.start + lastLine.text.length, defaultCountry);
}

function span(line: Line, from = 0, to = line.text.length): Span {
  const raw = line.text.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const value = raw.trim();
  return { value, start: line.start + from + lead, end: line.start + from + lead + value.length };
}

function parseBlock(
  block: Line[],
  marker: Signature["marker"],
  start: number,
  end: number,
  defaultCountry: string | undefined,
): Signature {
  const sig: Signature = {
    start,
    end,
    marker,
    name: null,
    title: null,
    organization: null,
    phones: [],
    emails: [],
    urls: [],
    address: null,
  };
  let k = 0;
  const head = block[0]!;
  if (NAME_LINE.test(head.text) && !COMPANY_SUFFIX.test(head.text)) {
    sig.name = { ...span(head), singleWord: !/\s/.test(head.text) };
    k = 1;
  }
  for (; k < block.length; k++) {
    const line = block[k]!;
    const text = line.text;
    const emails = findEmails(text);
    const urls = findUrls(text);
    if (emails.length > 0 || urls.length > 0) {
      for (const e of emails)
        sig.emails.push({ value: e.value, start: line.start + e.start, end: line.start + e.end });
      for (const u of urls)
        sig.urls.push({ value: u.value, start: line.start + u.start, end: line.start + u.end });
      continue;
    }
    if (STREET_LINE.test(text)) {
      const next = block[k + 1];
      if (next !== undefined && LOCALITY_LINE.test(next.text)) {
        sig.address = {
          value: `${text}, ${next.text}`,
          start: line.start,
          end: next.start + next.text.length,
        };
        k++;
        continue;
      }
    }
    const phones = findPhones(text, defaultCountry);
    if (phones.length > 0 && /\d{3}/.test(text)) {
      const prefix = PHONE_PREFIX.exec(text)?.[1]?.toLowerCase();
      const label =
        prefix === undefined
          ? undefined
          : ["mobile", "mob", "m", "cell", "c"].includes(prefix)
            ? "mobile"
            : ["fax", "f"].includes(prefix)
              ? "fax"
              : "work";
      for (const p of phones) {
        sig.phones.push({
          value: p.value,
          start: line.start + p.start,
          end: line.start + p.end,
          valid: p.valid === true,
          ...(label ? { label } : {}),
        });
      }
      continue;
    }
    if (/\d/.test(text)) continue;
    // "Title | Company", "Title, Company", "Title at Company"
    const split = /\s+(?:\||·|–|—|-|at|@)\s+|,\s+/.exec(text);
    if (split && sig.title === null && sig.organization === null) {
      sig.title = span(line, 0, split.index);
      sig.organization = span(line, split.index + split[0].length);
      continue;
    }
    if (COMPANY_SUFFIX.test(text) || (sig.title !== null && sig.organization === null)) {
      if (sig.organization === null) sig.organization = span(line);
      continue;
    }
    if (sig.title === null && sig.name !== null) sig.title = span(line);
  }
  return sig;
}
