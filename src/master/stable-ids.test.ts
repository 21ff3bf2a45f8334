import { describe, expect, it } from "vitest";
import { type AliasEntity, assignIds } from "./stable-ids.js";

const previous = (entities: Record<string, string[]>) =>
  new Map(Object.entries(entities).flatMap(([id, keys]) => keys.map((k) => [k, id] as [string, string])));
const seqs = (...ids: string[]) => new Map(ids.map((id) => [id, Number(id.slice(2))]));

describe("stable ids", () => {
  it("gives every cluster its previous id when nothing changed, in any cluster order", () => {
    const before = { "T-1": ["a/1", "b/1"], "T-2": ["a/2"] };
    const out = assignIds({
      clusters: [["a/2"], ["b/1", "a/1"]],
      previous: previous(before),
      seqOf: seqs("T-1", "T-2"),
    });
    expect(out.clusters).toEqual([
      { kind: "kept", id: "T-2", merged: [], split: false },
      { kind: "kept", id: "T-1", merged: [], split: false },
    ]);
    expect(out.deleted).toEqual([]);
  });

  it("keeps ids when new records join, and gives a new record alone a new id", () => {
    const out = assignIds({
      clusters: [["a/1", "b/1", "c/9"], ["c/8"]],
      previous: previous({ "T-1": ["a/1", "b/1"] }),
      seqOf: seqs("T-1"),
    });
    expect(out.clusters[0]).toMatchObject({ kind: "kept", id: "T-1", merged: [] });
    expect(out.clusters[1]).toEqual({ kind: "new", from: [] });
  });

  it("on a merge the oldest id survives, even when a younger entity holds more records", () => {
    const out = assignIds({
      clusters: [["a/1", "a/2", "a/3", "a/4"]],
      previous: previous({ "T-5": ["a/1"], "T-3": ["a/2", "a/3", "a/4"] }),
      seqOf: seqs("T-5", "T-3"),
    });
    expect(out.clusters).toEqual([{ kind: "kept", id: "T-3", merged: ["T-5"], split: false }]);
  });

  it("on a split the largest part keeps the id and the others need new ones", () => {
    const out = assignIds({
      clusters: [["a/1"], ["a/2", "a/3"]],
      previous: previous({ "T-1": ["a/1", "a/2", "a/3"] }),
      seqOf: seqs("T-1"),
    });
    expect(out.clusters).toEqual([
      { kind: "new", from: ["T-1"] },
      { kind: "kept", id: "T-1", merged: [], split: true },
    ]);
  });

  it("a split that undoes a merge gives the alias its id back, whatever the parts' sizes", () => {
    const aliases = new Map<string, AliasEntity[]>([
      ["T-1", [{ id: "T-2", seq: 2, survivor: "T-1", records: ["b/1", "b/2", "b/3"] }]],
    ]);
    const out = assignIds({
      clusters: [["a/1"], ["b/1", "b/2", "b/3"]],
      previous: previous({ "T-1": ["a/1", "b/1", "b/2", "b/3"] }),
      seqOf: seqs("T-1"),
      aliasesOf: aliases,
    });
    expect(out.clusters).toEqual([
      { kind: "kept", id: "T-1", merged: [], split: true },
      { kind: "revived", id: "T-2", from: ["T-1"] },
    ]);
    // The same records together again: the survivor keeps its id and the alias stays an alias.
    const whole = assignIds({
      clusters: [["a/1", "b/1", "b/2", "b/3"]],
      previous: previous({ "T-1": ["a/1", "b/1", "b/2", "b/3"] }),
      seqOf: seqs("T-1"),
      aliasesOf: aliases,
    });
    expect(whole.clusters).toEqual([{ kind: "kept", id: "T-1", merged: [], split: false }]);
  });

  it("deletes an entity none of whose records remain", () => {
    const out = assignIds({
      clusters: [["a/1"]],
      previous: previous({ "T-1": ["a/1"], "T-2": ["gone/1"] }),
      seqOf: seqs("T-1", "T-2"),
    });
    expect(out.deleted).toEqual(["T-2"]);
  });
});
