import { describe, expect, it } from "vitest";
import { Random } from "../../predict/random.js";
import { type LoggedRow, offPolicyEstimates, rateInterval } from "./off-policy.js";
import { actionProbabilities, decideArm, posteriors } from "./thompson.js";

// Five arms with known click rates, logged by a uniform policy; the evaluated policy plays arms 2–4 with
// probabilities 0.2, 0.3, 0.5, so its true value is 0.3·0.2 + 0.4·0.3 + 0.5·0.5 = 0.43.
const rates = [0.1, 0.2, 0.3, 0.4, 0.5];
const target = [0, 0, 0.2, 0.3, 0.5];
const truth = 0.43;

function log(n: number, rng: Random, model: (a: number) => number): LoggedRow[] {
  const rows: LoggedRow[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.int(5);
    let expected = 0;
    for (let b = 0; b < 5; b++) expected += (target[b] as number) * model(b);
    rows.push({
      target: target[a] as number,
      logging: 0.2,
      reward: rng.next() < (rates[a] as number) ? 1 : 0,
      predicted: model(a),
      expectedUnderTarget: expected,
    });
  }
  return rows;
}

describe("off-policy estimates on a bandit with known rates", () => {
  it("IPS is unbiased, and DR is unbiased even with a wrong reward model", () => {
    const rng = new Random(3);
    let ips = 0;
    let dr = 0;
    const reps = 300;
    for (let k = 0; k < reps; k++) {
      const e = offPolicyEstimates(
        log(1000, rng, () => 0.25),
        { bootstrap: 1 },
      );
      ips += e.find((x) => x.estimator === "IPS")?.value ?? 0;
      dr += e.find((x) => x.estimator === "DR")?.value ?? 0;
    }
    // The mean of 300 estimates has a standard error of about 0.0015.
    expect(Math.abs(ips / reps - truth)).toBeLessThan(0.006);
    expect(Math.abs(dr / reps - truth)).toBeLessThan(0.006);
  });

  it("gives intervals that cover the truth, narrower for DR with a good model", () => {
    const e = offPolicyEstimates(
      log(5000, new Random(9), (a) => rates[a] as number),
      { bootstrap: 300 },
    );
    for (const x of e) {
      expect(x.low).toBeLessThan(truth);
      expect(x.high).toBeGreaterThan(truth);
    }
    const width = (name: string) => {
      const x = e.find((y) => y.estimator === name);
      return (x?.high ?? 0) - (x?.low ?? 0);
    };
    expect(width("DR")).toBeLessThan(width("IPS"));
    expect(() => offPolicyEstimates([{ target: 0.5, logging: 0, reward: 1 }])).toThrow(/row 1/);
  });

  it("Wilson interval", () => {
    const r = rateInterval(69, 10_000);
    expect(r.value).toBe(0.0069);
    expect(r.low).toBeGreaterThan(0.0054);
    expect(r.high).toBeLessThan(0.0088);
  });
});

describe("Thompson sampling", () => {
  it("chooses the better channel more often the more evidence there is", () => {
    const few = actionProbabilities(
      posteriors([
        { arm: "email", successes: 2, trials: 10 },
        { arm: "sms", successes: 1, trials: 10 },
      ]),
    );
    const many = actionProbabilities(
      posteriors([
        { arm: "email", successes: 200, trials: 1000 },
        { arm: "sms", successes: 100, trials: 1000 },
      ]),
    );
    expect((few[0] as number) + (few[1] as number)).toBeCloseTo(1, 12);
    expect(few[0]).toBeGreaterThan(0.6);
    expect(few[0]).toBeLessThan(0.95);
    expect(many[0]).toBeGreaterThan(0.999);
    const d = decideArm(
      [
        { arm: "push", successes: 0, trials: 0 },
        { arm: "email", successes: 50, trials: 100 },
      ],
      { seed: 4 },
    );
    expect(d.arms.find((a) => a.arm === "push")?.mean).toBeCloseTo(0.5, 12);
    expect(() => posteriors([{ arm: "x", successes: 3, trials: 2 }])).toThrow(/x/);
  });
});
