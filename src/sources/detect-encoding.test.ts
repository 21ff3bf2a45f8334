import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { checkUtf8, detectEncoding } from "./detect-encoding.js";

const text = "id,name,city\n1,José Müller,Málaga\n2,Ñandú Pérez,Zürich\n3,Renée,Besançon\n";

describe("detectEncoding", () => {
  it("follows a byte order mark", () => {
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe("utf-8");
    expect(detectEncoding(iconv.encode(text, "utf-16le", { addBOM: true }))).toBe("utf-16le");
    expect(detectEncoding(iconv.encode(text, "utf-16be", { addBOM: true }))).toBe("utf-16be");
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).toBe("utf-32le");
  });

  it("calls ASCII and valid UTF-8 utf-8", () => {
    expect(detectEncoding(Buffer.from("id,name\n1,ann\n"))).toBe("utf-8");
    expect(detectEncoding(Buffer.from(text))).toBe("utf-8");
    expect(detectEncoding(Buffer.alloc(0))).toBe("utf-8");
  });

  it("calls Latin-1 text with accents windows-1252", () => {
    expect(detectEncoding(iconv.encode(text, "latin1"))).toBe("windows-1252");
    expect(detectEncoding(iconv.encode("id;name\n1;José\n", "latin1"))).toBe("windows-1252");
  });

  it("keeps utf-8 for UTF-8 text with a few stray Latin-1 bytes, so only their rows are lost", () => {
    const mixed = Buffer.concat([Buffer.from(text), iconv.encode("4,Gérard,Genève\n", "latin1")]);
    expect(detectEncoding(mixed)).toBe("utf-8");
  });

  it("recognises UTF-16 without a byte order mark", () => {
    expect(detectEncoding(iconv.encode(text, "utf-16le"))).toBe("utf-16le");
    expect(detectEncoding(iconv.encode(text, "utf-16be"))).toBe("utf-16be");
  });

  it("does not hold a character cut at the end of a sample against UTF-8", () => {
    const cut = Buffer.from("name\nJosé").subarray(0, -1);
    expect(detectEncoding(cut, true)).toBe("utf-8");
    expect(checkUtf8(cut, false).invalid).toBe(1);
  });
});

describe("checkUtf8", () => {
  it("counts multi-byte sequences and rejects overlongs, surrogates and stray continuation bytes", () => {
    expect(checkUtf8(Buffer.from("é😀€"))).toEqual({ multibyte: 3, invalid: 0 });
    expect(checkUtf8(Buffer.from([0xc0, 0xaf]), false).invalid).toBeGreaterThan(0);
    expect(checkUtf8(Buffer.from([0xed, 0xa0, 0x80]), false).invalid).toBeGreaterThan(0);
    expect(checkUtf8(Buffer.from([0x41, 0x80, 0x42]), false)).toEqual({ multibyte: 0, invalid: 1 });
  });
});
