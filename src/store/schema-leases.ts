import type { Count } from "./schema.js";

/** A lease on a job that runs in one process at a time (migration 011). Times are epoch milliseconds. */
export interface LeaseTable {
  name: string;
  holder: string;
  token: Count;
  expires_at: Count;
  acquired_at: Count;
}

/** Tables of migration 011, as Kysely sees them (`webhook_delivery.claimed_by` is read through SQL). */
export interface LeaseTables {
  lease: LeaseTable;
}
