import { type CountryCode, findNumbers, isSupportedCountry } from "libphonenumber-js/max";
import { hasDigits } from "./prose.js";

/**
 * Contact points in free text, each with its character span `[start, end)`: emails, phone numbers
 * (libphonenumber-js's own text search), URLs and social handles.
 */

export interface Found {
  value: string;
  start: number;
  end: number;
  /** The span's text when it differs from the value. */
  text?: string;
  /** What kind of value, when the finder knows more: a network for a handle, "possible" for a phone. */
  label?: string;
  valid?: boolean;
}

// Local part as RFC 5322 "atext" dots allowed inside; domain of labels with a letter TLD.
const EMAIL =
  /[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g;

export function findEmails(text: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(EMAIL)) {
    let start = m.index;
    let raw = m[0];
    // "mailto:" and leading quote-ish characters belong to the text around the address
    while (raw.length > 0 && "'`{|}".includes(raw[0]!)) {
      raw = raw.slice(1);
      start++;
    }
    out.push({
      value: raw.toLowerCase(),
      start,
      end: start + raw.length,
      ...(raw !== raw.toLowerCase() ? { text: raw } : {}),
    });
  }
  return out;
}

/**
 * Phone numbers found by libphonenumber-js: `valid` ones are real numbers for their country; the others are
 * possible lengths only. Numbers inside an email address or a URL are not phones.
 */
export function findPhones(text: string, defaultCountry?: string): Found[] {
  // No number is written with fewer than 7 digits ("+683 4002"); most texts have none, and findNumbers
  // costs tens of microseconds even then.
  if (!hasDigits(text, 5)) return [];
  const country =
    defaultCountry !== undefined && isSupportedCountry(defaultCountry)
      ? (defaultCountry as CountryCode)
      : undefined;
  const out: Found[] = [];
  const found = country
    ? findNumbers(text, { defaultCountry: country, v2: true })
    : findNumbers(text, { v2: true });
  for (const f of found) {
    out.push({
      value: f.number.number,
      start: f.startsAt,
      end: f.endsAt,
      text: text.slice(f.startsAt, f.endsAt),
      valid: f.number.isValid(),
    });
  }
  return out;
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]]+[^\s<>"'()[\].,;:!?]/gi;

export function findUrls(text: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    const raw = m[0];
    const value = raw.toLowerCase().startsWith("www.") ? `https://${raw}` : raw;
    out.push({ value, start: m.index, end: m.index + raw.length, ...(value !== raw ? { text: raw } : {}) });
  }
  return out;
}

/** Profile URLs of the networks we know, and the handle each holds. */
const PROFILE_URLS: [string, RegExp][] = [
  [
    "twitter",
    /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(?!home|share|intent|search|i\/)@?([A-Za-z0-9_]{1,15})\/?$/i,
  ],
  ["instagram", /^https?:\/\/(?:www\.)?instagram\.com\/(?!p\/|explore|reel)([A-Za-z0-9_.]{1,30})\/?$/i],
  ["tiktok", /^https?:\/\/(?:www\.)?tiktok\.com\/@([A-Za-z0-9_.]{2,24})\/?$/i],
  ["linkedin", /^https?:\/\/(?:[a-z]{2,3}\.)?linkedin\.com\/in\/([A-Za-z0-9-]{3,100})\/?$/i],
  [
    "facebook",
    /^https?:\/\/(?:www\.|m\.)?facebook\.com\/(?!pages|groups|events|sharer|profile\.php)([A-Za-z0-9.]{5,50})\/?$/i,
  ],
  ["github", /^https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9-]{1,39})\/?$/i],
  ["pinterest", /^https?:\/\/(?:www\.)?pinterest\.[a-z.]+\/([A-Za-z0-9_]{3,30})\/?$/i],
];

/** The network and handle a profile URL names, or null. */
export function profileOfUrl(url: string): { network: string; handle: string } | null {
  for (const [network, pattern] of PROFILE_URLS) {
    const m = pattern.exec(url);
    if (m) return { network, handle: m[1]!.toLowerCase() };
  }
  return null;
}

// An @handle not preceded by a word character (so not the middle of an email address).
const HANDLE = /(?<![\w.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.[A-Za-z]{2,})/g;

/**
 * Social handles: `@name` mentions (network unknown) and profile URLs (network known). A mention of the
 * text's own subject and of another account look the same, so mentions get a lower confidence than URLs
 * from the caller.
 */
export function findHandles(text: string, urls: readonly Found[] = findUrls(text)): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(HANDLE)) {
    out.push({
      value: m[1]!.toLowerCase(),
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      label: "mention",
    });
  }
  for (const u of urls) {
    const profile = profileOfUrl(u.value);
    if (profile)
      out.push({
        value: profile.handle,
        start: u.start,
        end: u.end,
        text: u.text ?? u.value,
        label: profile.network,
      });
  }
  return out;
}
