import { z } from "zod";
import { type Operator, operatorSchema, unaryOperators } from "./compare.js";

/**
 * Segment rules: a boolean tree (`all`, `any`, `not`) over leaves that read golden traits, enrichment,
 * computed traits, events, scores, households, quality, consent and other segments. `parseRule` checks a rule
 * as JSON and returns it typed, or the problems found, each with the path of the part at fault
 * (`all[1].event.atLeast: …`). See docs/audiences.md for the grammar.
 */

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | TraitRule
  | ComputedRule
  | EventRule
  | ScoreRule
  | HouseholdRule
  | QualityRule
  | ConsentRule
  | SegmentRefRule;

export interface TraitRule {
  trait: string;
  op: Operator;
  value?: unknown;
}
export interface ComputedRule {
  /** A computed trait's name, optionally with a path into an object value (`rfm.score`). */
  computed: string;
  op: Operator;
  value?: unknown;
}
export interface PropertyFilter {
  property: string;
  op: Operator;
  value?: unknown;
}
export interface EventRule {
  event: string;
  /** true: did it at least `atLeast` times (default 1); false: did it fewer than `atLeast` times (default: never). */
  did: boolean;
  atLeast?: number;
  /** The last D UTC calendar days, today included; absent: ever. */
  withinDays?: number;
  where?: PropertyFilter[];
}
export interface ScoreRule {
  score: string;
  op: Operator;
  value?: unknown;
}
export interface HouseholdRule {
  household: { size?: { op: Operator; value?: unknown }; member?: boolean };
}
export interface QualityRule {
  /** `excluded`: kept out by the quality run; `fakeRisk` and `completeness`: compared with op and value. */
  quality: "excluded" | "fakeRisk" | "completeness";
  op?: Operator;
  value?: unknown;
}
export interface ConsentRule {
  consent: { purpose: string; channel?: string; state: "granted" | "denied" | "revoked" | "none" };
}
export interface SegmentRefRule {
  /** Member of another segment, by id. */
  segment: string;
}

export interface RuleIssue {
  path: string;
  message: string;
}

export class RuleError extends Error {
  override name = "RuleError";
  constructor(readonly issues: RuleIssue[]) {
    super(
      `the segment rule is not valid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`,
    );
  }
}

/** Golden traits by the names rules use, and where they are in the golden profile. */
export const goldenTraits: Record<string, string> = {
  name: "name.value.full",
  givenName: "name.value.given",
  familyName: "name.value.family",
  email: "emails.0.value",
  emails: "emails.value",
  phone: "phones.0.value",
  phones: "phones.value",
  birthDate: "dateOfBirth.value",
  dateOfBirth: "dateOfBirth.value",
  gender: "gender.value",
  address: "address.value.line",
  street: "address.value.street",
  city: "address.value.city",
  region: "address.value.region",
  postcode: "address.value.postcode",
  country: "address.value.country",
  identifiers: "identifiers.value",
  sources: "sources",
  records: "records",
};

/** Enrichment fields (entity_enrichment) by the names rules use: the field and a path into its value. */
export const enrichmentTraits: Record<string, { field: string; path?: string }> = {
  timeZone: { field: "place", path: "timeZone" },
  latitude: { field: "place", path: "latitude" },
  longitude: { field: "place", path: "longitude" },
  ageBand: { field: "ageBand" },
  tenureDays: { field: "tenure", path: "days" },
  tenureYears: { field: "tenure", path: "years" },
  preferredChannel: { field: "preferredChannel", path: "channel" },
  preferredDevice: { field: "preferredDevice", path: "device" },
};

const goldenRoots = new Set([
  "name",
  "dateOfBirth",
  "gender",
  "address",
  "emails",
  "phones",
  "identifiers",
  "records",
  "sources",
]);

export type TraitSource =
  | { kind: "golden"; path: string }
  | { kind: "enrichment"; field: string; path?: string };

/** Where a trait named in a rule is read from, or null when the name is unknown. */
export function traitSource(trait: string): TraitSource | null {
  const g = goldenTraits[trait];
  if (g) return { kind: "golden", path: g };
  const e = enrichmentTraits[trait];
  if (e) return { kind: "enrichment", ...e };
  if (trait.startsWith("enrichment.")) {
    const [, field, ...rest] = trait.split(".");
    if (field) return { kind: "enrichment", field, ...(rest.length > 0 ? { path: rest.join(".") } : {}) };
  }
  const root = trait.split(".")[0] ?? "";
  if (goldenRoots.has(root)) return { kind: "golden", path: trait };
  return null;
}

const name = z.string().trim().min(1, "must not be empty");
const days = z.number().int("must be a whole number of days").positive("must be at least 1 day").max(36_600);

const filter = z.strictObject({ property: name, op: operatorSchema, value: z.unknown().optional() });

const leafSchemas = {
  trait: z.strictObject({ trait: name, op: operatorSchema, value: z.unknown().optional() }),
  computed: z.strictObject({ computed: name, op: operatorSchema, value: z.unknown().optional() }),
  event: z.strictObject({
    event: name,
    did: z.boolean({ error: "must be true or false" }),
    atLeast: z.number().int("must be a whole number").min(1, "must be at least 1").optional(),
    withinDays: days.optional(),
    where: z.array(filter).optional(),
  }),
  score: z.strictObject({ score: name, op: operatorSchema, value: z.unknown().optional() }),
  household: z.strictObject({
    household: z.strictObject({
      size: z.strictObject({ op: operatorSchema, value: z.unknown().optional() }).optional(),
      member: z.boolean().optional(),
    }),
  }),
  quality: z.strictObject({
    quality: z.enum(["excluded", "fakeRisk", "completeness"]),
    op: operatorSchema.optional(),
    value: z.unknown().optional(),
  }),
  consent: z.strictObject({
    consent: z.strictObject({
      purpose: name,
      channel: name.optional(),
      state: z.enum(["granted", "denied", "revoked", "none"]),
    }),
  }),
  segment: z.strictObject({ segment: name }),
} as const;

const kinds = ["all", "any", "not", ...Object.keys(leafSchemas)];

function join(path: string, more: PropertyKey): string {
  if (typeof more === "number") return `${path}[${more}]`;
  return path ? `${path}.${String(more)}` : String(more);
}

function needValue(op: Operator | undefined, value: unknown, path: string, issues: RuleIssue[]): void {
  if (op && !unaryOperators.has(op) && value === undefined)
    issues.push({ path: join(path, "value"), message: `operator "${op}" needs a value` });
  if (op === "in" && value !== undefined && !Array.isArray(value))
    issues.push({ path: join(path, "value"), message: `operator "in" needs a list` });
}

function check(input: unknown, path: string, issues: RuleIssue[], depth: number): void {
  if (depth > 32) {
    issues.push({ path, message: "the rule is nested too deeply (at most 32 levels)" });
    return;
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    issues.push({ path, message: `a rule must be an object with one of: ${kinds.join(", ")}` });
    return;
  }
  const o = input as Record<string, unknown>;
  const found = kinds.filter((k) => k in o);
  if (found.length !== 1) {
    issues.push({
      path,
      message:
        found.length === 0
          ? `a rule must have one of: ${kinds.join(", ")} (found ${Object.keys(o).join(", ") || "nothing"})`
          : `a rule has exactly one kind; found ${found.join(" and ")}`,
    });
    return;
  }
  const kind = found[0] as string;
  if (kind === "all" || kind === "any") {
    const list = o[kind];
    if (Object.keys(o).length !== 1) issues.push({ path, message: `"${kind}" takes no other keys` });
    if (!Array.isArray(list) || list.length === 0) {
      issues.push({ path: join(path, kind), message: "must be a non-empty list of rules" });
      return;
    }
    for (const [i, r] of list.entries()) check(r, join(join(path, kind), i), issues, depth + 1);
    return;
  }
  if (kind === "not") {
    if (Object.keys(o).length !== 1) issues.push({ path, message: `"not" takes no other keys` });
    check(o.not, join(path, "not"), issues, depth + 1);
    return;
  }
  const parsed = leafSchemas[kind as keyof typeof leafSchemas].safeParse(o);
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      issues.push({
        path: i.path.reduce<string>((p, k) => join(p, k as PropertyKey), path),
        message: i.message,
      });
    return;
  }
  const leaf = parsed.data as Record<string, unknown>;
  if (kind === "trait" && traitSource(leaf.trait as string) === null)
    issues.push({
      path: join(path, "trait"),
      message: `unknown trait "${leaf.trait}" (known: ${[...Object.keys(goldenTraits), ...Object.keys(enrichmentTraits)].join(", ")}, or a path into the golden profile)`,
    });
  if (kind === "trait" || kind === "computed" || kind === "score" || kind === "quality")
    needValue(leaf.op as Operator | undefined, leaf.value, path, issues);
  if (kind === "quality" && leaf.quality !== "excluded" && !leaf.op)
    issues.push({ path: join(path, "op"), message: `"${leaf.quality}" is compared: give op and value` });
  if (kind === "event")
    for (const [i, f] of ((leaf.where as PropertyFilter[] | undefined) ?? []).entries())
      needValue(f.op, f.value, join(join(path, "where"), i), issues);
  if (kind === "household") {
    const h = leaf.household as HouseholdRule["household"];
    if (h.size) needValue(h.size.op, h.size.value, join(join(path, "household"), "size"), issues);
  }
}

/** Checks a rule given as JSON; throws a RuleError listing every problem with its path. */
export function parseRule(input: unknown): Rule {
  const issues = ruleIssues(input);
  if (issues.length > 0) throw new RuleError(issues);
  return input as Rule;
}

export function ruleIssues(input: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  check(input, "", issues, 0);
  return issues;
}

/** The leaves of a rule, depth first. */
export function leaves(rule: Rule): Exclude<Rule, { all: Rule[] } | { any: Rule[] } | { not: Rule }>[] {
  if ("all" in rule) return rule.all.flatMap(leaves);
  if ("any" in rule) return rule.any.flatMap(leaves);
  if ("not" in rule) return leaves(rule.not);
  return [rule];
}

/** A stable text key of a leaf, for sharing one loaded column between equal leaves. */
export function leafKey(leaf: Rule): string {
  return canonical(leaf);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** The segments a rule reads (to refuse cycles and to order evaluation). */
export function segmentsReferenced(rule: Rule): string[] {
  return leaves(rule).flatMap((l) => ("segment" in l ? [l.segment] : []));
}
