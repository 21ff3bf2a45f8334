import { isIP } from "node:net";
import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { Identifier } from "../model/source-record.js";
import type { StandardIdentifier } from "../model/standardized.js";
import { fold } from "./fold.js";

/**
 * Identifiers: user and customer ids, device ids, cookies, loyalty numbers, social handles, national ids, IP
 * addresses. Values are trimmed; what else happens depends on the type:
 * - placeholders ("null", "undefined", "anonymous", "0", "n/a", "-", "test", a value of one repeated
 *   character such as the all-zero advertising id) give a null value and `identifier_placeholder`;
 * - social handles are lower-cased without their "@"; a profile URL gives the handle and the network
 *   (`namespace`: twitter, instagram, facebook, linkedin, tiktok, github, youtube, threads, reddit …);
 * - UUIDs are lower-cased (and lose braces); other device ids, cookies and user ids keep their case;
 * - loyalty and national ids lose spaces, hyphens and dots and are upper-cased;
 * - IP addresses are checked and written canonically (IPv6 compressed, IPv4 without leading zeros).
 */

const MAX_LENGTH = 1024;
const PLACEHOLDERS = new Set([
  "null",
  "nil",
  "none",
  "undefined",
  "anonymous",
  "anon",
  "0",
  "-1",
  "n/a",
  "n.a.",
  "na",
  "-",
  "--",
  "?",
  "test",
  "testing",
  "unknown",
  "unk",
  "default",
  "guest",
  "dummy",
  "demo",
  "sample",
  "example",
  "placeholder",
  "tbd",
  "nan",
  "false",
  "true",
  "(null)",
  "[null]",
  "<null>",
  "{}",
  "[]",
  "''",
  '""',
  "not set",
  "(not set)",
  "not available",
  "empty",
  "blank",
]);
const SEPARATORS = /[\s._:/-]/g;
const ONE_CHARACTER_REPEATED = /^(.)\1+$/su;
const ALL_ZEROS = /^0+$/;
const UUID = /^\{?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})\}?$/i;
const HANDLE = /^[\p{L}\p{N}._-]+$/u;
const URL_LIKE = /^(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}\/\S*$/i;
const ID_SEPARATORS = /[\s.-]/g;

/** Networks by host (without "www.", "m.", "mobile."). */
const NETWORK_HOSTS = new Map([
  ["twitter.com", "twitter"],
  ["x.com", "twitter"],
  ["instagram.com", "instagram"],
  ["instagr.am", "instagram"],
  ["facebook.com", "facebook"],
  ["fb.com", "facebook"],
  ["linkedin.com", "linkedin"],
  ["tiktok.com", "tiktok"],
  ["github.com", "github"],
  ["youtube.com", "youtube"],
  ["threads.net", "threads"],
  ["threads.com", "threads"],
  ["reddit.com", "reddit"],
  ["pinterest.com", "pinterest"],
  ["snapchat.com", "snapchat"],
  ["t.me", "telegram"],
  ["twitch.tv", "twitch"],
  ["medium.com", "medium"],
  ["bsky.app", "bluesky"],
]);
/** What sources call the networks → our namespace. */
const NAMESPACE_ALIASES = new Map([
  ["x", "twitter"],
  ["x.com", "twitter"],
  ["twitter.com", "twitter"],
  ["tw", "twitter"],
  ["ig", "instagram"],
  ["insta", "instagram"],
  ["fb", "facebook"],
  ["li", "linkedin"],
  ["gh", "github"],
  ["yt", "youtube"],
  ["tt", "tiktok"],
]);
/** Path words that are not profiles: "twitter.com/intent/…", "facebook.com/sharer.php". */
const NOT_PROFILES = new Set([
  "intent",
  "share",
  "sharer",
  "sharer.php",
  "home",
  "search",
  "hashtag",
  "i",
  "explore",
  "p",
  "reel",
  "reels",
  "stories",
  "watch",
  "groups",
  "pages",
  "events",
  "login",
  "signup",
  "settings",
  "about",
  "help",
  "privacy",
  "tos",
  "policies",
]);

function namespaceOf(text: string | undefined): string | null {
  if (typeof text !== "string") return null;
  const folded = text.trim().toLowerCase();
  if (folded === "") return null;
  return NAMESPACE_ALIASES.get(folded) ?? NETWORK_HOSTS.get(folded.replace(/^www\./, "")) ?? folded;
}

function isPlaceholder(value: string, repeatedCharacters = true): boolean {
  const lower = value.toLowerCase();
  if (PLACEHOLDERS.has(lower) || PLACEHOLDERS.has(fold(lower))) return true;
  const squashed = lower.replace(SEPARATORS, "");
  if (squashed === "" || ALL_ZEROS.test(squashed)) return true;
  return repeatedCharacters && squashed.length >= 3 && ONE_CHARACTER_REPEATED.test(squashed);
}

/** A social profile URL → handle and network; null when it is not one. */
function fromProfileUrl(value: string): { handle: string; network: string } | { error: string } | null {
  if (!URL_LIKE.test(value)) return null;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase().replace(/^(?:www|m|mobile|[a-z]{2}|[a-z]{2}-[a-z]{2})\./, "");
  const network = NETWORK_HOSTS.get(host);
  if (network === undefined) return null;
  const path = url.pathname.split("/").filter((p) => p !== "");
  let handle: string | undefined;
  if (network === "facebook" && path[0] === "profile.php") handle = url.searchParams.get("id") ?? undefined;
  else if (network === "linkedin") handle = path[0] === "in" || path[0] === "pub" ? path[1] : undefined;
  else if (network === "reddit") handle = path[0] === "user" || path[0] === "u" ? path[1] : undefined;
  else if (network === "youtube")
    handle = path[0]?.startsWith("@") ? path[0] : path[0] === "c" || path[0] === "user" ? path[1] : undefined;
  else if (network === "snapchat") handle = path[0] === "add" ? path[1] : path[0];
  else if (network === "bluesky") handle = path[0] === "profile" ? path[1] : undefined;
  else handle = path[0];
  if (handle === undefined || NOT_PROFILES.has(handle.toLowerCase())) {
    return { error: `"${value}" is a ${network} link but not a profile` };
  }
  try {
    handle = decodeURIComponent(handle);
  } catch {
    // keep it encoded
  }
  return { handle: handle.replace(/^@/, "").toLowerCase(), network };
}

function canonicalIp(value: string): string | null {
  const bare = value.replace(/^\[|\]$/g, "");
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? octets.join(".") : null;
  }
  if (isIP(bare) !== 6) return null;
  try {
    return new URL(`http://[${bare}]/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

const PRIVATE_IP =
  /^(?:10\.|127\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|0\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/;

/** Standardise one identifier. Never throws. */
export function standardizeIdentifier(i: Identifier, field = "identifier"): Checked<StandardIdentifier> {
  const issues: Issue[] = [];
  if (i === null || typeof i !== "object" || typeof i.value !== "string") {
    return { value: null, issues: [issue("identifier_empty", "no identifier value was given", field)] };
  }
  const type = i.type;
  let namespace = namespaceOf(i.namespace);
  let value = i.value.trim();
  if (value === "")
    return { value: null, issues: [issue("identifier_empty", "the identifier is empty", field)] };
  if (value.length > MAX_LENGTH) {
    issues.push(
      issue("identifier_too_long", `the identifier is longer than ${MAX_LENGTH} characters`, field),
    );
    return { value: null, issues };
  }
  // "1.1.1.1" and "8.8.8.8" are real addresses; "0.0.0.0" is not.
  if (isPlaceholder(value, type !== "ip_address")) {
    issues.push(
      issue("identifier_placeholder", `"${value.slice(0, 40)}" is a placeholder, not an identifier`, field),
    );
    return { value: null, issues };
  }

  switch (type) {
    case "social_handle": {
      const profile = fromProfileUrl(value);
      if (profile !== null && "error" in profile) {
        issues.push(issue("identifier_invalid", profile.error, field));
        return { value: null, issues };
      }
      if (profile !== null) {
        if (namespace !== null && namespace !== profile.network) {
          issues.push(
            issue(
              "identifier_namespace_conflict",
              `the link is a ${profile.network} profile, not ${namespace}; ${profile.network} was kept`,
              field,
              "info",
            ),
          );
        }
        namespace = profile.network;
        value = profile.handle;
      } else {
        // "@user@mastodon.social" keeps its instance; "@jane" loses its "@".
        value = value.replace(/^@+/, "").toLowerCase();
      }
      if (value === "" || isPlaceholder(value)) {
        issues.push(issue("identifier_placeholder", "the handle is empty or a placeholder", field));
        return { value: null, issues };
      }
      if (!HANDLE.test(value.replace("@", ""))) {
        issues.push(
          issue("identifier_invalid", `"${value.slice(0, 40)}" has characters a handle cannot have`, field),
        );
      }
      break;
    }
    case "ip_address": {
      const ip = canonicalIp(value);
      if (ip === null) {
        issues.push(issue("identifier_invalid", `"${value.slice(0, 60)}" is not an IP address`, field));
        return { value: null, issues };
      }
      value = ip;
      if (PRIVATE_IP.test(value)) {
        issues.push(issue("identifier_private_ip", `${value} is a private or local address`, field, "info"));
      }
      break;
    }
    case "loyalty_number":
    case "national_id": {
      value = value.replace(ID_SEPARATORS, "").toUpperCase();
      if (isPlaceholder(value)) {
        issues.push(issue("identifier_placeholder", "the identifier is a placeholder", field));
        return { value: null, issues };
      }
      break;
    }
    default: {
      const uuid = UUID.exec(value);
      if (uuid !== null) {
        const hex = uuid[1]!.replace(/-/g, "").toLowerCase();
        value = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
    }
  }
  return { value: { type, value, namespace }, issues };
}
