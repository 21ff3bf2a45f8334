import { describe, expect, it } from "vitest";
import * as standardize from "./index.js";

const HOSTILE: unknown[] = [
  "",
  " ",
  "\u0000",
  "\uD800",
  "😀👍🏽🎉",
  "!!!???...",
  "x".repeat(10_000),
  "1".repeat(10_000),
  " ,".repeat(5_000),
  "@".repeat(500),
  "/".repeat(500),
  "null",
  "ＦＵＬＬ",
  "東京都",
  "Москва",
  null,
  undefined,
  42,
  {},
  [],
];

describe("the standardize module", () => {
  it("exports its public functions", () => {
    for (const name of [
      "fold",
      "foldKey",
      "foldLetters",
      "foldTokens",
      "phonetic",
      "nicknameRoots",
      "areNicknameEquivalent",
      "canonicalGivenName",
      "standardizeName",
      "standardizeEmail",
      "isLikelyEmail",
      "isDisposableEmailDomain",
      "standardizePhone",
      "standardizeAddress",
      "countryCode",
      "standardizeDate",
      "checkBirthDate",
      "standardizeGender",
      "standardizeIdentifier",
      "standardizeRecord",
    ]) {
      expect(typeof (standardize as Record<string, unknown>)[name]).toBe("function");
    }
  });

  it.each(HOSTILE.map((value, i) => [i, value]))("no function throws on hostile input #%i", (_i, value) => {
    const v = value as string;
    const calls: (() => unknown)[] = [
      () => standardize.fold(v),
      () => standardize.foldKey(v),
      () => standardize.foldLetters(v),
      () => standardize.foldTokens(v),
      () => standardize.phonetic(v),
      () => standardize.nicknameRoots(v),
      () => standardize.areNicknameEquivalent(v, v),
      () => standardize.canonicalGivenName(v),
      () => standardize.standardizeName({ full: v }),
      () => standardize.standardizeName({ given: v, family: v, title: v, suffix: v, middle: v }),
      () => standardize.standardizeEmail({ address: v, label: v }),
      () => standardize.isLikelyEmail(v),
      () => standardize.isDisposableEmailDomain(v),
      () => standardize.standardizePhone({ number: v, label: v }, v),
      () => standardize.standardizePhone({ number: v }, "AU"),
      () => standardize.standardizeAddress({ full: v, country: v }, v),
      () => standardize.standardizeAddress({ line1: v, line2: v, postcode: v, region: v, city: v }, "US"),
      () => standardize.countryCode(v),
      () => standardize.standardizeDate(v),
      () => standardize.standardizeDate(v, "MDY"),
      () => standardize.standardizeGender(v),
      () => standardize.standardizeIdentifier({ type: "social_handle", value: v, namespace: v }),
      () => standardize.standardizeIdentifier({ type: "ip_address", value: v }),
      () =>
        standardize.standardizeRecord(
          {
            name: { full: v },
            emails: [],
            phones: [],
            addresses: [],
            identifiers: [],
            texts: [],
            extra: {},
            dateOfBirth: v,
            gender: v,
          },
          {},
        ),
    ];
    for (const call of calls) expect(call).not.toThrow();
  });
});
