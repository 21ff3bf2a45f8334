import { type Enrichment, enrich } from "../enrich/derive.js";
import type { ResolveProgress } from "../resolve/resolve.js";
import type { Store } from "../store/open-store.js";
import { type EnrichmentRow, replaceEnrichment } from "../store/quality.js";
import { loadQualityEntities } from "./quality.js";

/**
 * Enriching every golden profile with what its data implies (src/enrich): place and time zone, age band,
 * tenure, preferred channel and device. Each value is stored as derived, with how and from what.
 */

export interface EnrichOptions {
  now?: () => Date;
  /** Source → channel, where a source's name does not say it. */
  channels?: Record<string, string>;
  progress?: ResolveProgress;
}

export interface EnrichReport {
  profiles: number;
  /** Field → profiles that got a value. */
  derived: Record<keyof Enrichment, number>;
  /** The most common time zones, channels and devices. */
  timeZones: Record<string, number>;
  channels: Record<string, number>;
  devices: Record<string, number>;
  seconds: number;
}

function bump(into: Record<string, number>, key: string | null | undefined): void {
  if (key) into[key] = (into[key] ?? 0) + 1;
}

export async function enrichProfiles(store: Store, options: EnrichOptions = {}): Promise<EnrichReport> {
  const started = performance.now();
  const now = (options.now ?? (() => new Date()))();
  const at = now.toISOString();
  const { entities } = await loadQualityEntities(store);
  if (entities.size === 0)
    throw new Error("the store holds no golden profiles to enrich: run tessera master first");
  const rows: EnrichmentRow[] = [];
  const report: EnrichReport = {
    profiles: entities.size,
    derived: { place: 0, ageBand: 0, tenure: 0, preferredChannel: 0, preferredDevice: 0 },
    timeZones: {},
    channels: {},
    devices: {},
    seconds: 0,
  };
  let done = 0;
  for (const e of entities.values()) {
    const found = enrich(e.profile, e.records, now, options.channels ? { channels: options.channels } : {});
    for (const field of Object.keys(found) as (keyof Enrichment)[]) {
      const v = found[field];
      if (!v) continue;
      report.derived[field]++;
      rows.push({ entityId: e.id, field, value: v.value, derivation: { ...v.derivation } });
    }
    bump(report.timeZones, found.place?.value.timeZone);
    bump(report.channels, found.preferredChannel?.value.channel);
    bump(report.devices, found.preferredDevice?.value.device);
    if (++done % 20_000 === 0) options.progress?.("enrich", `${done.toLocaleString("en-US")} profiles`);
  }
  await store.db.transaction().execute((trx) => replaceEnrichment(trx, rows, at));
  const topOf = (r: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(r)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10),
    );
  report.timeZones = topOf(report.timeZones);
  report.channels = topOf(report.channels);
  report.devices = topOf(report.devices);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
