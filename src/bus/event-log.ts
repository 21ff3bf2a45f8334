import type { AcceptedEvent } from "../model/event.js";

/**
 * Where accepted events go before they are acknowledged. `append` resolves only when the events are durable:
 * in-process, when the transaction that stores and applies them has committed; on NATS JetStream, when the
 * stream has acknowledged each message (a resolver worker applies them later, exactly once, because the
 * store skips a message id it has seen).
 */
export interface EventLog {
  append(events: AcceptedEvent[]): Promise<void>;
  /** Events accepted but not yet durable: the ingest API answers 429 above its limit. */
  pending(): number;
  close(): Promise<void>;
}

/** Too much is waiting: the caller should answer 429 with Retry-After. */
export class OverloadedError extends Error {
  override name = "OverloadedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`ingest is overloaded; retry after ${retryAfterSeconds} s`);
  }
}
