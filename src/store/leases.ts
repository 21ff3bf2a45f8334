import { type Kysely, sql, type Transaction } from "kysely";
import type { DialectName } from "./dialect.js";
import { type Database, fromCount } from "./schema.js";

/**
 * Leases on jobs that run in one process at a time. Times come from the database's clock, so processes on
 * machines whose clocks differ agree on when a lease has expired. A change of holder raises the token; a
 * renewal names the token it holds, so a holder that lost the lease (paused past its expiry, cut off) finds
 * out at its next renewal instead of overwriting its successor.
 */

type Db = Kysely<Database> | Transaction<Database>;

export interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expiresAt: number;
  acquiredAt: number;
}

/** Now, in epoch milliseconds, by the database's clock. */
function dbNow(dialect: DialectName) {
  return dialect === "postgres"
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast(round((julianday('now') - 2440587.5) * 86400000) as integer)`;
}

/** Takes the lease if it is free or has expired; returns the new token, or null when another holds it. */
export async function takeLease(
  db: Db,
  dialect: DialectName,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<number | null> {
  const now = dbNow(dialect);
  const inserted = await sql<{ token: number | string }>`
    insert into lease (name, holder, token, expires_at, acquired_at)
    values (${name}, ${holder}, 1, ${now} + ${ttlMs}, ${now})
    on conflict (name) do nothing
    returning token`.execute(db);
  if (inserted.rows[0]) return fromCount(inserted.rows[0].token);
  const taken = await sql<{ token: number | string }>`
    update lease set holder = ${holder}, token = token + 1, expires_at = ${now} + ${ttlMs}, acquired_at = ${now}
    where name = ${name} and expires_at < ${now}
    returning token`.execute(db);
  return taken.rows[0] ? fromCount(taken.rows[0].token) : null;
}

/**
 * Extends the lease held with `token`; false when it is no longer ours (another holder took it over). Inside
 * a transaction the row stays locked until the commit, so no one can take the lease over in between.
 */
export async function renewLease(
  db: Db,
  dialect: DialectName,
  name: string,
  holder: string,
  token: number,
  ttlMs: number,
): Promise<boolean> {
  const r = await sql`update lease set expires_at = ${dbNow(dialect)} + ${ttlMs}
    where name = ${name} and holder = ${holder} and token = ${token}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Gives the lease up at once (another process may take it at its next attempt). */
export async function releaseLease(db: Db, name: string, holder: string, token: number): Promise<void> {
  await sql`update lease set expires_at = 0 where name = ${name} and holder = ${holder} and token = ${token}`.execute(
    db,
  );
}

export async function readLease(db: Db, name: string): Promise<LeaseRow | null> {
  const r = await db.selectFrom("lease").selectAll().where("name", "=", name).executeTakeFirst();
  return r
    ? {
        name: r.name,
        holder: r.holder,
        token: fromCount(r.token),
        expiresAt: fromCount(r.expires_at),
        acquiredAt: fromCount(r.acquired_at),
      }
    : null;
}
