import type { Store } from "../store/open-store.js";

/** Background loops a server runs beside HTTP (audience membership, exports…); each is stopped on close. */
export interface BackgroundJob {
  stop(): Promise<void>;
}

export function startBackgroundJobs(
  _store: Store,
  _o: { onError?: (error: unknown) => void },
): BackgroundJob[] {
  return [];
}
