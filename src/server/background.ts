import { AudienceLoop } from "../jobs/audience-live.js";
import type { Store } from "../store/open-store.js";

/** Background loops a server runs beside HTTP (audience membership, exports…); each is stopped on close. */
export interface BackgroundJob {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  onError?: (error: unknown) => void;
  /** Live audience membership (default on; `TESSERA_AUDIENCES=off` turns it off). */
  audiences?: boolean;
  /** Milliseconds between ticks of the audience loop (default 150, or `TESSERA_AUDIENCE_TICK_MS`). */
  audienceTickMs?: number;
}

export function startBackgroundJobs(store: Store, o: BackgroundOptions): BackgroundJob[] {
  const jobs: BackgroundJob[] = [];
  if (o.audiences ?? process.env.TESSERA_AUDIENCES !== "off") {
    const loop = new AudienceLoop(store, {
      onError: o.onError ?? ((e) => console.error(`audiences: ${(e as Error).stack ?? e}`)),
    });
    loop.start(o.audienceTickMs ?? (Number(process.env.TESSERA_AUDIENCE_TICK_MS) || 150));
    jobs.push(loop);
  }
  return jobs;
}
