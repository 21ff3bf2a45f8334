import { describe, expect, it } from "vitest";
import { matchRecordOf } from "../../model/match-record.js";
import { emptyAttributes, type RecordAttributes } from "../../model/source-record.js";
import { buildRecordTable, type RecordToResolve, withoutValues } from "../../resolve/features.js";
import type { ListFeature, TextFeature } from "../../resolve/record-table.js";
import { resolveInMemory } from "../../resolve/resolve.js";
import { standardizeRecord } from "../../standardize/record.js";
import { exclusionsOf } from "./generic-values.js";

function person(key: string, attrs: Partial<RecordAttributes>): RecordToResolve {
  const { standardized } = standardizeRecord({ ...emptyAttributes(), ...attrs }, { defaultCountry: "US" });
  return { key, source: key.split("/")[0] as string, standardized: matchRecordOf(standardized) };
}

const callCentre = "+12127365000";

describe("generic values are left out of matching", () => {
  it("makes an excluded value missing, in text and list features, with frequencies counted again", () => {
    const records = [
      person("crm/1", {
        emails: [{ address: "a@x.com" }, { address: "info@shop.com" }],
        addresses: [{ postcode: "62704" }],
      }),
      person("crm/2", { emails: [{ address: "info@shop.com" }], addresses: [{ postcode: "62704" }] }),
      person("crm/3", { emails: [{ address: "b@x.com" }], addresses: [{ postcode: "10001" }] }),
    ];
    const table = buildRecordTable(records, ["email", "postcode"]);
    const out = withoutValues(
      table,
      exclusionsOf([
        { feature: "email", value: "info@shop.com" },
        { feature: "postcode", value: "62704" },
        { feature: "nonexistent", value: "x" },
      ]),
    );
    const email = out.features.get("email") as ListFeature;
    const listed = (r: number) =>
      Array.from(email.codes.subarray(email.offsets[r], email.offsets[r + 1]), (c) => email.dictionary[c]);
    expect([listed(0), listed(1), listed(2)]).toEqual([["a@x.com"], [], ["b@x.com"]]);
    const postcode = out.features.get("postcode") as TextFeature;
    expect(Array.from(postcode.codes, (c) => (c < 0 ? null : postcode.dictionary[c]))).toEqual([
      null,
      null,
      "10001",
    ]);
    expect(postcode.frequency[postcode.dictionary.indexOf("10001")]).toBe(1);
    // The table given is left as it was.
    expect((table.features.get("postcode") as TextFeature).codes[0]).toBeGreaterThanOrEqual(0);
    expect(withoutValues(table, {})).toBe(table);
  });

  it("stops a shared call-centre number from joining different people", () => {
    const records: RecordToResolve[] = [];
    const given = ["ann", "bob", "cara", "dev", "eve", "finn", "gus", "hana", "ivo", "jo"];
    for (let k = 0; k < 40; k++) {
      const name = { given: given[k % 10] as string, family: `family${Math.floor(k / 2)}` };
      // Pairs of records of one person share an email; every record gives the call centre's number.
      records.push(
        person(`crm/${k}`, {
          name,
          emails: [{ address: `p${Math.floor(k / 2)}@mail.com` }],
          phones: [{ number: callCentre }],
          dateOfBirth: `19${50 + (k % 40)}-01-0${1 + (k % 9)}`,
        }),
      );
    }
    const settings = {
      comparisons: [
        { name: "phone", levels: [{ kind: "exact" as const, feature: "phone" }] },
        { name: "family", levels: [{ kind: "exact" as const, feature: "family" }] },
        { name: "email", levels: [{ kind: "exact" as const, feature: "email" }] },
      ],
      blocking: [
        { name: "phone", expression: "phone" },
        { name: "email", expression: "email" },
      ],
      training: {
        blocking: [
          { name: "email", expression: "email" },
          { name: "family", expression: "family" },
        ],
      },
      maxBlockSize: 1000,
    };
    const excluded = resolveInMemory(records, settings, { excludedValues: { phone: [callCentre] } });
    expect(excluded.plan.totalPairs).toBe(20);
    expect(excluded.clustering.clusters).toBe(20);
  });
});
