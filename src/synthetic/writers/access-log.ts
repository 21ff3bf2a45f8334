import { bots, campaigns, products, referrers, shop, trafficSources } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { mobileIp, momentOf, type Person, residenceAt } from "../person.js";
import { hashString, WeightedTable } from "../prng.js";
import { clfTimestamp } from "../time.js";
import type { OrderFact } from "./orders.js";

/**
 * access.log — the web shop's server log in the combined log format. Visitors come from campaigns
 * (utm_* parameters, newsletter clicks carrying a subscriber hash), search and social referrers, browse
 * products, look at their orders; crawlers, scrapers and vulnerability scanners add lines of their own.
 * Lines are numbered when written: the truth's record id for this source is the 1-based line number.
 */

export const accessLogFile = "access.log";

const REFERRERS = new WeightedTable(
  referrers.map((r) => r[0]),
  referrers.map((r) => r[1]),
);
const TRAFFIC = new WeightedTable(
  trafficSources,
  trafficSources.map((t) => t[2]),
);
const BOTS = new WeightedTable(
  bots,
  bots.map((b) => b.weight),
);
const CATEGORIES = [...new Set(products.map((p) => p.category))];
const SEARCHES = [
  "rain jacket",
  "wool socks",
  "tent",
  "gift for dad",
  "candles",
  "mug",
  "sale",
  "earbuds",
  "kids boots",
];

export interface Hit {
  ip: string;
  time: number;
  method: "GET" | "POST" | "HEAD";
  path: string;
  status: number;
  bytes: number;
  referrer: string;
  userAgent: string;
}

export function accessLine(hit: Hit): string {
  const bytes = hit.status === 304 || hit.bytes === 0 ? "-" : String(hit.bytes);
  return `${hit.ip} - - [${clfTimestamp(hit.time)}] "${hit.method} ${hit.path} HTTP/1.1" ${hit.status} ${bytes} "${hit.referrer}" "${hit.userAgent}"\n`;
}

export function emitHit(ctx: ChunkContext, hit: Hit, subject: Subject): void {
  emit(ctx, "access_log", "", hit.time, accessLine(hit), subject);
}

function productPath(ctx: ChunkContext): string {
  const p = ctx.rng.pick(products);
  return `/products/${p.sku.toLowerCase()}-${p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

function status(ctx: ChunkContext): number {
  return ctx.rng.weighted([200, 304, 404, 301, 500], [90, 4, 3, 2, 1]);
}

function landingQuery(ctx: ChunkContext, email: string): { query: string; referrer: string } {
  const rng = ctx.rng;
  if (!rng.chance(0.45)) return { query: "", referrer: REFERRERS.sample(rng) };
  const [source, medium] = TRAFFIC.sample(rng);
  let query = `utm_source=${source}&utm_medium=${medium}&utm_campaign=${rng.pick(campaigns)}`;
  if (rng.chance(0.4))
    query += `&utm_content=${rng.pick(["hero", "banner_a", "banner_b", "text_link", "carousel"])}`;
  if (medium === "cpc" && rng.chance(0.5)) query += `&utm_term=${rng.pick(SEARCHES).replace(/ /g, "+")}`;
  if (source === "google" && rng.chance(0.6)) query += `&gclid=${rng.hex(12)}`;
  if ((source === "facebook" || source === "instagram") && rng.chance(0.6))
    query += `&fbclid=IwAR${rng.hex(10)}`;
  if (source === "newsletter") {
    // e-mail service providers tag links with a stable hash of the subscriber's address
    const key = email.toLowerCase();
    query += `&mc_eid=${hashString(key).toString(16).padStart(8, "0")}${(hashString(key, 7) & 0xff).toString(16).padStart(2, "0")}`;
  }
  const referrer =
    medium === "email" || medium === "sms"
      ? "-"
      : source === "google"
        ? "https://www.google.com/"
        : REFERRERS.sample(rng);
  return { query, referrer };
}

export function writeAccessLog(
  ctx: ChunkContext,
  person: Person,
  orders: readonly OrderFact[],
  email: (t: number) => string,
): void {
  const { rng, timeline } = ctx;
  const subject: Subject = { personId: person.id, householdId: person.household.id, fake: false };
  for (let s = 0; s < person.presence.webSessions; s++) {
    let time = momentOf(rng, person, timeline);
    const onPhone = rng.chance(0.4);
    const ip = onPhone && rng.chance(0.6) ? mobileIp(rng) : residenceAt(person.household, time).ip;
    const userAgent = onPhone ? person.mobileUserAgent : person.desktopUserAgent;
    const landing = landingQuery(ctx, email(time));
    const first = rng.chance(0.5) ? "/" : productPath(ctx);
    let path = landing.query === "" ? first : `${first}?${landing.query}`;
    let referrer = landing.referrer;
    const hits = 1 + rng.geometric(0.35, 8);
    for (let h = 0; h < hits; h++) {
      emitHit(
        ctx,
        {
          ip,
          time,
          method: "GET",
          path,
          status: status(ctx),
          bytes: rng.range(800, 64000),
          referrer,
          userAgent,
        },
        subject,
      );
      referrer = `https://${shop.host}${path}`;
      time += rng.range(4, 240);
      const earlier = orders.filter((o) => o.time < time);
      const x = rng.next();
      if (x < 0.45) path = productPath(ctx);
      else if (x < 0.6) path = `/category/${rng.pick(CATEGORIES)}`;
      else if (x < 0.7) path = `/search?q=${rng.pick(SEARCHES).replace(/ /g, "+")}`;
      else if (x < 0.8) path = "/cart";
      else if (x < 0.88 && earlier.length > 0) path = `/account/orders/${rng.pick(earlier).id}`;
      else if (x < 0.94) path = "/account";
      else path = `/blog/${rng.pick(["trail-guide", "gift-ideas", "care-for-wool", "camp-cooking"])}`;
    }
  }
}

/** A crawler's or scanner's visit: a run of requests from one address, about no person. */
export function writeBotVisit(ctx: ChunkContext): void {
  const { rng, timeline } = ctx;
  const bot = BOTS.sample(rng);
  const subject: Subject = {
    personId: `B${String(++ctx.sequences.bot.next).padStart(7, "0")}`,
    householdId: "",
    fake: true,
  };
  const ip = `${bot.network}.${rng.int(256)}.${rng.range(1, 254)}`;
  let time = timeline.start + rng.int(timeline.asOf - timeline.start);
  const hits = 3 + rng.geometric(0.12, 60);
  for (let h = 0; h < hits; h++) {
    let path = rng.pick(bot.paths);
    if (path.endsWith("/") && path !== "/")
      path += path === "/products/" ? productPath(ctx).slice(10) : rng.hex(3);
    if (path.endsWith("=")) path += String(rng.range(1, 200));
    const scanner = bot.name === "scanner";
    emitHit(
      ctx,
      {
        ip,
        time,
        method: bot.name === "curl" && rng.chance(0.5) ? "HEAD" : "GET",
        path,
        status: scanner ? 404 : rng.weighted([200, 301, 404], [92, 4, 4]),
        bytes: scanner ? rng.range(150, 600) : rng.range(500, 80000),
        referrer: "-",
        userAgent: bot.userAgent,
      },
      subject,
    );
    time += rng.range(1, 30);
  }
}
