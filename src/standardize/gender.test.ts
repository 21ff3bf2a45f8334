import { describe, expect, it } from "vitest";
import type { StandardGender } from "../model/standardized.js";
import { standardizeGender } from "./gender.js";

describe("standardizeGender", () => {
  it.each<[string, StandardGender]>([
    ["m", "male"],
    ["M", "male"],
    ["M.", "male"],
    ["male", "male"],
    ["Male", "male"],
    [" MALE ", "male"],
    ["man", "male"],
    ["Mr", "male"],
    ["h", "male"],
    ["homme", "male"],
    ["Hombre", "male"],
    ["masculino", "male"],
    ["masculin", "male"],
    ["männlich", "male"],
    ["Mann", "male"],
    ["boy", "male"],
    ["f", "female"],
    ["F", "female"],
    ["female", "female"],
    ["Female", "female"],
    ["woman", "female"],
    ["w", "female"],
    ["weiblich", "female"],
    ["Frau", "female"],
    ["femme", "female"],
    ["Mujer", "female"],
    ["femenino", "female"],
    ["féminin", "female"],
    ["Mrs", "female"],
    ["Ms.", "female"],
    ["girl", "female"],
    ["vrouw", "female"],
    ["other", "other"],
    ["Other", "other"],
    ["non-binary", "other"],
    ["Non Binary", "other"],
    ["nonbinary", "other"],
    ["NB", "other"],
    ["x", "other"],
    ["X", "other"],
    ["diverse", "other"],
    ["divers", "other"],
    ["d", "other"],
    ["genderqueer", "other"],
    ["agender", "other"],
    ["intersex", "other"],
  ])("%j → %s", (s, expected) => {
    const { value, issues } = standardizeGender(s);
    expect(value).toBe(expected);
    expect(issues).toEqual([]);
  });

  it.each([
    "",
    "   ",
    "u",
    "U",
    "unknown",
    "Unknown",
    "n/a",
    "N/A",
    "not specified",
    "prefer not to say",
    "null",
    "-",
    "?",
  ])("%j → null quietly", (s) => {
    expect(standardizeGender(s)).toEqual({ value: null, issues: [] });
  });

  it.each(["banana", "0", "1", "2", "9", "mf", "yes", "😀", "x".repeat(10_000)])(
    "%j → null with an issue",
    (s) => {
      const { value, issues } = standardizeGender(s, "gender");
      expect(value).toBeNull();
      expect(issues.map((i) => [i.code, i.field])).toEqual([["gender_unreadable", "gender"]]);
    },
  );

  it.each([null, undefined, 1, {}])("never throws on %j", (s) => {
    expect(() => standardizeGender(s as string)).not.toThrow();
    expect(standardizeGender(s as string).value).toBeNull();
  });
});
