import type { Address } from "./addresses.js";
import type { CorruptionRates, Corruptor } from "./corrupt.js";
import type { ScrambledSequence, TakenFilter } from "./ids.js";
import type { Timeline } from "./person.js";
import type { Pools } from "./pools.js";
import type { Rng } from "./prng.js";

/**
 * What a source writer works with while one chunk of the population is turned into records: the chunk's
 * random stream, the corruptor, the id sequences, and per-source lists the records are collected in before
 * they are shuffled (or sorted by time) and written.
 */

export const sourceNames = [
  "crm",
  "orders",
  "web_signups",
  "app_events",
  "access_log",
  "support",
  "social",
  "support_chat",
] as const;
export type SourceName = (typeof sourceNames)[number];

/** Who a record is about, as the ground truth tells it. */
export interface Subject {
  personId: string;
  /** Empty for fake profiles and bots. */
  householdId: string;
  fake: boolean;
}

export interface EmittedRecord {
  /** The source record id; empty for access-log lines, which are numbered when written. */
  id: string;
  /** When the record happened (seconds), for sources written in time order. */
  time: number;
  /** The record's text, with its line ending(s). */
  text: string;
  subject: Subject;
}

export interface Sequences {
  customer: ScrambledSequence;
  order: ScrambledSequence;
  nameFallback: ScrambledSequence;
  bot: { next: number };
  fake: { next: number };
}

export interface ChunkContext {
  rng: Rng;
  pools: Pools;
  corrupt: Corruptor;
  rates: Readonly<CorruptionRates>;
  timeline: Timeline;
  sequences: Sequences;
  taken: TakenFilter;
  /** A random address of another household in the chunk (a gift's recipient, an office). */
  otherAddress: () => Address;
  out: Record<SourceName, EmittedRecord[]>;
}

export function emit(
  ctx: ChunkContext,
  source: SourceName,
  id: string,
  time: number,
  text: string,
  subject: Subject,
): void {
  // reading a character flattens the string built by concatenation while its pieces are still in cache
  text.charCodeAt(0);
  ctx.out[source].push({ id, time, text, subject });
}
