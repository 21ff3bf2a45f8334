/**
 * Text both engines store alike. PostgreSQL refuses a NUL character in text and, in jsonb, a NUL escape or
 * half of a surrogate pair; such characters (binary junk, a cut emoji in a broken export) are replaced the
 * same way on SQLite, so that a record reads back the same from either engine.
 */

/**
 * PostgreSQL text cannot hold a NUL character, which binary junk in a quarantined row may contain: it is
 * kept as U+2400 (␀), the symbol for it, on both engines alike.
 */
export function withoutNul(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\u2400") : text;
}

const loneSurrogate =
  /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/gi;

/**
 * JSON that PostgreSQL's jsonb accepts, the same on both engines: a NUL becomes ␀ (U+2400) and half of a
 * surrogate pair (a cut emoji, as broken exports have) becomes U+FFFD.
 */
export function storableJson(json: string): string {
  let out = json.includes("\\u0000") ? json.replaceAll("\\u0000", "\\u2400") : json;
  if (out.includes("\\ud")) out = out.replace(loneSurrogate, "\\ufffd");
  return out;
}
