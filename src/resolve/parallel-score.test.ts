import { describe, expect, it } from "vitest";
import { standardizeRecord } from "../standardize/record.js";
import { buildRecordTable } from "./features.js";
import { scoreCandidatePairs, scoreShare } from "./parallel-score.js";
import { resolveInMemory, runFeatures } from "./resolve.js";
import { personDefaults } from "./settings.js";

const now = new Date("2026-01-01T00:00:00Z");

describe("scoring candidate pairs in threads", () => {
  it("scores every pair once, with the same weights as in this thread", async () => {
    const people = ["ann lee", "anne lee", "bo ng", "bo nguyen", "carl smith", "karl smith", "ann leigh"];
    const records = Array.from({ length: 60 }, (_, k) => {
      const [given, family] = (people[k % people.length] as string).split(" ");
      return {
        key: `s/${k}`,
        source: "s",
        standardized: standardizeRecord(
          {
            name: { given, family },
            emails: [{ address: `${given}${k % 5}@example.com` }],
            phones: [],
            addresses: [{ postcode: String(10000 + (k % 3)) }],
            dateOfBirth: `19${70 + (k % 9)}-0${1 + (k % 7)}-1${k % 4}`,
            identifiers: [],
            texts: [],
            extra: {},
          },
          { now },
        ).standardized,
      };
    });
    const settings = { ...personDefaults, training: { ...personDefaults.training, uSamples: 2_000 } };
    const { model } = resolveInMemory(records, settings);
    const table = buildRecordTable(records, runFeatures(settings, model));
    const job = {
      table,
      model,
      rules: [
        { name: "postcode", expression: "postcode" },
        { name: "email", expression: "email" },
      ],
      mode: "dedupe" as const,
      blocking: { maxBlockSize: 1000 },
    };
    const here = scoreShare(job);
    const threaded = await scoreCandidatePairs(job, 2, 0);
    const asMap = (s: typeof here) =>
      new Map(Array.from({ length: s.count }, (_, p) => [`${s.left[p]},${s.right[p]}`, s.value[p]]));
    expect(threaded.count).toBe(here.count);
    expect(here.count).toBeGreaterThan(100);
    expect(asMap(threaded)).toEqual(asMap(here));
  });
});
