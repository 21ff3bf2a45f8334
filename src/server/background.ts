import { AudienceLoop } from "../jobs/audience-live.js";
import { Lease } from "../jobs/lease.js";
import type { Store } from "../store/open-store.js";

/**
 * Background loops a server runs beside HTTP (audience membership, exports…); each is stopped on close. Every
 * `tessera serve` process starts them; a loop that must run once per store (the audience loop) runs under a
 * lease, so with several processes on one PostgreSQL only one runs it and another takes over when it dies.
 */
export interface BackgroundJob {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  onError?: (error: unknown) => void;
  /** Live audience membership (default on; `TESSERA_AUDIENCES=off` turns it off). */
  audiences?: boolean;
  /** Milliseconds between ticks of the audience loop (default 150, or `TESSERA_AUDIENCE_TICK_MS`). */
  audienceTickMs?: number;
  /**
   * How long the audience loop's lease lasts without renewal (default 5,000, or `TESSERA_LEASE_TTL_MS`): with
   * several server processes on one store, how soon another takes over when the one running the loop dies.
   */
  leaseTtlMs?: number;
}

export function startBackgroundJobs(store: Store, o: BackgroundOptions): BackgroundJob[] {
  const jobs: BackgroundJob[] = [];
  if (o.audiences ?? process.env.TESSERA_AUDIENCES !== "off") {
    // One loop among all the processes sharing the store: the others wait for its lease.
    const lease = new Lease(store, "audiences.live", {
      ttlMs: o.leaseTtlMs ?? (Number(process.env.TESSERA_LEASE_TTL_MS) || 5_000),
    });
    const loop = new AudienceLoop(store, {
      lease,
      onError: o.onError ?? ((e) => console.error(`audiences: ${(e as Error).stack ?? e}`)),
    });
    loop.start(o.audienceTickMs ?? (Number(process.env.TESSERA_AUDIENCE_TICK_MS) || 150));
    jobs.push(loop);
  }
  return jobs;
}
