import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Kysely } from "kysely";
import { type Database, fromJson } from "../store/schema.js";

/**
 * The salt of erased people's identifier hashes. From TESSERA_ERASURE_SALT, or the file TESSERA_ERASURE_SALT_FILE
 * names; else a random 256-bit salt made on first use and kept in the store (`privacy_setting`). A salt kept
 * outside the store is better: whoever copies the database then cannot test guessed emails against the hashes.
 */

const cached = new WeakMap<object, Buffer>();

export async function erasureSalt(db: Kysely<Database>): Promise<Buffer> {
  const env = process.env.TESSERA_ERASURE_SALT;
  if (env) return Buffer.from(env, "utf8");
  const file = process.env.TESSERA_ERASURE_SALT_FILE;
  if (file) return Buffer.from(readFileSync(file, "utf8").trim(), "utf8");
  const hit = cached.get(db);
  if (hit) return hit;
  const read = async () =>
    db.selectFrom("privacy_setting").select("value").where("key", "=", "erasure.salt").executeTakeFirst();
  let row = await read();
  if (!row) {
    await db
      .insertInto("privacy_setting")
      .values({
        key: "erasure.salt",
        value: JSON.stringify({ salt: randomBytes(32).toString("base64") }),
        updated_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    row = await read();
  }
  const salt = Buffer.from(fromJson<{ salt: string }>(row?.value).salt, "base64");
  cached.set(db, salt);
  return salt;
}
