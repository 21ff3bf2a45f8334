import { analyse } from "chardet";
import iconv from "iconv-lite";

/** What a strict UTF-8 check found in a sample. */
export interface Utf8Check {
  /** Valid sequences of two to four bytes (characters beyond ASCII). */
  multibyte: number;
  /** Bytes that are not part of any valid sequence. */
  invalid: number;
}

/**
 * Counts valid multi-byte sequences and invalid bytes (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF). A sequence cut off at the end of a `truncated` sample is not counted as invalid.
 */
export function checkUtf8(bytes: Uint8Array, truncated = true): Utf8Check {
  let multibyte = 0;
  let invalid = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else {
      invalid++;
      i++;
      continue;
    }
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) break;
    }
    if (k > need) {
      multibyte++;
      i += need + 1;
    } else if (i + k >= n && truncated) {
      break;
    } else {
      invalid++;
      i++;
    }
  }
  return { multibyte, invalid };
}

/** UTF-16 without a byte order mark shows as a zero in every other byte of ASCII-heavy text. */
function utf16WithoutBom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const pairs = Math.floor(Math.min(bytes.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenZeros++;
    if (bytes[2 * i + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return "utf-16le";
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return "utf-16be";
  return null;
}

const latin1Family = new Set(["ascii", "iso-8859-1", "windows-1252", "utf-8"]);

/**
 * The encoding of a file from its first bytes (about 64 KiB), as a name iconv-lite knows:
 * a byte order mark decides; then text that is UTF-8 (or mostly UTF-8, with a few stray bytes, which are
 * better reported row by row than turned into mojibake everywhere) is "utf-8"; otherwise chardet's guess
 * when it is confident, else "windows-1252", the usual single-byte encoding of Western spreadsheets and a
 * superset of Latin-1's printable characters.
 *
 * `truncated` says the sample is the beginning of a longer file, so a character cut at its end is fine.
 */
export function detectEncoding(sample: Uint8Array, truncated = true): string {
  const [b0, b1, b2, b3] = sample;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return "utf-8";
  if (b0 === 0xff && b1 === 0xfe) return b2 === 0 && b3 === 0 ? "utf-32le" : "utf-16le";
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return "utf-32be";
  if (b0 === 0xfe && b1 === 0xff) return "utf-16be";

  const utf16 = utf16WithoutBom(sample);
  if (utf16 !== null) return utf16;

  const utf8 = checkUtf8(sample, truncated);
  if (utf8.invalid === 0 || utf8.multibyte > utf8.invalid) return "utf-8";

  const best = analyse(sample)[0];
  if (best === undefined) return "windows-1252";
  const name = best.name.toLowerCase();
  if (latin1Family.has(name) || best.confidence < 50 || !iconv.encodingExists(name)) return "windows-1252";
  return name;
}

/** Whether iconv-lite can decode `encoding`. */
export function isKnownEncoding(encoding: string): boolean {
  return iconv.encodingExists(encoding);
}
