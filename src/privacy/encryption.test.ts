import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveIngest } from "../jobs/ingest-events.js";
import { getProfileDocument } from "../jobs/profile-api.js";
import type { Store } from "../store/open-store.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { FieldEncryptionPlugin, fieldEncryptionFromEnv, open, rotateEncryption, seal } from "./encryption.js";
import { accepted } from "./testing.js";

/** Field-level encryption at rest: sealed in the tables, plain through the store, re-sealed on rotation. */

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");

describe("sealing", () => {
  it("round-trips, binds the column, and refuses a tampered value", () => {
    const enc = fieldEncryptionFromEnv({ TESSERA_ENCRYPTION_KEY: k1 });
    if (!enc) throw new Error("no encryption");
    const s = seal(enc, '"ann@shop.example"', "event.body.email");
    expect(s).toMatch(/^tessera:v1:k1:/);
    expect(open(enc, s, "event.body.email")).toBe('"ann@shop.example"');
    expect(() => open(enc, s, "golden_profile.profile.email")).toThrow();
    const parts = s.split(":");
    const body = Buffer.from(parts[4] as string, "base64");
    body[0] = (body[0] as number) ^ 1;
    expect(() =>
      open(enc, [...parts.slice(0, 4), body.toString("base64")].join(":"), "event.body.email"),
    ).toThrow();
    expect(() => fieldEncryptionFromEnv({ TESSERA_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });
});

describe.each(await testEngines())("encryption at rest on $name", (engine) => {
  let t: TestStore;
  let store: Store;
  beforeAll(async () => {
    process.env.TESSERA_ENCRYPTION_KEYS = `k1:${k1}`;
    try {
      t = await engine.open();
    } finally {
      delete process.env.TESSERA_ENCRYPTION_KEYS;
    }
    store = t.store;
  });
  afterAll(async () => t.dispose());

  const raw = async () => {
    const db = store.db.withoutPlugins();
    const parts = [
      ...(await db.selectFrom("golden_profile").select("profile").execute()).map((r) =>
        JSON.stringify(r.profile),
      ),
      ...(await db.selectFrom("source_record").select(["attributes", "standardized"]).execute()).map((r) =>
        JSON.stringify(r),
      ),
      ...(await db.selectFrom("event").select("body").execute()).map((r) => JSON.stringify(r.body)),
    ];
    return parts.join("\n");
  };

  it("keeps chosen attributes sealed in the tables and plain to the code, and rotates to a new key", async () => {
    await new LiveIngest(store).apply([
      accepted(
        {
          type: "identify",
          userId: "u-1",
          traits: { email: "secret.person@shop.example", firstName: "Secretia", phone: "+1 650 253 0002" },
        },
        "2026-11-01T00:00:00.000Z",
      ),
    ]);
    const text = await raw();
    expect(text).toContain("tessera:v1:k1:");
    for (const s of ["secret.person", "secretia", "6502530002"]) expect(text.toLowerCase()).not.toContain(s);
    const doc = await getProfileDocument(store, "user_id:u-1", { events: 5 });
    expect(doc?.traits?.emails[0]?.value).toBe("secret.person@shop.example");
    expect(doc?.traits?.name?.value.full).toMatch(/secretia/i);
    expect(JSON.stringify(doc?.events.events[0])).toContain("secret.person@shop.example");

    const both = fieldEncryptionFromEnv({ TESSERA_ENCRYPTION_KEYS: `k2:${k2},k1:${k1}` });
    if (!both) throw new Error("no encryption");
    const rotated = await rotateEncryption(
      store.db.withoutPlugins().withPlugin(new FieldEncryptionPlugin(both)),
    );
    expect(rotated.golden_profile).toBe(1);
    const after = await raw();
    expect(after).toContain("tessera:v1:k2:");
    expect(after).not.toContain("tessera:v1:k1:");
    const onlyK2 = fieldEncryptionFromEnv({ TESSERA_ENCRYPTION_KEYS: `k2:${k2}` });
    if (!onlyK2) throw new Error("no encryption");
    const withK2 = { ...store, db: store.db.withoutPlugins().withPlugin(new FieldEncryptionPlugin(onlyK2)) };
    expect((await getProfileDocument(withK2, "user_id:u-1"))?.traits?.emails[0]?.value).toBe(
      "secret.person@shop.example",
    );
    await expect(getProfileDocument(store, "user_id:u-1")).rejects.toThrow(/k2.*not configured/);
  });
});
