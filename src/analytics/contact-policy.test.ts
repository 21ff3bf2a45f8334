import { describe, expect, it } from "vitest";
import { type ContactFacts, decideContact, parseContactPolicy, quietUntil } from "./contact-policy.js";

const day = 86_400_000;
const noon = Date.parse("2026-11-24T12:00:00Z");

function facts(o: Partial<ContactFacts> = {}): ContactFacts {
  return {
    now: noon,
    reachable: { email: true, sms: true },
    excluded: false,
    timeZone: null,
    pAlive: null,
    sent: [],
    responses: [],
    consent: new Map(),
    ...o,
  };
}

const policy = parseContactPolicy({
  caps: [
    { channel: "email", max: 3, days: 7 },
    { channel: "*", max: 4, days: 7 },
  ],
  quietHours: { start: "21:00", end: "08:00", timeZone: "UTC" },
  minPAlive: 0.1,
});

describe("contact decisions", () => {
  it("allows the first channel that passes every check", () => {
    const d = decideContact(policy, facts(), ["email", "sms"]);
    expect(d).toMatchObject({ allowed: true, channel: "email", code: "ok" });
  });

  it("caps a channel, then all channels, and says when a slot frees", () => {
    const sent = [1, 2, 3].map((n) => ({ channel: "email", at: noon - n * day }));
    const d = decideContact(policy, facts({ sent }), ["email", "sms"]);
    expect(d.checks[0]).toMatchObject({ channel: "email", allowed: false, code: "frequency-cap" });
    // The oldest of the three (3 days ago) leaves the 7-day window in 4 days.
    expect(d.checks[0]?.nextAllowedAt).toBe(new Date(noon - 3 * day + 7 * day).toISOString());
    expect(d).toMatchObject({ allowed: true, channel: "sms" });
    const all = decideContact(policy, facts({ sent: [...sent, { channel: "sms", at: noon - day / 2 }] }), [
      "email",
      "sms",
    ]);
    expect(all).toMatchObject({ allowed: false, code: "frequency-cap" });
    expect(all.checks[1]?.reason).toMatch(/4 messages in the last 7 days \(at most 4\)/);
    // A message 8 days ago no longer counts.
    const old = decideContact(
      policy,
      facts({ sent: [1, 2, 8].map((n) => ({ channel: "email", at: noon - n * day })) }),
    );
    expect(old.channel).toBe("email");
  });

  it("keeps quiet hours in the person's own time zone, else the policy's", () => {
    // 12:00 UTC is 21:00 in Tokyo (quiet) and 07:00 in New York (quiet), 13:00 in Berlin (not).
    expect(decideContact(policy, facts({ timeZone: "Asia/Tokyo" })).code).toBe("quiet-hours");
    const ny = decideContact(policy, facts({ timeZone: "America/New_York" }));
    expect(ny.code).toBe("quiet-hours");
    // Quiet until 08:00 in New York: 13:00 UTC.
    expect(ny.nextAllowedAt).toBe("2026-11-24T13:00:00.000Z");
    expect(decideContact(policy, facts({ timeZone: "Europe/Berlin" })).allowed).toBe(true);
    expect(decideContact(policy, facts({ now: Date.parse("2026-11-24T22:30:00Z") })).code).toBe(
      "quiet-hours",
    );
    expect(quietUntil(Date.parse("2026-11-24T07:59:00Z"), { start: "21:00", end: "08:00" }, "UTC")).toBe(
      Date.parse("2026-11-24T08:00:00Z"),
    );
    expect(
      quietUntil(Date.parse("2026-11-24T08:00:00Z"), { start: "21:00", end: "08:00" }, "UTC"),
    ).toBeNull();
  });

  it("suppresses with the reason: complaint, unsubscribe, inactivity, consent, no address, exclusion", () => {
    const at = noon - 5 * day;
    expect(
      decideContact(policy, facts({ responses: [{ channel: "email", kind: "complained", at }] })),
    ).toMatchObject({ allowed: false, code: "complained" });
    const unsub = decideContact(
      policy,
      facts({ responses: [{ channel: "email", kind: "unsubscribed", at }] }),
      ["email", "sms"],
    );
    expect(unsub.checks[0]).toMatchObject({ code: "unsubscribed" });
    expect(unsub.channel).toBe("sms");
    expect(decideContact(policy, facts({ pAlive: 0.02 })).reason).toMatch(/0\.020 is below 0\.1/);
    expect(
      decideContact(
        policy,
        facts({ consent: new Map([["email", { allowed: false, reason: "consent revoked" }]]) }),
        ["email"],
      ),
    ).toMatchObject({ code: "no-consent", reason: "email: consent revoked" });
    expect(decideContact(policy, facts({ reachable: { email: false } }), ["email"]).code).toBe("no-address");
    expect(decideContact(policy, facts({ excluded: true })).code).toBe("excluded");
  });

  it("names what is wrong in a policy", () => {
    expect(() =>
      parseContactPolicy({ quietHours: { start: "25:00", end: "08:00", timeZone: "Mars/Base" } }),
    ).toThrow(/quietHours\.start: must be HH:MM.*quietHours\.timeZone: is not an IANA time zone/);
  });
});
