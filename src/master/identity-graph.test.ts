import { describe, expect, it } from "vitest";
import type { EventIdentifier, SegmentEvent } from "../model/event.js";
import {
  blockedTest,
  decideEvent,
  defaultIdentityGuards,
  eventIdentifiers,
  type IdentifierState,
  identifierKey,
} from "./identity-graph.js";

const guards = defaultIdentityGuards;
const isBlocked = blockedTest(guards);

function graph(holders: Record<string, string>, held: Record<string, string[]>) {
  const state = (i: EventIdentifier): IdentifierState | undefined => {
    const e = holders[identifierKey(i)];
    return e ? { entityId: e, generic: false, shared: 0 } : undefined;
  };
  const heldBy = (e: string) =>
    (held[e] ?? []).map((k) => ({ kind: k.slice(0, k.indexOf(":")), value: k.slice(k.indexOf(":") + 1) }));
  return { state, heldBy };
}

describe("eventIdentifiers", () => {
  it("reads ids, traits and context, normalises emails and phones, and sets blocked values apart", () => {
    const e = {
      type: "identify",
      userId: "u1",
      anonymousId: "null",
      traits: { email: " Ana.Silva@Mail.Shop ", phone: "+1 650 253 0000" },
      context: { device: { id: "dev-1" }, externalIds: [{ type: "CRM", id: "C-9" }] },
    } as SegmentEvent;
    const { identifiers, blocked } = eventIdentifiers(e, isBlocked);
    expect(identifiers.map(identifierKey)).toEqual([
      "user_id:u1",
      "email:ana.silva@mail.shop",
      "phone:+16502530000",
      "device_id:dev-1",
      "ext:crm:C-9",
    ]);
    expect(blocked).toEqual([{ kind: "anonymous_id", value: "null", reason: "blocked value" }]);
  });
});

describe("decideEvent", () => {
  it("makes a new profile when nothing is known, attaches when one profile holds an identifier", () => {
    const g = graph({ "email:a@x.shop": "T-1" }, { "T-1": ["email:a@x.shop"] });
    const fresh = decideEvent([{ kind: "anonymous_id", value: "z" }], g.state, g.heldBy, guards);
    expect(fresh).toMatchObject({ target: null, merge: [], add: [{ kind: "anonymous_id", value: "z" }] });
    const attach = decideEvent(
      [
        { kind: "email", value: "a@x.shop" },
        { kind: "anonymous_id", value: "z" },
      ],
      g.state,
      g.heldBy,
      guards,
    );
    expect(attach).toMatchObject({ target: "T-1", merge: [], add: [{ kind: "anonymous_id", value: "z" }] });
  });

  it("merges the profiles an event joins, unless they hold two different user ids", () => {
    const g = graph(
      { "user_id:u1": "T-1", "anonymous_id:a": "T-2", "anonymous_id:b": "T-3" },
      { "T-1": ["user_id:u1"], "T-2": ["anonymous_id:a"], "T-3": ["anonymous_id:b", "user_id:u9"] },
    );
    const d = decideEvent(
      [
        { kind: "user_id", value: "u1" },
        { kind: "anonymous_id", value: "a" },
        { kind: "anonymous_id", value: "b" },
      ],
      g.state,
      g.heldBy,
      guards,
    );
    expect(d.target).toBe("T-1");
    expect(d.merge).toEqual(["T-2"]);
    expect(d.findings).toEqual([
      expect.objectContaining({ kind: "refused-merge", entities: ["T-1", "T-3"] }),
    ]);
    expect(d.shared).toEqual([{ kind: "anonymous_id", value: "b" }]);
  });

  it("gives a new user id its own profile rather than another user's", () => {
    const g = graph({ "anonymous_id:tablet": "T-1" }, { "T-1": ["anonymous_id:tablet", "user_id:mum"] });
    const d = decideEvent(
      [
        { kind: "user_id", value: "kid" },
        { kind: "anonymous_id", value: "tablet" },
      ],
      g.state,
      g.heldBy,
      guards,
    );
    expect(d.target).toBeNull();
    expect(d.add).toEqual([{ kind: "user_id", value: "kid" }]);
    expect(d.findings[0]?.kind).toBe("refused-merge");
  });

  it("ignores generic identifiers and keeps per-kind limits", () => {
    const emails = Array.from({ length: 5 }, (_, i) => `email:e${i}@x.shop`);
    const state = (i: EventIdentifier): IdentifierState | undefined =>
      i.kind === "device_id"
        ? { entityId: "T-7", generic: true, shared: 5 }
        : i.kind === "user_id"
          ? { entityId: "T-1", generic: false, shared: 0 }
          : undefined;
    const heldBy = (e: string) =>
      e === "T-1"
        ? [{ kind: "user_id", value: "u" }, ...emails.map((k) => ({ kind: "email", value: k.slice(6) }))]
        : [];
    const d = decideEvent(
      [
        { kind: "user_id", value: "u" },
        { kind: "device_id", value: "kiosk" },
        { kind: "email", value: "sixth@x.shop" },
      ],
      state,
      heldBy,
      guards,
    );
    expect(d.target).toBe("T-1");
    expect(d.merge).toEqual([]);
    expect(d.add).toEqual([]);
    expect(d.findings.map((f) => f.kind).sort()).toEqual(["generic-identifier", "identifier-limit"]);
  });
});
