import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectDelimiter, fieldCounts } from "./detect-delimiter.js";

const febrl = "/work/shared/datasets/febrl/dataset3.csv";

describe("detectDelimiter", () => {
  it("finds each candidate", () => {
    expect(detectDelimiter("a,b,c\n1,2,3\n4,5,6\n", false)).toBe(",");
    expect(detectDelimiter("a;b;c\n1;2;3\n4;5;6\n", false)).toBe(";");
    expect(detectDelimiter("a\tb\tc\n1\t2\t3\n4\t5\t6\n", false)).toBe("\t");
    expect(detectDelimiter("a|b|c\n1|2|3\n4|5|6\n", false)).toBe("|");
  });

  it("prefers semicolons over the decimal commas between them", () => {
    expect(detectDelimiter("name;amount;rate\nann;1,5;2,25\nbob;3,0;0,5\ncy;7;1\n", false)).toBe(";");
  });

  it("ignores delimiters and line breaks inside quotes", () => {
    const text = 'name,note,city\n"Smith; John","a;b\nc;d",Paris\n"Doe; Jane","x;y",Lyon\n';
    expect(detectDelimiter(text, false)).toBe(",");
    expect(fieldCounts(text, ",", false)).toEqual([3, 3, 3]);
  });

  it("prefers tabs when commas only appear inside some values", () => {
    expect(detectDelimiter("name\tcity\nSmith, John\tParis\nDoe\tLyon, France\nLee\tRome\n", false)).toBe(
      "\t",
    );
  });

  it("leaves out a last line that a truncated sample may have cut", () => {
    expect(fieldCounts("a,b,c\n1,2,3\n4,5", ",", true)).toEqual([3, 3]);
    expect(fieldCounts("a,b,c\n1,2,3\n4,5", ",", false)).toEqual([3, 3, 2]);
  });

  it("falls back to a comma for a single column", () => {
    expect(detectDelimiter("email\nann@example.com\nbob@example.com\n", false)).toBe(",");
    expect(detectDelimiter("", false)).toBe(",");
  });

  // The FEBRL data set ships with the project's shared data; skipped where it is absent.
  it.skipIf(!existsSync(febrl))("finds the comma in FEBRL's comma-and-space files", () => {
    expect(detectDelimiter(readFileSync(febrl, "utf8").slice(0, 65536))).toBe(",");
  });
});
