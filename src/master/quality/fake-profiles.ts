import { fold } from "../../standardize/fold.js";
import { birthDateProblem } from "./checks.js";
import { isPlaceholderEmail, judgeName } from "./names.js";
import { coordinatedAuthors, nearDuplicateGroups, type Post } from "./posts.js";
import type { FakeWeights, QualitySettings } from "./settings.js";
import type { Finding, QualityEntity, QualityRecord } from "./types.js";

/**
 * Fake, aspirational and astroturf profiles. Each reason found for a profile has a weight (its settings): the
 * profile's risk is the chance that at least one reason is right, 1 − Π(1 − weight), so that two weak reasons
 * make a stronger one and no number of them passes 1. Some reasons are the profile's own (a throwaway mailbox,
 * a keyboard-mash or famous name, an impossible birth date, a 555 number); others only show across profiles
 * (a burst of sign-ups from one IP address, one device used by many differently named people, many accounts
 * posting the same text at the same time), and are found first, over every profile at once.
 */

export type FakeReasonCode = keyof FakeWeights;

export interface FakeReason {
  code: FakeReasonCode;
  weight: number;
  message: string;
}

export interface FakeRisk {
  score: number;
  reasons: FakeReason[];
  likelyFake: boolean;
  excluded: boolean;
}

/** Reasons that only show across profiles, by entity id. */
export type GroupReasons = Map<string, FakeReason[]>;

const hasIdentity = (r: QualityRecord) =>
  r.standardized.emails.length > 0 ||
  !!r.standardized.name?.family ||
  !!r.standardized.name?.given ||
  !!r.rawName;

function add(map: GroupReasons, entity: string, reason: FakeReason): void {
  const list = map.get(entity);
  if (!list) map.set(entity, [reason]);
  else if (!list.some((r) => r.code === reason.code)) list.push(reason);
}

/** What one person uses and a farm shares: a device, an app install, an account. */
const SHARED_KINDS = new Set(["device_id", "anonymous_id", "user_id", "customer_id"]);

/** Finds bursts of sign-ups, shared devices and accounts, and coordinated posts across every entity. */
export function groupReasons(entities: QualityEntity[], settings: QualitySettings["fake"]): GroupReasons {
  const out: GroupReasons = new Map();
  const w = settings.weights;
  // Sign-up bursts: identified records of many profiles from one IP within minutes.
  const byIp = new Map<string, Post[]>();
  // Devices and app installs, with the names of the profiles that used them.
  const byDevice = new Map<string, Map<string, { given: string; family: string }>>();
  const posts: Post[] = [];
  for (const e of entities) {
    for (const r of e.records) {
      const at = Date.parse(r.observedAt);
      const name = r.standardized.name;
      for (const id of r.standardized.identifiers) {
        if (id.type === "ip_address" && hasIdentity(r)) {
          const list = byIp.get(id.value);
          const post = { author: e.id, text: "", at };
          if (list) list.push(post);
          else byIp.set(id.value, [post]);
        }
        if (SHARED_KINDS.has(id.type) && name?.given && name.family) {
          const key = `${id.type}:${id.value}`;
          let users = byDevice.get(key);
          if (!users) {
            users = new Map();
            byDevice.set(key, users);
          }
          users.set(e.id, { given: name.givenCanonical ?? name.given, family: name.family });
        }
      }
      for (const t of r.texts) {
        const when = t.at ? Date.parse(t.at) : at;
        posts.push({ author: e.id, text: t.text, at: when });
      }
    }
  }
  const windowMs = settings.burst.windowMinutes * 60_000;
  for (const [ip, list] of byIp) {
    if (new Set(list.map((p) => p.author)).size < settings.burst.minProfiles) continue;
    const all = list.map((_, i) => i);
    const burst = coordinatedAuthors(list, all, windowMs, settings.burst.minProfiles);
    for (const entity of burst)
      add(out, entity, {
        code: "signupBurst",
        weight: w.signupBurst,
        message: `one of ${burst.size} profiles signing up from ${ip} within ${settings.burst.windowMinutes} minutes`,
      });
  }
  for (const [device, users] of byDevice) {
    const people = new Set([...users.values()].map((u) => `${u.given}|${u.family}`));
    const families = new Set([...users.values()].map((u) => u.family));
    if (people.size < settings.sharedDevice.minPeople || families.size < settings.sharedDevice.minFamilies)
      continue;
    for (const entity of users.keys())
      add(out, entity, {
        code: "sharedDevice",
        weight: w.sharedDevice,
        message: `${device.replace(":", " ").replace("_", " ")} is used by ${people.size} differently named profiles (${families.size} family names)`,
      });
  }
  const p = settings.posts;
  for (const group of nearDuplicateGroups(posts, p.minWords, p.similarity)) {
    const authors = coordinatedAuthors(posts, group, p.windowHours * 3_600_000, p.minProfiles);
    for (const entity of authors)
      add(out, entity, {
        code: "nearIdenticalPosts",
        weight: w.nearIdenticalPosts,
        message: `posted near-identical text with ${authors.size - 1} other profiles within ${p.windowHours} hours: "${(posts[group[0] as number] as Post).text.slice(0, 80)}"`,
      });
  }
  return out;
}

/**
 * A date written to fill a form rather than remembered: one digit repeated (1111-11-11), or the first day of
 * a round century (1900-01-01, 1800-01-01).
 */
export function placeholderLooking(date: string | null): boolean {
  if (!date) return false;
  const digits = date.replace(/\D/g, "");
  if (digits.length >= 6 && new Set(digits).size === 1) return true;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(date);
  if (!m) return false;
  const [year, a, b] = m[1]?.length === 4 ? [m[1], m[2], m[3]] : [m[3], m[1], m[2]];
  return /00$/.test(year ?? "") && a === "01" && b === "01";
}

/** What spam accounts write. */
const SPAM =
  /(make|earn) \$\s?\d|\$\d+\s*\/\s*(week|day|hour)|\bcrypto\b|\bforex\b|trading signals|\bsignals\b.*🚀|giveaway|follow (for|4) follow|\bf4f\b|link in (my )?bio|click the link|\bdm me\b|work from home/i;

/** User agents of scripts, headless browsers and automation tools. */
const AUTOMATED =
  /headless|python-requests|python-urllib|curl\/|wget|phantomjs|selenium|puppeteer|playwright|scrapy|go-http-client|okhttp/i;

const PLACEHOLDER_POSTCODES = new Set(["00000", "11111", "99999", "12345", "90210"]);

/** The reasons one entity's own records give. */
export function ownReasons(e: QualityEntity, now: Date, settings: QualitySettings): FakeReason[] {
  const w = settings.fake.weights;
  const reasons: FakeReason[] = [];
  const push = (code: FakeReasonCode, message: string) => {
    if (w[code] > 0 && !reasons.some((r) => r.code === code))
      reasons.push({ code, weight: w[code], message });
  };
  const records = e.records;
  const issues = records.flatMap((r) => r.issues);

  // Emails.
  const emails = new Map<string, QualityRecord["standardized"]["emails"][number]>();
  for (const r of records) for (const m of r.standardized.emails) emails.set(m.canonical, m);
  const list = [...emails.values()];
  // A disposable domain that is a typing mistake for a real provider (gmai.com) is a typo, not a throwaway.
  const typo = new Set(
    records.flatMap((r) =>
      r.issues
        .filter((i) => i.code === "email_domain_typo")
        .map((i) => Number(/^emails\[(\d+)\]/.exec(i.field ?? "")?.[1] ?? -1))
        .map((k) => r.standardized.emails[k]?.canonical),
    ),
  );
  const disposable = list.filter((m) => m.disposable && !typo.has(m.canonical));
  if (list.length > 0 && disposable.length === list.length)
    push(
      "disposableEmail",
      `every email is at a disposable domain (${[...new Set(disposable.map((m) => m.domain))].join(", ")})`,
    );
  else if (disposable.length > 0)
    push("someDisposableEmail", `${disposable.length} of ${list.length} emails at a disposable domain`);
  const placeholder = list.find((m) => isPlaceholderEmail(m.local, m.domain));
  if (placeholder) push("placeholderEmail", `${placeholder.normalized} is a placeholder address`);

  // Names: the golden name, or what the records were given when none survived.
  const golden = e.profile?.name?.value;
  const names: { given: string | null; family: string | null }[] = golden
    ? [{ given: golden.given, family: golden.family }]
    : records.flatMap((r) => {
        if (r.standardized.name)
          return [{ given: r.standardized.name.given, family: r.standardized.name.family }];
        if (!r.rawName) return [];
        const parts = r.rawName.trim().split(/\s+/);
        return [{ given: parts[0] ?? null, family: parts.length > 1 ? parts.slice(1).join(" ") : null }];
      });
  for (const n of names) {
    const j = judgeName(n.given, n.family);
    const shown = [n.given, n.family].filter(Boolean).join(" ");
    if (j.celebrity) push("celebrityName", `"${shown}" is a famous, fictional or placeholder name`);
    if (j.parts > 1 && j.gibberishParts === j.parts)
      push("gibberishName", `"${shown}" looks like a keyboard mash, not a name`);
    else if (j.gibberishParts > 0) push("gibberishNamePart", `part of "${shown}" looks like a keyboard mash`);
    if (j.digits) push("digitsInName", `"${shown}" has digits in it`);
    for (const m of list) {
      const host = m.domain.split(".")[0] ?? "";
      if (
        n.given &&
        n.family &&
        m.local === fold(n.given).replaceAll(" ", "") &&
        host === fold(n.family).replaceAll(" ", "")
      )
        push("emailFromName", `${m.normalized} is the name typed again as an address`);
    }
  }
  if (!golden && issues.some((i) => i.code === "name_placeholder"))
    push("placeholderName", "the only names given are placeholders");

  // Birth dates: implausible when no record gives a plausible one.
  let plausible = false;
  let implausible: string | null = null;
  let placeholderDate: string | null = null;
  for (const r of records) {
    const d = r.standardized.dateOfBirth;
    if (d?.year) {
      const problem = birthDateProblem(d, now, settings);
      if (problem === null) plausible = true;
      else if (problem === "placeholder" || placeholderLooking(d.iso))
        placeholderDate ??= d.iso ?? String(d.year);
      else implausible ??= `${d.iso ?? d.year} (${problem.replace("_", " ")})`;
    } else {
      const i = r.issues.find(
        (x) => x.field === "dateOfBirth" && (x.code === "date_implausible" || x.code === "date_future"),
      );
      const raw = r.rawBirthDate ?? "";
      if (i && placeholderLooking(raw)) placeholderDate ??= raw;
      else if (i) implausible ??= i.message;
    }
  }
  if (placeholderDate && !plausible)
    push("placeholderBirthDate", `a placeholder date of birth: ${placeholderDate}`);
  else if (implausible && !plausible)
    push("implausibleBirthDate", `implausible date of birth: ${implausible}`);

  // Sign-ups sent by a script or a headless browser, not typed by a person.
  const agent = records
    .map((r) => r.extra.user_agent)
    .find((a): a is string => typeof a === "string" && AUTOMATED.test(a));
  if (agent) push("automatedAgent", `sent by a script or headless browser (${agent.slice(0, 40)})`);

  // Bios and posts that sell something: get-rich offers, crypto signals, follow-for-follow, "link in bio".
  const spam = records.flatMap((r) => r.texts).find((t) => SPAM.test(t.text));
  if (spam) push("spamText", `promotional spam in ${spam.field}: "${spam.text.slice(0, 60)}"`);

  // Placeholder contact points.
  if (issues.some((i) => i.code === "phone_fake"))
    push("placeholderPhone", "a placeholder phone number (555, all one digit…)");
  const postcodes = records
    .flatMap((r) => r.standardized.addresses.map((a) => a.postcode))
    .filter(Boolean) as string[];
  if (
    issues.some((i) => i.code === "address_postcode_placeholder") ||
    postcodes.some((p) => PLACEHOLDER_POSTCODES.has(p))
  )
    push("placeholderPostcode", "a placeholder postcode");
  if (
    records.some((r) =>
      r.standardized.addresses.some((a) => /^123 main\b/.test(a.line) || a.city === "anytown"),
    )
  )
    push("placeholderAddress", "a placeholder street or town (123 Main St, Anytown)");
  return reasons;
}

export function combine(reasons: FakeReason[], settings: QualitySettings["fake"]): FakeRisk {
  const sorted = [...reasons].sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : 1));
  const score = 1 - sorted.reduce((p, r) => p * (1 - r.weight), 1);
  const rounded = Math.round(score * 1000) / 1000;
  return {
    score: rounded,
    reasons: sorted,
    likelyFake: rounded >= settings.threshold,
    excluded: rounded >= settings.excludeAt,
  };
}

export function fakeRisk(
  e: QualityEntity,
  group: GroupReasons,
  now: Date,
  settings: QualitySettings,
): FakeRisk {
  return combine([...ownReasons(e, now, settings), ...(group.get(e.id) ?? [])], settings.fake);
}

export function fakeFinding(entity: string, risk: FakeRisk): Finding {
  return {
    kind: "likely_fake",
    subjectKind: "entity",
    subject: entity,
    field: null,
    message: `fake-profile risk ${risk.score.toFixed(2)}: ${risk.reasons.map((r) => r.message).join("; ")}`,
    details: { score: risk.score, reasons: risk.reasons, excluded: risk.excluded },
    severity: risk.excluded ? "error" : "warning",
  };
}
