import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { type CsvProblem, CsvTokenizer } from "./csv-tokenizer.js";

interface Output {
  records: { fields: string[]; line: number }[];
  problems: CsvProblem[];
  /** Records and problems in the order they came, as short strings. */
  events: string[];
}

function tokenize(text: string, chunkSizes: number[] = [text.length || 1], options = {}): Output {
  const out: Output = { records: [], problems: [], events: [] };
  const tokenizer = new CsvTokenizer(
    { delimiter: ",", maxFieldChars: 1000, maxRecordChars: 4000, ...options },
    {
      record(fields, line) {
        out.records.push({ fields, line });
        out.events.push(`${line}:${fields.join("|")}`);
      },
      problem(problem) {
        out.problems.push(problem);
        out.events.push(`${problem.line}:!${problem.code}`);
      },
    },
  );
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length]!);
    tokenizer.push(text.slice(i, i + size));
    i += size;
  }
  tokenizer.end();
  return out;
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = ["a", "b", "Z", "7", "é", "ß", " ", ",", ";", '"', "\n", "\r\n", "'", "x y"];

/** A well-formed CSV text and the fields it holds, with random quoting, padding and line endings. */
function wellFormed(seed: number): { text: string; expected: string[][] } {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const width = 2 + Math.floor(next() * 4);
  const height = 1 + Math.floor(next() * 12);
  const eol = next() < 0.5 ? "\n" : "\r\n";
  const expected: string[][] = [];
  const lines: string[] = [];
  for (let r = 0; r < height; r++) {
    const row: string[] = [];
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      let value = "";
      const length = Math.floor(next() * 6);
      for (let k = 0; k < length; k++) value += pick(alphabet);
      const mustQuote = /[",\r\n]/.test(value) || value !== value.trim();
      const pad = () => (next() < 0.2 ? " " : "");
      if (mustQuote || next() < 0.2) {
        row.push(value);
        cells.push(`${pad()}"${value.replaceAll('"', '""')}"${pad()}`);
      } else {
        row.push(value.trim());
        cells.push(`${pad()}${value}${pad()}`);
      }
    }
    expected.push(row);
    lines.push(cells.join(","));
  }
  return { text: lines.join(eol) + (next() < 0.5 ? eol : ""), expected };
}

describe("CsvTokenizer on well-formed CSV", () => {
  it("agrees with the generated fields and with csv-parse, whatever the chunk sizes", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { text, expected } = wellFormed(seed);
      const reference = parse(text, {
        relax_quotes: true,
        relax_column_count: true,
        trim: true,
        skip_empty_lines: true,
      }) as string[][];
      for (const sizes of [[text.length], [1], [2, 3], [7, 1, 13]]) {
        const out = tokenize(text, sizes);
        expect(out.problems, `seed ${seed}`).toEqual([]);
        const fields = out.records.map((r) => r.fields);
        expect(fields, `seed ${seed}, chunks ${sizes}`).toEqual(expected);
        expect(fields, `seed ${seed} vs csv-parse`).toEqual(reference);
      }
    }
  });

  it("trims blanks around fields but not inside quotes, and reads FEBRL's comma-and-space style", () => {
    const out = tokenize('rec_id, given_name, surname\nrec-1, waller ,  "  de la cruz "\n');
    expect(out.records.map((r) => r.fields)).toEqual([
      ["rec_id", "given_name", "surname"],
      ["rec-1", "waller", "  de la cruz "],
    ]);
  });

  it("keeps tabs inside fields when the tab is the delimiter", () => {
    const out = tokenize("a\tb\n x \t\ty\n", undefined, { delimiter: "\t" });
    expect(out.records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["x", "", "y"],
    ]);
  });

  it("skips blank lines and counts physical lines, across \\n, \\r\\n, \\r and quoted line breaks", () => {
    const text = 'a,b\r\n\r\n1,"x\ny"\n   \n2,3\r4,5';
    for (const sizes of [[text.length], [1], [3]]) {
      expect(tokenize(text, sizes).events).toEqual(["1:a|b", "3:1|x\ny", "6:2|3", "7:4|5"]);
    }
  });

  it("keeps a field with stray text after its closing quote as it stands", () => {
    const out = tokenize('a,b\n1,"John "Jack" Smith"\n2,"abc" x\n');
    expect(out.records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["1", '"John "Jack" Smith"'],
      ["2", '"abc" x'],
    ]);
  });

  it("gives the raw text of the record being handed over", () => {
    const raws: string[] = [];
    const tokenizer: CsvTokenizer = new CsvTokenizer(
      { delimiter: ",", maxFieldChars: 100, maxRecordChars: 400 },
      { record: () => raws.push(tokenizer.currentRaw()), problem: () => {} },
    );
    tokenizer.push('a,b\r\n1, "x,\ny"\n');
    tokenizer.end();
    expect(raws).toEqual(["a,b", '1, "x,\ny"']);
  });
});

describe("CsvTokenizer recovery", () => {
  const chunkings = [[100000], [1], [5], [64]];

  it("skips a field over the limit to the end of its record, quoted or not, and reads on", () => {
    const big = "x".repeat(5000);
    const text = `a,b\n1,2\n3,"${big}\n""still, quoted"""\n5,6\n7,${big}\n8,9\n`;
    for (const sizes of chunkings) {
      const out = tokenize(text, sizes);
      expect(out.events, `chunks ${sizes}`).toEqual([
        "1:a|b",
        "2:1|2",
        "3:!csv_field_too_large",
        "5:5|6",
        "6:!csv_field_too_large",
        "7:8|9",
      ]);
      expect(out.problems[0]!.fieldIndex).toBe(1);
      expect(out.problems[0]!.raw.startsWith('3,"xxx')).toBe(true);
    }
  });

  it("skips a record over the record limit even when every field is small", () => {
    const wide = Array.from({ length: 600 }, () => "abcdefghij").join(",");
    const out = tokenize(`a,b\n${wide}\n1,2\n`, [50]);
    expect(out.events).toEqual(["1:a|b", "2:!csv_record_too_large", "3:1|2"]);
  });

  it("keeps at most 64 KiB of an oversized record", () => {
    const out = tokenize(`a\n${"y".repeat(200_000)}\nb\n`, [4096], { maxFieldChars: 100_000 });
    expect(out.problems[0]!.raw.length).toBe(64 * 1024);
    expect(out.events.at(-1)).toBe("3:b");
  });

  it("reports a quote left open at the end of the file and reads the lines it swallowed", () => {
    const text = 'a,b\n1,2\n3,"abc\n5,6\n7,8\n';
    for (const sizes of chunkings) {
      const out = tokenize(text, sizes);
      expect(out.events, `chunks ${sizes}`).toEqual([
        "1:a|b",
        "2:1|2",
        "3:!csv_unclosed_quote",
        "4:5|6",
        "5:7|8",
      ]);
      expect(out.problems[0]!.raw).toBe('3,"abc');
      expect(out.problems[0]!.fieldIndex).toBe(1);
    }
  });

  it("reports a quote 'closed' by text on a later line as unclosed, and reads on from the next line", () => {
    const text = 'a,b\n1,"Smith, note\n2,"Jones",ok\n3,4\n';
    for (const sizes of chunkings) {
      expect(tokenize(text, sizes).events).toEqual([
        "1:a|b",
        "2:!csv_unclosed_quote",
        "3:2|Jones|ok",
        "4:3|4",
      ]);
    }
  });

  it("gives up on an open quote once it has grown past the limit, without waiting for the end", () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${i},v${i}`).join("\n");
    const text = `a,b\nx,"open\n${rows}\n`;
    const out = tokenize(text, [256], { maxFieldChars: 500 });
    expect(out.problems.map((p) => p.code)).toEqual(["csv_unclosed_quote"]);
    expect(out.records).toHaveLength(301);
    expect(out.records.at(-1)).toEqual({ fields: ["299", "v299"], line: 302 });
  });

  it("reports an unclosed quote on the last line without a line break", () => {
    expect(tokenize('a,b\n1,2\n3,"abc').events).toEqual(["1:a|b", "2:1|2", "3:!csv_unclosed_quote"]);
  });

  it("says when an oversized quoted field is still open at the end of the file", () => {
    const out = tokenize(`a,b\n1,2\n3,"${"z".repeat(3000)}`, [512]);
    expect(out.events).toEqual(["1:a|b", "2:1|2", "3:!csv_field_too_large"]);
    expect(out.problems[0]!.openAtEndOfFile).toBe(true);
  });
});
