import { describe, expect, it } from "vitest";
import { effectiveConstraints, enforceDecisions, type LinkPairs } from "./decisions.js";
import { reviewCandidates } from "./review-queue.js";

function pairs(list: [number, number, number][]): LinkPairs {
  return {
    left: Int32Array.from(list.map((p) => p[0])),
    right: Int32Array.from(list.map((p) => p[1])),
    probability: Float64Array.from(list.map((p) => p[2])),
    count: list.length,
  };
}

describe("steward decisions", () => {
  it("keeps the latest decision per pair, in either order of its records", () => {
    const c = effectiveConstraints([
      { kind: "match", left: "a/1", right: "b/1" },
      { kind: "not-a-match", left: "c/1", right: "d/1" },
      { kind: "not-a-match", left: "b/1", right: "a/1" },
    ]);
    expect(c).toEqual({
      cannotLink: [
        ["c/1", "d/1"],
        ["a/1", "b/1"],
      ],
      mustLink: [],
    });
  });

  it("breaks a cluster at its weakest link to keep a cannot-linked pair apart", () => {
    // 0–1 strong, 1–2 weak, 2–3 strong: one cluster; "0 is not 3" cuts the weak bridge.
    const scored = pairs([
      [0, 1, 0.99],
      [1, 2, 0.91],
      [2, 3, 0.98],
    ]);
    const out = enforceDecisions(new Int32Array([0, 0, 0, 0]), scored, 0.9, [[0, 3]], []);
    expect(Array.from(out.clusterOf)).toEqual([0, 0, 1, 1]);
    expect(out.rebuilt).toBe(1);
  });

  it("unites must-linked clusters, unless a cannot-link forbids it", () => {
    const none = pairs([]);
    const united = enforceDecisions(new Int32Array([0, 1, 2]), none, 0.9, [], [[0, 2]]);
    expect(Array.from(united.clusterOf)).toEqual([0, 1, 0]);
    const refused = enforceDecisions(
      new Int32Array([0, 0, 1]),
      pairs([[0, 1, 0.95]]),
      0.9,
      [[1, 2]],
      [[0, 2]],
    );
    expect(Array.from(refused.clusterOf)).toEqual([0, 0, 1]);
    expect(refused.united).toBe(0);
  });

  it("queues uncertain pairs across entities once per pair of entities, biggest change first", () => {
    const clusterOf = new Int32Array([0, 0, 0, 1, 2, 3]);
    const scored = pairs([
      [0, 1, 0.99],
      [1, 2, 0.99],
      [2, 3, 0.6],
      [0, 3, 0.7],
      [4, 5, 0.5],
      [3, 4, 0.2],
    ]);
    const q = reviewCandidates(scored, clusterOf, { from: 0.5, to: 0.9 }, () => false);
    expect(q.candidates).toEqual([
      { left: 0, right: 3, probability: 0.7, impact: 4 },
      { left: 4, right: 5, probability: 0.5, impact: 2 },
    ]);
    const decided = reviewCandidates(scored, clusterOf, { from: 0.5, to: 0.9 }, (i, j) => i === 4 && j === 5);
    expect(decided.candidates.map((c) => c.left)).toEqual([0]);
  });
});
