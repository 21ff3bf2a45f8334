/**
 * Page views grouped into visits: a session is one visitor's run of hits with no gap longer than 30
 * minutes (the web-analytics convention). A visitor is whatever the source knows: an anonymous id or
 * cookie when there is one, else IP address and user agent. Sessions are closed and handed on as soon as
 * the input has moved 30 minutes past their last hit, so memory holds only the visits still open (input in
 * rough time order, as logs are, is assumed; a hit more than 30 minutes late starts a new session).
 */

export const sessionTimeoutSeconds = 30 * 60;
/** Hits kept per session for its page list; more are counted, not kept. */
export const maxHitsKept = 200;

export interface PageHit {
  /** Seconds since the epoch. */
  time: number;
  /** The source row (log line number, JSON line number) the hit came from. */
  row: number;
  method: string;
  /** Path and query, as requested. */
  url: string;
  status: number | null;
  referrer: string | null;
  userAgent: string | null;
  ip: string | null;
  /** A visitor id the source gives (anonymousId, cookie); null for a web server log. */
  visitor: string | null;
  userId?: string | null;
}

export interface Session {
  key: string;
  hits: PageHit[];
  count: number;
  first: PageHit;
  last: PageHit;
}

export class Sessionizer {
  private readonly open = new Map<string, Session>();
  private readonly closed: Session[] = [];
  private latest = Number.NEGATIVE_INFINITY;
  private sinceSweep = 0;

  constructor(private readonly timeout = sessionTimeoutSeconds) {}

  add(hit: PageHit): void {
    const key = hit.visitor ?? `${hit.ip ?? "-"}|${hit.userAgent ?? "-"}`;
    const session = this.open.get(key);
    if (
      session !== undefined &&
      hit.time - session.last.time <= this.timeout &&
      hit.time >= session.last.time - this.timeout
    ) {
      session.count++;
      if (session.hits.length < maxHitsKept) session.hits.push(hit);
      if (hit.time >= session.last.time) session.last = hit;
    } else {
      if (session !== undefined) this.closed.push(session);
      this.open.set(key, { key, hits: [hit], count: 1, first: hit, last: hit });
    }
    if (hit.time > this.latest) this.latest = hit.time;
    if (++this.sinceSweep >= 1000) this.sweep();
  }

  /** Sessions that can no longer grow, in the order they closed. */
  take(): Session[] {
    return this.closed.splice(0, this.closed.length);
  }

  /** Closes every open session (at the end of the input). */
  end(): void {
    const rest = [...this.open.values()].sort((a, b) => a.first.row - b.first.row);
    this.open.clear();
    this.closed.push(...rest);
  }

  private sweep(): void {
    this.sinceSweep = 0;
    const horizon = this.latest - this.timeout;
    for (const [key, session] of this.open) {
      if (session.last.time < horizon) {
        this.open.delete(key);
        this.closed.push(session);
      }
    }
  }
}

const BOT_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|curl\/|wget|python-|requests\/|scrapy|httpclient|http-client|go-http|java\/|libwww|okhttp|headless|phantomjs|puppeteer|playwright|selenium|facebookexternalhit|preview|monitor|uptime|pingdom|zgrab|nikto|sqlmap|nmap|masscan|censys|scanner/i;
const PROBE_PATH =
  /^\/(?:robots\.txt|sitemap[^/]*\.xml|wp-login\.php|wp-admin|xmlrpc\.php|\.env|\.git\/|phpmyadmin|admin\/?$|cgi-bin|vendor\/phpunit|boaform|actuator|server-status)/i;

/**
 * Why a session looks automated, or null when it looks human. By user agent (crawlers, HTTP libraries,
 * headless browsers, scanners; a missing one) and by behaviour: probing for robots.txt or admin pages,
 * requests faster than a person clicks, or mostly errors.
 */
export function botReason(session: Session): string | null {
  const agent = session.first.userAgent;
  // A server log always has the user agent a browser sends; an app's events often do not say it.
  if ((agent === null || agent === "" || agent === "-") && session.first.visitor === null)
    return "no user agent";
  const named = agent === null ? null : BOT_AGENT.exec(agent);
  if (agent !== null && named) return `user agent "${agent.slice(0, 120)}" is automated (${named[0]})`;
  const probe = session.hits.find((h) => PROBE_PATH.test(h.url));
  if (probe) return `requested ${probe.url.slice(0, 80)}, which browsers do not`;
  const seconds = session.last.time - session.first.time;
  if (session.count >= 20 && seconds / (session.count - 1) < 2) {
    return `${session.count} requests in ${seconds} s, faster than a person clicks`;
  }
  const errors = session.hits.filter((h) => h.status !== null && h.status >= 400).length;
  if (session.hits.length >= 5 && errors / session.hits.length > 0.5) {
    return `${errors} of ${session.hits.length} requests failed`;
  }
  return null;
}

const CAMPAIGN_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;
const CLICK_IDS = ["gclid", "fbclid", "msclkid", "mc_eid", "mc_cid"] as const;
const ORDER_PATH = /\/orders?\/([A-Za-z0-9][A-Za-z0-9_-]{2,40})(?:[/?#]|$)/;

function queryOf(url: string): URLSearchParams | null {
  const q = url.indexOf("?");
  if (q === -1) return null;
  try {
    return new URLSearchParams(url.slice(q + 1).split("#")[0]);
  } catch {
    return null;
  }
}

function pathOf(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

function isoOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/**
 * A session as a flat row: `session_id` (the first hit's row), visitor (`ip`, `user_agent`,
 * `anonymous_id`, `user_id`), `started_at`, `ended_at`, `duration_s`, `hits`, `pages` (paths in order),
 * `landing_page`, `exit_page`, `referrer` (the first from another site), campaign parameters (`utm_*`) and
 * click ids (`gclid`, `fbclid`, `mc_eid`…) from the landing hit, order ids seen in paths (`/orders/<id>`),
 * `form_posts` (paths POSTed to) and `errors` (hits with status ≥ 400).
 */
export function sessionRow(session: Session, ownHost?: string): Record<string, unknown> {
  const { first, last, hits } = session;
  const row: Record<string, unknown> = { session_id: String(first.row) };
  if (first.ip) row.ip = first.ip;
  if (first.userAgent) row.user_agent = first.userAgent;
  if (first.visitor) row.anonymous_id = first.visitor;
  const userId = hits.find((h) => h.userId)?.userId;
  if (userId) row.user_id = userId;
  row.started_at = isoOf(first.time);
  row.ended_at = isoOf(last.time);
  row.duration_s = last.time - first.time;
  row.hits = session.count;
  row.pages = hits.map((h) => pathOf(h.url));
  row.landing_page = pathOf(first.url);
  row.exit_page = pathOf(last.url);
  const external = hits.find(
    (h) =>
      h.referrer !== null && h.referrer !== "-" && (ownHost === undefined || !h.referrer.includes(ownHost)),
  );
  if (external?.referrer) row.referrer = external.referrer;
  const query = queryOf(first.url);
  if (query) {
    for (const key of [...CAMPAIGN_KEYS, ...CLICK_IDS]) {
      const value = query.get(key);
      if (value) row[key] = value;
    }
  }
  const orders = new Set<string>();
  for (const h of hits) {
    const m = ORDER_PATH.exec(pathOf(h.url));
    if (m) orders.add(m[1]!);
  }
  if (orders.size > 0) row.order_ids = [...orders];
  const posts = hits.filter((h) => h.method === "POST").map((h) => pathOf(h.url));
  if (posts.length > 0) row.form_posts = posts;
  const errors = hits.filter((h) => h.status !== null && h.status >= 400).length;
  if (errors > 0) row.errors = errors;
  return row;
}
