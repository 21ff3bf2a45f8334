import { describe, expect, it } from "vitest";
import { frameFromRows } from "../../predict/frame.js";
import { Random } from "../../predict/random.js";
import { evaluateUplift } from "./curves.js";
import { fitUplift, predictUplift } from "./models.js";

describe("Qini and uplift curves", () => {
  it("match a four-row example worked by hand", () => {
    // Sorted by score: treated responder, control non-responder, treated non-responder, control responder.
    // Q after each row: 1, 1, 1, 1 − 1·2/2 = 0; area 0.75 above the random line, which ends at 0.
    const e = evaluateUplift([4, 3, 2, 1], [1, 0, 1, 0], [1, 0, 0, 1], 4);
    expect(e.points.map((p) => p.qini)).toEqual([0, 1, 1, 1, 0]);
    expect(e.qiniArea).toBeCloseTo(0.75, 12);
    expect(e.qini).toBeCloseTo(1, 12); // this order is also the perfect one
    expect(e.ate).toBe(0);
    // Reversed, the ranking is worse than random.
    expect(evaluateUplift([1, 2, 3, 4], [1, 0, 1, 0], [1, 0, 0, 1]).qini).toBeLessThan(0);
  });

  it("treats tied scores as one step", () => {
    const e = evaluateUplift([1, 1, 1, 1], [1, 0, 1, 0], [1, 0, 0, 1], 4);
    // All tied: the curve is the random line, whatever the row order.
    expect(e.qiniArea).toBeCloseTo(0, 12);
  });
});

describe("uplift models on a synthetic experiment with known uplift", () => {
  // Outcome rate 10 %; a message adds 20 points for people with x = 1 and nothing for x = 0; z is noise.
  const rng = new Random(7);
  const n = 20_000;
  const rows: { x: number; z: number; region: string }[] = [];
  const treated = new Uint8Array(n);
  const outcome = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.next() < 0.5 ? 1 : 0;
    const t = rng.next() < 0.5 ? 1 : 0;
    const p = 0.1 + (t && x ? 0.2 : 0);
    treated[i] = t;
    outcome[i] = rng.next() < p ? 1 : 0;
    rows.push({ x, z: rng.normal(), region: rng.next() < 0.5 ? "north" : "south" });
  }
  const frame = frameFromRows(rows);

  for (const method of ["two_model", "class_transformation"] as const)
    for (const learner of ["logistic", "gbdt"] as const)
      it(`${method} with ${learner} finds who gains`, () => {
        const model = fitUplift(method, frame, treated, outcome, { learner, rounds: 40 });
        const u = predictUplift(model, frame);
        let on = 0;
        let off = 0;
        for (let i = 0; i < n; i++) {
          if (rows[i]?.x) on += u[i] as number;
          else off += u[i] as number;
        }
        expect(on / (n / 2)).toBeGreaterThan(0.12);
        expect(Math.abs(off / (n / 2))).toBeLessThan(0.06);
        const e = evaluateUplift(u, treated, outcome);
        // The top half by predicted uplift is the x = 1 half: its uplift is about 0.2.
        expect(e.upliftAt.find((a) => a.fraction === 0.5)?.uplift).toBeGreaterThan(0.15);
        expect(e.qini).toBeGreaterThan(0.1);
        expect(e.ate).toBeCloseTo(0.1, 1);
      });
});
