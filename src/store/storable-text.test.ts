import { describe, expect, it } from "vitest";
import { storableJson, withoutNul } from "./storable-text.js";

describe("text both engines store alike", () => {
  it("replaces a NUL and half a surrogate pair in JSON, and keeps whole pairs", () => {
    const json = JSON.stringify({ a: "x\u0000y", b: "Thi \udfc3\ud83c", c: "ok 😀" });
    const out = JSON.parse(storableJson(json)) as { a: string; b: string; c: string };
    expect(out.a).toBe("x\u2400y");
    expect(out.b).toBe("Thi \ufffd\ufffd");
    expect(out.c).toBe("ok 😀");
  });

  it("shows a NUL in raw text as its symbol", () => {
    expect(withoutNul("a\u0000b")).toBe("a\u2400b");
    expect(withoutNul("plain")).toBe("plain");
  });
});
