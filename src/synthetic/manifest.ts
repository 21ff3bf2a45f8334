import type { SourceName } from "./context.js";
import type { CorruptionRates } from "./corrupt.js";
import { type MappedSource, sourceMappings } from "./mappings.js";
import { peopleFile, truthFile } from "./truth.js";
import { accessLogFile } from "./writers/access-log.js";
import { appEventsFile } from "./writers/app-events.js";
import { crmFile } from "./writers/crm.js";
import { ordersFile } from "./writers/orders.js";
import { socialFile } from "./writers/social.js";
import { supportChatFile } from "./writers/support-chat.js";
import { supportFile } from "./writers/support-mbox.js";
import { webSignupsFile } from "./writers/web-signups.js";

/**
 * manifest.json: what a generated data set holds — how it was made (generator, version, seed, rates), how
 * many people and households it describes, and for each source its file, format, mapping and record count.
 * Nothing in it depends on the wall clock, so the same seed gives the same manifest.
 */

export const generatorName = "tessera-synthetic";
export const generatorVersion = "1.0.0";
export const manifestFile = "manifest.json";

export type OutputFormat = "csv" | "jsonl" | "log" | "mbox";

export interface SourceLayout {
  name: SourceName;
  file: string;
  format: OutputFormat;
  /** Records are written shuffled, or in time order (event streams, logs, mailboxes). */
  order: "shuffle" | "time";
}

export const sourceLayout: readonly SourceLayout[] = [
  { name: "crm", file: crmFile, format: "csv", order: "shuffle" },
  { name: "orders", file: ordersFile, format: "csv", order: "shuffle" },
  { name: "web_signups", file: webSignupsFile, format: "jsonl", order: "shuffle" },
  { name: "app_events", file: appEventsFile, format: "jsonl", order: "time" },
  { name: "access_log", file: accessLogFile, format: "log", order: "time" },
  { name: "support", file: supportFile, format: "mbox", order: "time" },
  { name: "social", file: socialFile, format: "jsonl", order: "shuffle" },
  { name: "support_chat", file: supportChatFile, format: "jsonl", order: "time" },
];

export function mappingPath(source: SourceName): string | null {
  return source in sourceMappings ? `mappings/${source as MappedSource}.json` : null;
}

export interface ManifestSource {
  name: SourceName;
  file: string;
  format: OutputFormat;
  mapping: string | null;
  records: number;
}

export interface Manifest {
  generator: string;
  version: string;
  seed: number;
  people: number;
  households: number;
  fakes: number;
  /** The data set's "now", derived from the seed. */
  createdAt: string;
  corruption: CorruptionRates;
  sources: ManifestSource[];
  truth: { records: string; people: string };
}

export function buildManifest(fields: {
  seed: number;
  people: number;
  households: number;
  fakes: number;
  createdAt: string;
  corruption: CorruptionRates;
  records: Record<SourceName, number>;
}): Manifest {
  return {
    generator: generatorName,
    version: generatorVersion,
    seed: fields.seed,
    people: fields.people,
    households: fields.households,
    fakes: fields.fakes,
    createdAt: fields.createdAt,
    corruption: fields.corruption,
    sources: sourceLayout.map((s) => ({
      name: s.name,
      file: s.file,
      format: s.format,
      mapping: mappingPath(s.name),
      records: fields.records[s.name],
    })),
    truth: { records: truthFile, people: peopleFile },
  };
}
