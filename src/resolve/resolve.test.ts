import { describe, expect, it } from "vitest";
import type { RecordAttributes } from "../model/source-record.js";
import { standardizeRecord } from "../standardize/record.js";
import { BlockTooLargeError } from "./blocking.js";
import { compileComparison } from "./comparison.js";
import { pairwiseScores, truthFromLabels } from "./evaluate.js";
import type { RecordToResolve } from "./features.js";
import { explainPair } from "./model.js";
import { resolveInMemory } from "./resolve.js";
import { personDefaults, type ResolveSettingsInput } from "./settings.js";
import { seededRandom } from "./train.js";

const now = new Date("2026-01-01T00:00:00Z");

/** A small population with typos, nicknames and missing values, and its truth. */
function population(people: number, seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const given = [
    "robert",
    "elizabeth",
    "william",
    "margaret",
    "james",
    "katherine",
    "thomas",
    "susan",
    "david",
    "linda",
  ];
  const family = [
    "smith",
    "johnson",
    "zyskowski",
    "okafor",
    "nguyen",
    "garcia",
    "brown",
    "miller",
    "davis",
    "wilson",
  ];
  const nick: Record<string, string> = {
    robert: "bob",
    elizabeth: "liz",
    william: "bill",
    margaret: "peggy",
  };
  const typo = (s: string) => {
    const k = Math.floor(random() * s.length);
    return s.slice(0, k) + (s[k + 1] ?? "") + (s[k] ?? "") + s.slice(k + 2);
  };
  const records: RecordToResolve[] = [];
  const labels: string[] = [];
  for (let p = 0; p < people; p++) {
    const g = pick(given);
    const f = pick(family);
    const year = 1940 + Math.floor(random() * 60);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const email = `${g}.${f}${p}@example.com`;
    const copies = 1 + Math.floor(random() * 3);
    for (let c = 0; c < copies; c++) {
      const attributes: RecordAttributes = {
        name: {
          given: c > 0 && random() < 0.3 ? (nick[g] ?? typo(g)) : g,
          family: c > 0 && random() < 0.3 ? typo(f) : f,
        },
        emails: random() < 0.7 ? [{ address: email }] : [],
        phones: [],
        addresses: [{ postcode: String(10000 + ((p * 37) % 900)), city: "springfield" }],
        dateOfBirth: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
        identifiers: [],
        texts: [],
        extra: {},
      };
      records.push({
        key: `s/${p}-${c}`,
        source: "s",
        standardized: standardizeRecord(attributes, { defaultCountry: "US", now }).standardized,
      });
      labels.push(String(p));
    }
  }
  return { records, labels };
}

const settings: ResolveSettingsInput = {
  ...personDefaults,
  training: { ...personDefaults.training, uSamples: 100_000 },
};

describe("resolveInMemory", () => {
  it("finds the people of a generated population without labels", () => {
    const { records, labels } = population(400, 3);
    const result = resolveInMemory(records, settings);
    const scores = pairwiseScores(truthFromLabels(labels), result.clustering.clusterOf);
    expect(scores.truePairs).toBeGreaterThan(200);
    expect(scores.f1).toBeGreaterThan(0.95);
    expect(result.model.prior).toBeGreaterThan(0);
    expect(result.model.prior).toBeLessThan(0.01);
    expect(result.plan.rules.map((r) => r.name)).toEqual(personDefaults.blocking?.map((r) => r.name));
  });

  it("reuses a trained model: same clusters without training again", () => {
    const { records } = population(150, 4);
    const first = resolveInMemory(records, settings);
    const again = resolveInMemory(records, settings, { model: first.model });
    expect(again.seconds.train).toBeLessThan(first.seconds.train as number);
    expect([...again.clustering.clusterOf]).toEqual([...first.clustering.clusterOf]);
    // The model is plain data: it survives JSON.
    const reloaded = JSON.parse(JSON.stringify(first.model));
    expect([...resolveInMemory(records, settings, { model: reloaded }).clustering.clusterOf]).toEqual([
      ...first.clustering.clusterOf,
    ]);
  });

  it("explains a linked pair comparison by comparison", () => {
    const { records } = population(100, 5);
    const result = resolveInMemory(records, settings);
    const p = result.pairs.probability.findIndex((x) => x > 0.99);
    expect(p).toBeGreaterThanOrEqual(0);
    const compiled = result.model.specs.map((s) => compileComparison(s, result.table));
    const explanation = explainPair(
      result.model,
      compiled,
      result.pairs.left[p] as number,
      result.pairs.right[p] as number,
    );
    expect(explanation.comparisons.map((c) => c.comparison)).toEqual(result.model.specs.map((s) => s.name));
    expect(explanation.probability).toBeCloseTo(result.pairs.probability[p] as number, 9);
  });

  it("stops before scoring when a blocking rule makes a block too large, naming the rule", () => {
    const { records } = population(200, 6);
    const run = () =>
      resolveInMemory(records, {
        ...settings,
        blocking: [{ name: "everyone in one city", expression: "city" }],
        maxBlockSize: 50,
      });
    expect(run).toThrow(BlockTooLargeError);
    expect(run).toThrow(/everyone in one city/);
  });

  it("merges pairs that share a deterministic identifier whatever their score", () => {
    const base = { emails: [], phones: [], addresses: [], texts: [], extra: {} };
    const records: RecordToResolve[] = [
      { name: { given: "ann", family: "lee" }, identifiers: [{ type: "user_id" as const, value: "u1" }] },
      { name: { given: "zed", family: "quux" }, identifiers: [{ type: "user_id" as const, value: "u1" }] },
      { name: { given: "bo", family: "ng" }, identifiers: [] },
    ].map((a, i) => ({
      key: `s/${i}`,
      source: "s",
      standardized: standardizeRecord({ ...base, ...a }, { now }).standardized,
    }));
    const result = resolveInMemory(records, {
      ...settings,
      blocking: [{ name: "user", expression: "id:user_id" }],
      training: { blocking: [{ name: "user", expression: "id:user_id" }], uSamples: 1000 },
      deterministic: [{ name: "same user id", expression: "id:user_id" }],
    });
    expect(result.clustering.clusterOf[0]).toBe(result.clustering.clusterOf[1]);
    // The pair was both blocked and deterministic: clustering receives it once, as certain.
    const pairs = Array.from({ length: result.pairs.count }, (_, p) => [
      result.pairs.left[p],
      result.pairs.right[p],
    ]);
    expect(pairs.filter(([i, j]) => i === 0 && j === 1)).toHaveLength(1);
    expect(result.pairs.probability[0]).toBe(1);
    expect(result.clustering.clusterOf[2]).not.toBe(result.clustering.clusterOf[0]);
  });

  it("keeps the people of a household apart and honours a steward's cannot-link and must-link", () => {
    const { records } = population(150, 8);
    const home = {
      emails: [{ address: "the.okafors@example.com" }],
      phones: [{ number: "+1 415 555 0100" }],
      addresses: [{ line1: "12 Elm Street", postcode: "94110", city: "San Francisco" }],
      texts: [],
      extra: {},
    };
    const household = [
      { name: { given: "chidi", family: "okafor" }, dateOfBirth: "1971-05-02", identifiers: [] },
      { name: { given: "ngozi", family: "okafor" }, dateOfBirth: "1974-11-20", identifiers: [] },
      { name: { given: "chidi", family: "okafor" }, identifiers: [] },
      { name: { given: "ada", family: "okafor" }, identifiers: [] },
    ].map((a, i) => ({
      key: `home/${i}`,
      source: "home",
      standardized: standardizeRecord({ ...home, ...a }, { defaultCountry: "US", now }).standardized,
    }));
    const all = [...records, ...household];
    const at = (key: string) => all.findIndex((r) => r.key === key);
    const run = resolveInMemory(all, settings);
    const of = (key: string) => run.clustering.clusterOf[at(key)];
    expect(of("home/0")).toBe(of("home/2"));
    expect(of("home/0")).not.toBe(of("home/1"));
    expect(of("home/1")).not.toBe(of("home/3"));
    const compiled = run.model.specs.map((spec) => compileComparison(spec, run.table));
    const why = explainPair(run.model, compiled, at("home/0"), at("home/1"));
    expect(why.veto).toBe("given name: else");
    expect(why.probability).toBe(0);

    const decided = resolveInMemory(all, settings, {
      model: run.model,
      cannotLink: [["home/0", "home/2"]],
      mustLink: [["home/1", "s/3-0"]],
    });
    const d = (key: string) => decided.clustering.clusterOf[at(key)];
    expect(d("home/0")).not.toBe(d("home/2"));
    expect(d("home/1")).toBe(d("s/3-0"));
  });
});
