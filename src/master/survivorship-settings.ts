import { z } from "zod";

/**
 * Which value survives into the golden profile, per attribute. Single-valued attributes (name, date of
 * birth, gender, address) choose one value by a rule; multi-valued ones (emails, phones, identifiers) are
 * always the union of every record's values, each with where and when it was seen.
 */

export const survivorshipRule = z.discriminatedUnion("rule", [
  /** The value of the first source in `sources`; sources not listed come after, by trust. */
  z.object({ rule: z.literal("sourcePriority"), sources: z.array(z.string().min(1)).min(1) }),
  /**
   * The value of the most trusted record: its source's trust, halved every `halfLifeDays` that the record is
   * older than the entity's newest record (no decay when absent).
   */
  z.object({ rule: z.literal("trust"), halfLifeDays: z.number().positive().optional() }),
  /** The value of the most recently observed record. */
  z.object({ rule: z.literal("mostRecent") }),
  /** The value held by most records. */
  z.object({ rule: z.literal("mostFrequent") }),
  /** The value with most parts filled in (a full date over a year alone, a name with its middle name). */
  z.object({ rule: z.literal("mostComplete") }),
  /** The first value ever observed: once set it does not change while its record stays linked. */
  z.object({ rule: z.literal("nonEmpty") }),
]);
export type SurvivorshipRule = z.infer<typeof survivorshipRule>;
export type RuleName = SurvivorshipRule["rule"] | "union";

export const survivorshipSettings = z.object({
  name: survivorshipRule.default({ rule: "mostComplete" }),
  dateOfBirth: survivorshipRule.default({ rule: "mostFrequent" }),
  gender: survivorshipRule.default({ rule: "mostFrequent" }),
  address: survivorshipRule.default({ rule: "mostRecent" }),
});
export type SurvivorshipSettings = z.infer<typeof survivorshipSettings>;
export type SurvivorshipSettingsInput = z.input<typeof survivorshipSettings>;

export const singleValued = ["name", "dateOfBirth", "gender", "address"] as const;
export type SingleValuedAttribute = (typeof singleValued)[number];

export const defaultSurvivorship: SurvivorshipSettings = survivorshipSettings.parse({});
