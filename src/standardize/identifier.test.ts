import { describe, expect, it } from "vitest";
import type { Identifier } from "../model/source-record.js";
import type { StandardIdentifier } from "../model/standardized.js";
import { standardizeIdentifier } from "./identifier.js";

const std = (i: Identifier) => standardizeIdentifier(i, "identifiers[0]");

describe("standardizeIdentifier: social handles", () => {
  it.each<[Identifier, Partial<StandardIdentifier>]>([
    [
      { type: "social_handle", value: "@JaneDoe", namespace: "twitter" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "  @@JaneDoe " },
      { value: "janedoe", namespace: null },
    ],
    [
      { type: "social_handle", value: "JaneDoe", namespace: "X" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "jane", namespace: "IG" },
      { value: "jane", namespace: "instagram" },
    ],
    [
      { type: "social_handle", value: "https://twitter.com/JaneDoe" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "https://x.com/JaneDoe?ref=abc" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "twitter.com/JaneDoe/" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "https://mobile.twitter.com/JaneDoe" },
      { value: "janedoe", namespace: "twitter" },
    ],
    [
      { type: "social_handle", value: "https://www.instagram.com/jane.doe/" },
      { value: "jane.doe", namespace: "instagram" },
    ],
    [
      { type: "social_handle", value: "http://facebook.com/jane.doe.77" },
      { value: "jane.doe.77", namespace: "facebook" },
    ],
    [
      { type: "social_handle", value: "https://m.facebook.com/profile.php?id=100012345" },
      { value: "100012345", namespace: "facebook" },
    ],
    [
      { type: "social_handle", value: "https://www.linkedin.com/in/jane-doe-123abc/" },
      { value: "jane-doe-123abc", namespace: "linkedin" },
    ],
    [
      { type: "social_handle", value: "https://uk.linkedin.com/in/jane-doe" },
      { value: "jane-doe", namespace: "linkedin" },
    ],
    [
      { type: "social_handle", value: "https://www.tiktok.com/@jane.doe" },
      { value: "jane.doe", namespace: "tiktok" },
    ],
    [
      { type: "social_handle", value: "https://github.com/JaneDoe" },
      { value: "janedoe", namespace: "github" },
    ],
    [
      { type: "social_handle", value: "https://www.youtube.com/@JaneDoe" },
      { value: "janedoe", namespace: "youtube" },
    ],
    [
      { type: "social_handle", value: "https://www.reddit.com/user/jane_doe" },
      { value: "jane_doe", namespace: "reddit" },
    ],
    [
      { type: "social_handle", value: "https://t.me/janedoe" },
      { value: "janedoe", namespace: "telegram" },
    ],
    [
      { type: "social_handle", value: "@jane@mastodon.social", namespace: "mastodon" },
      { value: "jane@mastodon.social", namespace: "mastodon" },
    ],
  ])("%j", (i, expected) => {
    expect(std(i).value).toMatchObject({ type: "social_handle", ...expected });
  });

  it("prefers the network of the link over a conflicting namespace, and says so", () => {
    const { value, issues } = std({
      type: "social_handle",
      value: "https://instagram.com/jane",
      namespace: "twitter",
    });
    expect(value).toMatchObject({ value: "jane", namespace: "instagram" });
    expect(issues.map((i) => i.code)).toEqual(["identifier_namespace_conflict"]);
  });

  it.each([
    "https://twitter.com/intent/tweet?text=hi",
    "https://www.facebook.com/sharer.php?u=x",
    "https://twitter.com/",
    "https://www.linkedin.com/company/acme",
    "https://www.instagram.com/p/Cxyz123/",
  ])("%j is a link but not a profile", (value) => {
    const { value: out, issues } = std({ type: "social_handle", value });
    expect(out).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(["identifier_invalid"]);
  });

  it("flags handles with impossible characters but keeps them", () => {
    const { value, issues } = std({ type: "social_handle", value: "jane doe" });
    expect(value?.value).toBe("jane doe");
    expect(issues.map((i) => i.code)).toEqual(["identifier_invalid"]);
  });
});

describe("standardizeIdentifier: other types", () => {
  it.each<[Identifier, Partial<StandardIdentifier>]>([
    [
      { type: "device_id", value: "6D92078A-8246-4BA4-AE5B-76104861E7DC", namespace: "iOS" },
      { value: "6d92078a-8246-4ba4-ae5b-76104861e7dc", namespace: "ios" },
    ],
    [
      { type: "device_id", value: "{6D92078A-8246-4BA4-AE5B-76104861E7DC}" },
      { value: "6d92078a-8246-4ba4-ae5b-76104861e7dc" },
    ],
    [
      { type: "anonymous_id", value: "6D92078A82464BA4AE5B76104861E7DC" },
      { value: "6d92078a-8246-4ba4-ae5b-76104861e7dc" },
    ],
    [{ type: "device_id", value: "AbCdEf123456" }, { value: "AbCdEf123456" }],
    [{ type: "cookie", value: " GA1.2.1234567890.1600000000 " }, { value: "GA1.2.1234567890.1600000000" }],
    [{ type: "cookie", value: "aBcD_XyZ-42" }, { value: "aBcD_XyZ-42" }],
    [{ type: "user_id", value: "User-42" }, { value: "User-42" }],
    [{ type: "customer_id", value: " CUST-0001 " }, { value: "CUST-0001" }],
    [{ type: "order_id", value: "A-1001" }, { value: "A-1001" }],
    [{ type: "loyalty_number", value: "1234 5678 9012" }, { value: "123456789012" }],
    [{ type: "loyalty_number", value: "ab-123-cd" }, { value: "AB123CD" }],
    [
      { type: "national_id", value: "123-45-6789", namespace: "US-SSN" },
      { value: "123456789", namespace: "us-ssn" },
    ],
    [{ type: "national_id", value: "ab 12 34 56 c" }, { value: "AB123456C" }],
    [{ type: "national_id", value: "1804974" }, { value: "1804974" }],
    [{ type: "ip_address", value: "192.168.001.010" }, { value: "192.168.1.10" }],
    [{ type: "ip_address", value: "8.8.8.8" }, { value: "8.8.8.8" }],
    [{ type: "ip_address", value: "1.1.1.1" }, { value: "1.1.1.1" }],
    [{ type: "ip_address", value: "2001:0DB8:0000:0000:0000:0000:0000:0001" }, { value: "2001:db8::1" }],
    [{ type: "ip_address", value: "[::1]" }, { value: "::1" }],
    [{ type: "other", value: "x" }, { value: "x" }],
  ])("%j", (i, expected) => {
    expect(std(i).value).toMatchObject({ type: i.type, ...expected });
  });

  it("notes private IP addresses", () => {
    for (const value of ["10.0.0.1", "192.168.1.1", "172.16.5.4", "127.0.0.1", "::1", "fe80::1"]) {
      expect(std({ type: "ip_address", value }).issues.map((i) => i.code)).toEqual(["identifier_private_ip"]);
    }
    expect(std({ type: "ip_address", value: "172.32.0.1" }).issues).toEqual([]);
  });

  it.each(["256.1.1.1", "1.2.3", "not an ip", "1.2.3.4.5", "::g"])("%j is not an IP address", (value) => {
    const { value: out, issues } = std({ type: "ip_address", value });
    expect(out).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(["identifier_invalid"]);
  });
});

describe("standardizeIdentifier: placeholders", () => {
  it.each([
    "null",
    "NULL",
    "undefined",
    "anonymous",
    "0",
    "none",
    "None",
    "n/a",
    "N/A",
    "-",
    "test",
    "TEST",
    "unknown",
    "(not set)",
    "000000",
    "11111111",
    "xxxx",
    "-----",
    "00000000-0000-0000-0000-000000000000",
    "{}",
    "nan",
    "0.0.0.0",
  ])("%j", (value) => {
    for (const type of ["user_id", "device_id", "cookie", "social_handle", "loyalty_number"] as const) {
      const { value: out, issues } = std({ type, value });
      expect(out).toBeNull();
      expect(issues.map((i) => [i.code, i.field])).toEqual([["identifier_placeholder", "identifiers[0]"]]);
    }
  });

  it.each(["7", "42", "ab", "1234", "0a"])("%j is not a placeholder", (value) => {
    expect(std({ type: "customer_id", value }).value?.value).toBe(value);
  });
});

describe("standardizeIdentifier never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["no value", { type: "user_id" }],
    ["a number", { type: "user_id", value: 42 }],
    ["empty", { type: "user_id", value: "" }],
    ["10,000 characters", { type: "cookie", value: "a".repeat(10_000) }],
    ["emoji", { type: "social_handle", value: "😀" }],
    ["a broken URL", { type: "social_handle", value: "https://twitter.com/%E0%A4%A" }],
    ["only punctuation", { type: "device_id", value: "!@#$%" }],
    ["control characters", { type: "social_handle", value: "\u0000\u0001" }],
    ["an unknown type", { type: "passport", value: "X123" }],
  ])("%s", (_label, input) => {
    expect(() => standardizeIdentifier(input as Identifier)).not.toThrow();
  });

  it("rejects over-long values", () => {
    expect(std({ type: "cookie", value: "a".repeat(2000) }).issues.map((i) => i.code)).toEqual([
      "identifier_too_long",
    ]);
  });
});
