import { createRequire } from "node:module";
import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { EmailAttribute } from "../model/source-record.js";
import type { StandardEmail } from "../model/standardized.js";
import { readListFile } from "./data-files.js";
import { fold } from "./fold.js";

/**
 * Email addresses: trimmed and lower-cased (`normalized`), checked for practical syntax (not the whole of
 * RFC 5322: no quoted local parts, comments or IP-literal domains, which real customer data does not use),
 * and reduced to the mailbox the provider actually delivers to (`canonical`). Flags say whether the domain
 * is a throw-away one, whether the mailbox is a role (info@, sales@) and whether it is a free consumer
 * provider. An unusable address still comes back, with `valid: false` and an `email_invalid_syntax` issue.
 */

const require = createRequire(import.meta.url);
const DISPOSABLE = new Set<string>(require("disposable-email-domains/index.json") as string[]);
/** Domains every subdomain of which is disposable too. */
const DISPOSABLE_WILDCARD = new Set<string>(require("disposable-email-domains/wildcard.json") as string[]);
const ROLE_ACCOUNTS = new Set(readListFile("role-accounts.txt").map((r) => r.replace(/[._-]/g, "")));
const FREE_PROVIDERS = new Set(readListFile("free-providers.txt"));

type LocalRule = (local: string) => string;

const stripPlus: LocalRule = (local) => {
  const plus = local.indexOf("+");
  return plus > 0 ? local.slice(0, plus) : local;
};

interface Provider {
  /** Domain the canonical form uses (for providers whose domains are one mailbox namespace). */
  domain?: string;
  local: LocalRule;
}

// Gmail ignores dots and drops "+tag"; googlemail.com is the same mailbox.
const GMAIL: Provider = { domain: "gmail.com", local: (l) => stripPlus(l).replaceAll(".", "") };
// Outlook.com (hotmail, live, msn): "+tag" sub-addressing; dots are significant.
const MICROSOFT: Provider = { local: stripPlus };
// Yahoo has no "+" sub-addressing; its disposable addresses are "basename-keyword" (usernames cannot
// contain '-'), and the base name identifies the account holder.
const YAHOO: Provider = {
  local: (l) => {
    const dash = l.indexOf("-");
    return dash > 0 ? l.slice(0, dash) : l;
  },
};
// iCloud, Fastmail, HEY: "+tag" sub-addressing.
const PLUS_ONLY: Provider = { local: stripPlus };
// Proton treats '.', '_' and '-' in usernames as transparent, supports "+tag", and protonmail.com,
// protonmail.ch, pm.me and proton.me are addresses of the same account.
const PROTON: Provider = { domain: "proton.me", local: (l) => stripPlus(l).replace(/[._-]/g, "") };
// Yandex: all its domains are one account, "+tag" is supported and '.' and '-' are interchangeable.
const YANDEX: Provider = { domain: "yandex.ru", local: (l) => stripPlus(l).replaceAll(".", "-") };

const PROVIDERS = new Map<string, Provider>([
  ["gmail.com", GMAIL],
  ["googlemail.com", GMAIL],
  ["icloud.com", PLUS_ONLY],
  ["me.com", PLUS_ONLY],
  ["mac.com", PLUS_ONLY],
  ["hey.com", PLUS_ONLY],
  ["protonmail.com", PROTON],
  ["protonmail.ch", PROTON],
  ["proton.me", PROTON],
  ["pm.me", PROTON],
  ["ymail.com", YAHOO],
  ["rocketmail.com", YAHOO],
  ["ya.ru", YANDEX],
]);
const MICROSOFT_DOMAIN =
  /^(?:outlook|hotmail|live|msn|windowslive|passport)\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;
const YAHOO_DOMAIN = /^yahoo\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;
const YANDEX_DOMAIN =
  /^yandex\.(?:ru|com|by|kz|ua|com\.tr|com\.am|com\.ge|az|co\.il|ee|fr|kg|lt|lv|md|tj|tm|uz)$/;
const FASTMAIL_DOMAINS = new Set(["fastmail.com", "fastmail.fm"]);

function providerOf(domain: string): Provider | undefined {
  const known = PROVIDERS.get(domain);
  if (known !== undefined) return known;
  if (MICROSOFT_DOMAIN.test(domain)) return MICROSOFT;
  if (YAHOO_DOMAIN.test(domain)) return YAHOO;
  if (YANDEX_DOMAIN.test(domain)) return YANDEX;
  if (FASTMAIL_DOMAINS.has(domain)) return PLUS_ONLY;
  return undefined;
}

/** Mistyped domains of the big providers; the address is kept, with a hint. */
const DOMAIN_TYPOS = new Map<string, string>([
  ["gmial.com", "gmail.com"],
  ["gmai.com", "gmail.com"],
  ["gmal.com", "gmail.com"],
  ["gamil.com", "gmail.com"],
  ["gnail.com", "gmail.com"],
  ["gmaill.com", "gmail.com"],
  ["gmail.co", "gmail.com"],
  ["gmail.con", "gmail.com"],
  ["gmail.cm", "gmail.com"],
  ["gmail.om", "gmail.com"],
  ["gmail.cim", "gmail.com"],
  ["gmail.vom", "gmail.com"],
  ["gmail.comm", "gmail.com"],
  ["gmail.ocm", "gmail.com"],
  ["gmali.com", "gmail.com"],
  ["gmsil.com", "gmail.com"],
  ["hotmial.com", "hotmail.com"],
  ["hotmal.com", "hotmail.com"],
  ["hotmai.com", "hotmail.com"],
  ["hotmil.com", "hotmail.com"],
  ["hotamil.com", "hotmail.com"],
  ["hotmail.con", "hotmail.com"],
  ["hotmail.co", "hotmail.com"],
  ["homail.com", "hotmail.com"],
  ["yaho.com", "yahoo.com"],
  ["yahooo.com", "yahoo.com"],
  ["yahoo.con", "yahoo.com"],
  ["yhoo.com", "yahoo.com"],
  ["yahho.com", "yahoo.com"],
  ["outlok.com", "outlook.com"],
  ["outllok.com", "outlook.com"],
  ["outlook.con", "outlook.com"],
  ["iclod.com", "icloud.com"],
  ["icloud.con", "icloud.com"],
  ["icoud.com", "icloud.com"],
  ["aol.con", "aol.com"],
]);

const MAX_INPUT = 320;
const MAILTO = /^mailto:/i;
const DISPLAY_NAME = /^[^<>]*<([^<>]*)>\s*$/;
const LOCAL_CHARS = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;
const ALL_DIGITS = /^\d+$/;

/** Why an address fails the practical syntax check, or null when it passes. */
function syntaxProblem(local: string, domain: string): string | null {
  if (local === "") return "nothing before the @";
  if (local.length > 64) return "the part before the @ is longer than 64 characters";
  if (!LOCAL_CHARS.test(local)) return "the part before the @ has characters an address cannot have";
  if (local.startsWith(".") || local.endsWith(".")) return "the part before the @ starts or ends with a dot";
  if (local.includes("..")) return "the part before the @ has two dots in a row";
  if (domain === "") return "nothing after the @";
  if (domain.length > 253) return "the domain is longer than 253 characters";
  const labels = domain.split(".");
  if (labels.length < 2) return "the domain has no top-level domain";
  for (const label of labels) {
    if (label === "") return "the domain has an empty part (two dots in a row, or a leading dot)";
    if (label.length > 63) return "a part of the domain is longer than 63 characters";
    if (!LABEL.test(label)) return `"${label}" is not a valid domain part`;
  }
  const tld = labels[labels.length - 1]!;
  if (ALL_DIGITS.test(tld) || !TLD.test(tld)) return `"${tld}" is not a top-level domain`;
  return null;
}

function isDisposableDomain(domain: string): boolean {
  if (DISPOSABLE.has(domain)) return true;
  let rest = domain;
  for (let dot = rest.indexOf("."); dot > 0; dot = rest.indexOf(".")) {
    rest = rest.slice(dot + 1);
    if (!rest.includes(".")) break;
    if (DISPOSABLE.has(rest) || DISPOSABLE_WILDCARD.has(rest)) return true;
  }
  return false;
}

/** True when a domain (or a parent of it) is on the disposable-email-domains list. */
export function isDisposableEmailDomain(domain: string): boolean {
  return typeof domain === "string" && isDisposableDomain(domain.trim().toLowerCase());
}

function isRoleLocal(local: string): boolean {
  return ROLE_ACCOUNTS.has(stripPlus(local).replace(/[._-]/g, ""));
}

function canonicalOf(local: string, domain: string): string {
  // Fastmail sub-domain addressing: anything@user.fastmail.com is user@fastmail.com.
  for (const base of FASTMAIL_DOMAINS) {
    if (domain.endsWith(`.${base}`)) {
      const user = domain.slice(0, -(base.length + 1));
      if (!user.includes(".")) return `${user}@${base}`;
    }
  }
  const provider = providerOf(domain);
  if (provider === undefined) return `${local}@${domain}`;
  const canonicalLocal = provider.local(local);
  return `${canonicalLocal === "" ? local : canonicalLocal}@${provider.domain ?? domain}`;
}

/**
 * Standardise one email address. Never throws; an empty address gives a null value, an address that fails
 * the syntax check gives `valid: false` (its canonical form is then just the normalised text).
 */
export function standardizeEmail(e: EmailAttribute, field = "email"): Checked<StandardEmail> {
  const issues: Issue[] = [];
  const original = typeof e?.address === "string" ? e.address : "";
  let text = original.length > MAX_INPUT ? original.slice(0, MAX_INPUT) : original;
  text = text.trim().normalize("NFC");
  if (MAILTO.test(text)) {
    text = text.slice(7).split("?")[0]!.trim();
  }
  const display = DISPLAY_NAME.exec(text);
  if (display !== null) {
    text = display[1]!.trim();
    issues.push(
      issue("email_display_name_removed", "a display name around the address was removed", field, "info"),
    );
  }
  if (text === "") {
    return { value: null, issues: [...issues, issue("email_empty", "the email address is empty", field)] };
  }
  const label = typeof e.label === "string" ? fold(e.label) : "";
  const normalized = text.toLowerCase();
  if (original.length > MAX_INPUT) {
    issues.push(
      issue("email_invalid_syntax", "the address is far too long to be an email address", field, "error"),
    );
    return { value: invalidEmail(original, normalized, "", "", label), issues };
  }

  const at = normalized.lastIndexOf("@");
  const local = at < 0 ? normalized : normalized.slice(0, at);
  let domain = at < 0 ? "" : normalized.slice(at + 1);
  if (domain.endsWith(".") && !domain.endsWith("..")) domain = domain.slice(0, -1);

  let problem: string | null;
  if (at < 0) problem = "there is no @";
  else if (local.includes("@")) problem = "there is more than one @";
  else if (/\s/.test(normalized)) problem = "the address contains spaces";
  else problem = syntaxProblem(local, domain);

  if (problem !== null) {
    issues.push(issue("email_invalid_syntax", `not a usable email address: ${problem}`, field, "error"));
    return { value: invalidEmail(original, normalized, local, domain, label), issues };
  }

  const suggestion = DOMAIN_TYPOS.get(domain);
  if (suggestion !== undefined) {
    issues.push(
      issue("email_domain_typo", `"${domain}" looks like a typing mistake for "${suggestion}"`, field),
    );
  }
  const disposable = isDisposableDomain(domain);
  if (disposable) issues.push(issue("email_disposable", `"${domain}" is a disposable email domain`, field));
  const role = isRoleLocal(local);
  if (role)
    issues.push(issue("email_role_account", `"${local}@" is a role account, not a person`, field, "info"));

  return {
    value: {
      original,
      normalized: `${local}@${domain}`,
      canonical: canonicalOf(local, domain),
      local,
      domain,
      valid: true,
      disposable,
      role,
      freeProvider: FREE_PROVIDERS.has(domain),
      label: label === "" ? null : label,
    },
    issues,
  };
}

function invalidEmail(
  original: string,
  normalized: string,
  local: string,
  domain: string,
  label: string,
): StandardEmail {
  return {
    original,
    normalized,
    canonical: normalized,
    local,
    domain,
    valid: false,
    disposable: false,
    role: false,
    freeProvider: false,
    label: label === "" ? null : label,
  };
}

const LIKELY_EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"._-][^\s@<>()[\]\\,;:"]*\.\p{L}{2,63}$/u;

/** A cheap test for "this looks like an email address", e.g. to pick email columns or tokens out of text. */
export function isLikelyEmail(s: string): boolean {
  if (typeof s !== "string" || s.length < 6 || s.length > 254) return false;
  return LIKELY_EMAIL.test(s.trim());
}
