import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileMapping } from "../mapping/compile-mapping.js";
import type { AcceptedEvent } from "../model/event.js";
import { resolveInMemory, runFeatures } from "../resolve/resolve.js";
import { latestMemberRecords } from "../store/member-records.js";
import { listReviewItems } from "../store/stewardship.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { importSource } from "./import-source.js";
import { LiveIngest } from "./ingest-events.js";
import { LiveMatcher } from "./live-matcher.js";
import { masterRecords } from "./master-records.js";
import { findEntityId } from "./profile-api.js";
import { loadSettings } from "./resolve-records.js";

/** Live events meeting profiles mastered in batch: found by their emails, or matched by the trained model. */

const fake1000 = join(import.meta.dirname, "../../../shared/datasets/splink/fake_1000.csv");
const settingsPath = join(import.meta.dirname, "../../bench/configs/fake-1000.json");
const now = () => new Date("2026-01-01T00:00:00.000Z");

let n = 0;
function identify(userId: string, traits: Record<string, unknown>): AcceptedEvent {
  const messageId = `m-${n++}`;
  const at = "2026-01-02T00:00:00.000Z";
  return {
    source: "app",
    messageId,
    type: "identify",
    userId,
    anonymousId: null,
    timestamp: at,
    receivedAt: at,
    sentAt: null,
    body: { type: "identify", messageId, userId, traits },
  };
}

describe.skipIf(!existsSync(fake1000)).each(await testEngines())(
  "live events and batch profiles on $name",
  (engine) => {
    let t: TestStore;
    let rows: Record<string, string>[];

    beforeEach(async () => {
      t = await engine.open();
      const dir = mkdtempSync(join(tmpdir(), "tessera-live-"));
      const lines = readFileSync(fake1000, "utf8").trim().split("\n");
      const header = (lines[0] as string).split(",");
      rows = lines
        .slice(1, 401)
        .map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i] as string, v])));
      const path = join(dir, "crm.csv");
      writeFileSync(path, `${lines.slice(0, 401).join("\n")}\n`);
      await importSource(t.store, {
        path,
        mapping: compileMapping({
          source: "crm",
          trust: 0.8,
          dateOrder: "YMD",
          defaultCountry: "GB",
          fields: {
            unique_id: "id",
            first_name: "name.given",
            surname: "name.family",
            dob: "dateOfBirth",
            city: "address.city",
            email: "email",
          },
        }),
      });
      await masterRecords(t.store, { settingsPath, now });
    });
    afterEach(async () => {
      await t.dispose();
    });

    it("attaches a live identify to the batch profile holding its email, without a duplicate", async () => {
      const row = rows.find((r) => r.email && r.first_name) as Record<string, string>;
      const crm = await findEntityId(t.store, `record:crm/${row.unique_id}`);
      const ingest = new LiveIngest(t.store, { now });
      const report = await ingest.apply([identify("app-user-1", { email: row.email })]);
      expect(report.profilesCreated).toBe(0);
      expect((await findEntityId(t.store, "user_id:app-user-1"))?.id).toBe(crm?.id);
    });

    it("merges with the trained model when name, birth date and city agree, and sends weaker pairs to review", async () => {
      const records = [];
      for await (const page of latestMemberRecords(t.store)) records.push(...page);
      const input = loadSettings(settingsPath);
      const { model, settings } = resolveInMemory(records, input);
      const matcher = new LiveMatcher(
        model,
        settings.threshold,
        { reviewFrom: 0.3 },
        runFeatures(input, model),
      );
      const ingest = new LiveIngest(t.store, { now, matcher });

      // A person the CRM knows, without the email: same name, birth date and city.
      const row = rows.find((r) => r.city && r.dob && r.first_name && r.surname) as Record<string, string>;
      const crm = await findEntityId(t.store, `record:crm/${row.unique_id}`);
      const same = await ingest.apply([
        identify("app-user-2", {
          firstName: row.first_name,
          lastName: row.surname,
          birthday: row.dob,
          address: { city: row.city },
        }),
      ]);
      expect(same.modelMerges).toBe(1);
      expect((await findEntityId(t.store, "user_id:app-user-2"))?.id).toBe(crm?.id);

      // Same name, another birth decade and city: not merged; at most a review item.
      const other = await ingest.apply([
        identify("app-user-3", {
          firstName: row.first_name,
          lastName: row.surname,
          birthday: "1901-01-01",
          address: { city: "Inverness" },
        }),
      ]);
      expect(other.modelMerges).toBe(0);
      expect((await findEntityId(t.store, "user_id:app-user-3"))?.id).not.toBe(crm?.id);
      const review = await listReviewItems(t.store.db);
      expect(review.every((r) => r.probability < settings.threshold)).toBe(true);
    });
  },
);
