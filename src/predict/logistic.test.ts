import { describe, expect, it } from "vitest";
import { encode, fitEncoder } from "./encode.js";
import { applySchema, type FeatureRow, frameFromRows, labelsFrom, schemaOf } from "./frame.js";
import { fitLogistic, predictLogistic, sigmoid } from "./logistic.js";
import { rocAuc } from "./metrics.js";
import { Random } from "./random.js";

/** Rows whose log-odds are 0.5 + 1.5·x − 1·z + (colour red: +1, blue: −1). */
function simulate(n: number, seed: number): { rows: FeatureRow[]; y: Uint8Array } {
  const rng = new Random(seed);
  const rows: FeatureRow[] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const z = rng.normal();
    const colour = ["red", "green", "blue"][rng.int(3)] as string;
    const logit = 0.5 + 1.5 * x - z + (colour === "red" ? 1 : colour === "blue" ? -1 : 0);
    y[i] = rng.next() < sigmoid(logit) ? 1 : 0;
    rows.push({ x, z, colour });
  }
  return { rows, y };
}

describe("frames", () => {
  it("infer numbers, booleans and categories, and read new rows with the same codes", () => {
    const frame = frameFromRows([
      { a: "1.5", b: "yes", c: "TRUE", d: "" },
      { a: "2", b: "no", c: "false", d: "x" },
    ]);
    expect(frame.columns.map((c) => c.kind)).toEqual(["numeric", "categorical", "numeric", "categorical"]);
    const again = applySchema(schemaOf(frame), [{ a: 3, b: "no", c: true, d: "never seen" }]);
    const b = again.columns[1];
    expect(b?.kind === "categorical" && b.levels[b.codes[0] as number]).toBe("no");
    const d = again.columns[3];
    expect(d?.kind === "categorical" && d.codes[0]).toBe(-1);
  });

  it("name the row and column of a value that is not a number, and of a target that is not a label", () => {
    const frame = frameFromRows([{ a: "1" }, { a: "2" }]);
    expect(() => applySchema(schemaOf(frame), [{ a: "1" }, { a: "lots" }])).toThrow(
      /row 2: column "a" holds "lots"/,
    );
    expect(() => labelsFrom([{ y: "yes" }, { y: "maybe" }], "y")).toThrow(/row 2.*"maybe".*--positive/);
    expect(Array.from(labelsFrom([{ y: "A" }, { y: "B" }], "y", "B"))).toEqual([0, 1]);
  });
});

describe("encoding", () => {
  it("standardises, log-transforms skewed counts, one-hots with other and missing levels", () => {
    const rows: FeatureRow[] = Array.from({ length: 200 }, (_, i) => ({
      spend: i < 190 ? i % 3 : 5000 + i,
      channel: i < 100 ? "web" : i < 195 ? "app" : "fax",
      age: i % 10 === 0 ? null : 20 + (i % 50),
    }));
    const frame = frameFromRows(rows);
    const encoder = fitEncoder(frame);
    expect([...encoder.features].sort()).toEqual(
      ["log1p(spend)", "age", "age missing", "channel=web", "channel=app", "channel=(other)"].sort(),
    );
    const X = encode(encoder, frame);
    const p = encoder.features.length;
    const col = (j: number) => Array.from({ length: 200 }, (_, i) => X[i * p + j] as number);
    const spend = col(encoder.features.indexOf("log1p(spend)"));
    expect(spend.reduce((s, v) => s + v, 0) / 200).toBeCloseTo(0, 10);
    expect(Math.sqrt(spend.reduce((s, v) => s + v * v, 0) / 200)).toBeCloseTo(1, 10);
    expect(col(encoder.features.indexOf("channel=(other)")).reduce((s, v) => s + v, 0)).toBe(5);
    expect(col(encoder.features.indexOf("age missing")).reduce((s, v) => s + v, 0)).toBe(20);
  });

  it("encodes a column constant in training as 0, whatever it holds later", () => {
    const frame = frameFromRows(
      Array.from({ length: 50 }, (_, i) => ({ tenure: 541.0000000001 * (1 + i * 1e-15), x: i })),
    );
    const encoder = fitEncoder(frame);
    const later = applySchema(schemaOf(frame), [{ tenure: 631, x: 3 }]);
    expect(encode(encoder, later)[encoder.features.indexOf("tenure")]).toBe(0);
  });
});

describe("logistic regression", () => {
  it("recovers the coefficients data were simulated from", () => {
    const { rows, y } = simulate(20_000, 1);
    const frame = frameFromRows(rows);
    const model = fitLogistic(frame, y, { lambda: 1e-6, skewForLog: Number.POSITIVE_INFINITY });
    expect(model.converged).toBe(true);
    const weight = (name: string) => model.weights[model.encoder.features.indexOf(name)] as number;
    const sd = (name: string) => {
      const c = model.encoder.columns.find((e) => e.column === name);
      return c?.kind === "numeric" ? c.sd : 1;
    };
    // Weights are per standard deviation: divide by it to get back to the simulated scale.
    expect(weight("x") / sd("x")).toBeCloseTo(1.5, 1);
    expect(weight("z") / sd("z")).toBeCloseTo(-1, 1);
    // One-hot levels are identified only up to a constant: their differences are the effects.
    expect(weight("colour=red") - weight("colour=green")).toBeCloseTo(1, 1);
    expect(weight("colour=blue") - weight("colour=green")).toBeCloseTo(-1, 1);
  });

  it("a larger penalty shrinks the weights, and the model ranks new rows", () => {
    const { rows, y } = simulate(3000, 2);
    const frame = frameFromRows(rows);
    const loose = fitLogistic(frame, y, { lambda: 1e-5 });
    const tight = fitLogistic(frame, y, { lambda: 1 });
    const norm = (w: number[]) => Math.hypot(...w);
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights) / 3);
    const test = simulate(3000, 3);
    const p = predictLogistic(loose, applySchema(schemaOf(frame), test.rows));
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    expect(rocAuc(p, test.y)).toBeGreaterThan(0.8);
  });
});
