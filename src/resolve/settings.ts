import { z } from "zod";
import { comparisonSpec } from "./comparison.js";

/**
 * How a resolution run is configured: the comparisons that score a pair, the blocking rules that choose
 * which pairs are scored, the rules training learns from, the deterministic rules that match whatever
 * the score, and the threshold and clustering guards. Written as JSON (docs/resolve.md); the defaults
 * below suit person records.
 */

export const blockingRuleSpec = z.object({
  name: z.string().min(1),
  /** A conjunction of key terms: `familyPhonetic & year(dateOfBirth)`. */
  expression: z.string().min(1),
});
export type BlockingRuleSpec = z.infer<typeof blockingRuleSpec>;

export const resolveSettings = z.object({
  /** dedupe: find duplicates among all records; link: only across sources; linkAndDedupe: both. */
  mode: z.enum(["dedupe", "link", "linkAndDedupe"]).default("dedupe"),
  comparisons: z.array(comparisonSpec).min(1),
  blocking: z.array(blockingRuleSpec).min(1),
  training: z
    .object({
      /** Rules whose pairs EM learns m from; each leaves out the comparisons its own fields decide. */
      blocking: z.array(blockingRuleSpec).min(1).optional(),
      /** Random pairs drawn to estimate u. */
      uSamples: z.number().int().positive().default(300_000),
      /** Pairs per training rule, sampled when a rule yields more. */
      maxPairsPerRule: z.number().int().positive().default(300_000),
      seed: z.number().int().default(42),
    })
    .prefault({}),
  /** Pairs that share one of these keys are the same person whatever the score (a verified user id). */
  deterministic: z.array(blockingRuleSpec).default([]),
  /** Pairs at or above this match probability are linked. */
  threshold: z.number().min(0).max(1).default(0.9),
  clustering: z
    .object({
      maxClusterSize: z.number().int().positive().default(50),
      minDensity: z.number().min(0).max(1).optional(),
    })
    .prefault({}),
  /** A block larger than this stops the run with a message naming the rule and the block. */
  maxBlockSize: z.number().int().positive().default(10_000),
  splitLargeBlocks: z.boolean().default(false),
});
export type ResolveSettings = z.infer<typeof resolveSettings>;
export type ResolveSettingsInput = z.input<typeof resolveSettings>;

/**
 * A sound starting point for people: names, date of birth, contact points, postcode. Street and city are
 * left out on purpose: they agree whenever the postcode does, so counting them again would triple the
 * evidence of a shared address, which is what household members have. Training learns from rules that
 * do not group households (a household shares a family name and postcode, so that rule would teach the
 * model "household" instead of "person").
 */
export const personDefaults: ResolveSettingsInput = {
  mode: "dedupe",
  comparisons: [
    {
      name: "given name",
      termFrequency: true,
      levels: [
        { kind: "exact", feature: "given" },
        { kind: "nickname", feature: "given", label: "nickname or same formal name" },
        { kind: "jaroWinkler", feature: "given", threshold: 0.92 },
        { kind: "jaroWinkler", feature: "given", threshold: 0.8 },
        { kind: "damerauLevenshtein", feature: "given", maxDistance: 2 },
        { kind: "initial", feature: "given", label: "initial" },
        {
          kind: "swapped",
          feature: "given",
          other: "family",
          oneWay: true,
          label: "given and family swapped",
        },
      ],
      // Different given names at one address are two people of a household, however much else they share.
      neverLinkAt: ["else"],
    },
    {
      name: "family name",
      termFrequency: true,
      levels: [
        { kind: "exact", feature: "family" },
        { kind: "jaroWinkler", feature: "family", threshold: 0.92 },
        { kind: "exact", feature: "familyPhonetic", label: "sounds the same" },
        { kind: "jaroWinkler", feature: "family", threshold: 0.8 },
      ],
    },
    {
      name: "date of birth",
      levels: [
        { kind: "exact", feature: "dateOfBirth" },
        { kind: "dateTransposed", feature: "dateOfBirth" },
        { kind: "dateWithinYears", feature: "dateOfBirth", years: 1 },
        { kind: "dateWithinYears", feature: "dateOfBirth", years: 10 },
      ],
    },
    {
      name: "email",
      termFrequency: true,
      levels: [
        { kind: "exact", feature: "email" },
        { kind: "exact", feature: "emailLocal", label: "same mailbox name" },
      ],
    },
    {
      name: "phone",
      levels: [
        { kind: "exact", feature: "phone" },
        { kind: "exact", feature: "phoneLast7", label: "same last 7 digits" },
      ],
    },
    {
      name: "postcode",
      termFrequency: true,
      levels: [
        { kind: "exact", feature: "postcode" },
        { kind: "levenshtein", feature: "postcode", maxDistance: 1 },
      ],
    },
  ],
  // Exact keys, so that blocks stay small as data grows: at 1,000,000 people "family sound and birth year"
  // made 16.7 million pairs and "postcode and given initial" 11.3 million, where these make 91 thousand and
  // 2–4 million for the same recall (a typo in a birth date is caught by the contact-point rules).
  blocking: [
    { name: "family sound and birth date", expression: "familyPhonetic & dateOfBirth" },
    { name: "given sound and birth date", expression: "givenPhonetic & dateOfBirth" },
    { name: "email", expression: "email" },
    { name: "phone", expression: "phone" },
    { name: "postcode and family sound", expression: "postcode & familyPhonetic" },
    { name: "postcode and given sound", expression: "postcode & givenPhonetic" },
  ],
  training: {
    blocking: [
      { name: "same email", expression: "email" },
      { name: "same date of birth", expression: "dateOfBirth" },
      { name: "same given name and birth year", expression: "given & year(dateOfBirth)" },
    ],
  },
  threshold: 0.9,
};
