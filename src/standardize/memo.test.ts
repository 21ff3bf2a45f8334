import { describe, expect, it } from "vitest";
import { boundedMemo } from "./memo.js";

describe("boundedMemo", () => {
  it("computes once per key, returns a frozen shared result, and forgets everything when full", () => {
    let calls = 0;
    const square = boundedMemo(
      (n: number) => {
        calls++;
        return { n, square: n * n, parts: [n] };
      },
      (n) => String(n),
      3,
    );
    const a = square(2);
    expect(square(2)).toBe(a);
    expect(calls).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.parts)).toBe(true);
    square(3);
    square(4);
    expect(calls).toBe(3);
    square(5); // the memo was full: it starts again
    square(2);
    expect(calls).toBe(5);
    expect(square(2).square).toBe(4);
  });
});
