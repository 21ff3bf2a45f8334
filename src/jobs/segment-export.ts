import type { GoldenProfile } from "../master/golden-profile.js";
import { mayContact } from "../privacy/consent.js";
import { getSegment, segmentMemberPage } from "../store/audiences.js";
import { getProfiles } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { signature } from "./webhooks.js";

/**
 * Audience exports: a segment's members with their contact details, as CSV or JSON lines, or POSTed in signed
 * batches to a webhook destination. People who may not be contacted for the purpose (and channel) are left
 * out and counted, never exported.
 */

export interface AudienceMember {
  id: string;
  since: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
}

export interface ExportOptions {
  purpose?: string;
  channel?: string;
  pageSize?: number;
}

export interface ExportTally {
  exported: number;
  /** Left out, by the reason consent gave. */
  withheld: Record<string, number>;
}

export class ExportError extends Error {
  override name = "ExportError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function memberOf(id: string, since: string, p: GoldenProfile | undefined): AudienceMember {
  const email = p?.emails.find((e) => e.valid)?.value ?? p?.emails[0]?.value ?? null;
  const phone = p?.phones.find((x) => x.valid)?.value ?? p?.phones[0]?.value ?? null;
  const a = p?.address?.value;
  return {
    id,
    since,
    name: p?.name?.value.full ?? null,
    email,
    phone,
    city: a?.city ?? null,
    postcode: a?.postcode ?? null,
    country: a?.country ?? null,
  };
}

/** The contactable members of a segment, a page at a time. */
export async function* audiencePages(
  store: Store,
  segmentId: string,
  o: ExportOptions,
  tally: ExportTally,
): AsyncGenerator<AudienceMember[]> {
  const segment = await getSegment(store.db, segmentId);
  if (!segment) throw new ExportError(`no segment ${segmentId}`, 404);
  let after: string | null = null;
  for (;;) {
    const page = await segmentMemberPage(store.db, segmentId, { limit: o.pageSize ?? 1000, after });
    if (page.members.length === 0) break;
    const ids = page.members.map((m) => m.entityId);
    const may = await mayContact(store.db, ids, o.purpose ?? "marketing", o.channel);
    const profiles = await getProfiles(store.db, ids);
    const out: AudienceMember[] = [];
    for (const m of page.members) {
      const p = may.get(m.entityId);
      if (p && !p.allowed) {
        tally.withheld[p.reason] = (tally.withheld[p.reason] ?? 0) + 1;
        continue;
      }
      out.push(memberOf(m.entityId, m.since, profiles.get(m.entityId)));
    }
    tally.exported += out.length;
    if (out.length > 0) yield out;
    if (!page.next) break;
    after = page.next;
  }
}

const columns: (keyof AudienceMember)[] = [
  "id",
  "name",
  "email",
  "phone",
  "city",
  "postcode",
  "country",
  "since",
];

function csvCell(v: string | null): string {
  if (v === null) return "";
  // A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice); a phone number's
  // "+" is data and is kept.
  const safe = /^[=@\t\r]/.test(v) || /^[+-][^\d\s]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The export as text chunks (CSV with a header row, or one JSON object per line). */
export async function* exportLines(
  store: Store,
  segmentId: string,
  format: "csv" | "jsonl",
  o: ExportOptions = {},
  tally: ExportTally = { exported: 0, withheld: {} },
): AsyncGenerator<string> {
  if (format !== "csv" && format !== "jsonl")
    throw new ExportError(`format: "${format}" is not csv or jsonl`);
  if (format === "csv") yield `${columns.join(",")}\n`;
  for await (const page of audiencePages(store, segmentId, o, tally)) {
    yield page
      .map((m) => (format === "csv" ? columns.map((c) => csvCell(m[c])).join(",") : JSON.stringify(m)))
      .join("\n")
      .concat("\n");
  }
}

export interface WebhookExportReport extends ExportTally {
  batches: number;
  url: string;
}

/**
 * POSTs the audience to a destination in batches: `{segment, batch, members}` signed as webhooks are
 * (`X-Tessera-Signature: sha256=HMAC(secret, timestamp.body)`); a batch that fails is retried twice, then the
 * export stops with the error.
 */
export async function exportToWebhook(
  store: Store,
  segmentId: string,
  d: { url: string; secret: string; batchSize?: number } & ExportOptions,
): Promise<WebhookExportReport> {
  let url: URL;
  try {
    url = new URL(d.url);
  } catch {
    throw new ExportError(`url: "${d.url}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ExportError(`url: "${d.url}" is not http(s)`);
  if (!d.secret || d.secret.length < 16) throw new ExportError("secret: needs at least 16 characters");
  const segment = await getSegment(store.db, segmentId);
  if (!segment) throw new ExportError(`no segment ${segmentId}`, 404);
  const tally: ExportTally = { exported: 0, withheld: {} };
  let batches = 0;
  for await (const members of audiencePages(
    store,
    segmentId,
    { ...d, pageSize: d.batchSize ?? 1000 },
    tally,
  )) {
    batches++;
    const body = JSON.stringify({ segment: { id: segment.id, name: segment.name }, batch: batches, members });
    let error = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const r = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "tessera-audiences/1",
            "x-tessera-timestamp": timestamp,
            "x-tessera-signature": signature(d.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        await r.body?.cancel();
        if (r.ok) {
          error = "";
          break;
        }
        error = `HTTP ${r.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
    if (error) throw new ExportError(`the destination refused batch ${batches}: ${error}`, 502);
  }
  return { ...tally, batches, url: url.toString() };
}
