import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Transaction } from "kysely";
import { releaseLease, renewLease, takeLease } from "../store/leases.js";
import type { Store } from "../store/open-store.js";
import type { Database } from "../store/schema.js";

/**
 * A lease for a job that must run in one process at a time, among all the processes sharing a store (several
 * `tessera serve` processes on one PostgreSQL): the holder renews it as it works; when the holder stops it
 * gives the lease up, and when it dies the lease expires after `ttlMs` and the next process to try takes it
 * over. Work that must not be done by two holders is committed with `fence(trx)` in its transaction: the
 * commit happens only if the lease is still ours, and holds the lease's row until then. (On SQLite a single
 * process owns the file and the lease is always free; it costs a write now and then.)
 */

export class LeaseLost extends Error {
  override name = "LeaseLost";
}

export interface LeaseOptions {
  /** How long the lease lasts without renewal (default 5 s): how soon another process takes over a dead holder. */
  ttlMs?: number;
  /** Who holds it, for people (default host:pid:random). */
  holder?: string;
}

export class Lease {
  readonly ttlMs: number;
  readonly holder: string;
  private token: number | null = null;
  private renewedAt = 0;

  constructor(
    private readonly store: Store,
    readonly name: string,
    o: LeaseOptions = {},
  ) {
    this.ttlMs = o.ttlMs ?? 5_000;
    this.holder = o.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Whether this process held the lease at its last renewal. */
  get held(): boolean {
    return this.token !== null;
  }

  /** The token of the current tenure (raised at each change of holder), or null. */
  get currentToken(): number | null {
    return this.token;
  }

  /**
   * Holds the lease after this call? Renews it when held (at most every third of its lifetime), else takes it
   * if it is free or expired. `changed` is true when this call began a new tenure: what the process had
   * cached of the job's state may be stale and must be read again.
   */
  async acquire(): Promise<{ held: boolean; changed: boolean }> {
    const { db, dialect } = this.store;
    const now = Date.now();
    if (this.token !== null) {
      if (now - this.renewedAt < this.ttlMs / 3) return { held: true, changed: false };
      if (await renewLease(db, dialect, this.name, this.holder, this.token, this.ttlMs)) {
        this.renewedAt = now;
        return { held: true, changed: false };
      }
      this.token = null;
    }
    const token = await takeLease(db, dialect, this.name, this.holder, this.ttlMs);
    if (token === null) return { held: false, changed: false };
    this.token = token;
    this.renewedAt = now;
    return { held: true, changed: true };
  }

  /** Inside the transaction that commits the job's work: renews the lease, or throws `LeaseLost` (roll back). */
  async fence(trx: Transaction<Database>): Promise<void> {
    if (
      this.token === null ||
      !(await renewLease(trx, this.store.dialect, this.name, this.holder, this.token, this.ttlMs))
    ) {
      this.token = null;
      throw new LeaseLost(`the ${this.name} lease was taken over by another process`);
    }
    this.renewedAt = Date.now();
  }

  /** Gives the lease up so another process takes over at once. */
  async release(): Promise<void> {
    if (this.token === null) return;
    const token = this.token;
    this.token = null;
    await releaseLease(this.store.db, this.name, this.holder, token);
  }
}
