/**
 * Which marketing channel a visit came from, read off its campaign parameters (utm_*) and referrer, in the
 * manner of web analytics' default channel groupings. Rules are tried in order; the first that matches
 * names the channel. They are plain data (`ChannelRule[]`), so a deployment can replace or extend them
 * (e.g. from a JSON file); patterns are case-insensitive regular expressions.
 *
 * A visit is a touchpoint when it carries campaign parameters or comes from another site. A page view whose
 * referrer is the site itself is a step inside a visit, not a touchpoint; a visit with neither (typed in,
 * bookmarked) is `direct`, which `includeDirect: false` leaves out.
 */

export interface ChannelRule {
  channel: string;
  /** Patterns over utm_medium, utm_source and the referrer's host; every one given must match. */
  medium?: string;
  source?: string;
  referrer?: string;
  /** When true the rule applies only to visits without campaign parameters (organic referrals). */
  organicOnly?: boolean;
}

export const defaultChannelRules: readonly ChannelRule[] = [
  {
    channel: "paid_social",
    medium: "^(cpc|ppc|paid|paid[-_ ]?social|social[-_ ]?(paid|ads?))$",
    source: "facebook|instagram|meta|tiktok|linkedin|twitter|^x$|pinterest|snapchat|reddit",
  },
  { channel: "paid_social", medium: "^(paid[-_ ]?social|social[-_ ]?(paid|ads?))$" },
  { channel: "paid_search", medium: "^(cpc|ppc|paid[-_ ]?search|sem|search[-_ ]?ads?)$" },
  { channel: "display", medium: "^(display|banner|cpm|expandable|interstitial|programmatic)$" },
  { channel: "email", medium: "^(e[-_ ]?mail|newsletter|crm)$" },
  { channel: "email", source: "^(e[-_ ]?mail|newsletter)$" },
  { channel: "sms", medium: "^(sms|text)$" },
  { channel: "push", medium: "push" },
  { channel: "affiliate", medium: "^affiliates?$" },
  { channel: "social", medium: "^(social|social[-_ ]?network|social[-_ ]?media|sm|organic[-_ ]?social)$" },
  { channel: "video", medium: "^video$" },
  { channel: "referral", medium: "^referral$" },
  {
    channel: "organic_search",
    referrer: "(^|\\.)(google|bing|duckduckgo|yahoo|baidu|yandex|ecosia|qwant|search\\.brave|startpage)\\.",
    organicOnly: true,
  },
  {
    channel: "organic_social",
    referrer:
      "(^|\\.)(facebook|instagram|t\\.co$|twitter|x\\.com$|linkedin|lnkd\\.in$|pinterest|reddit|tiktok|youtube|threads)",
    organicOnly: true,
  },
];

export interface Visit {
  /** utm_source / utm_medium / utm_campaign, from the event's context.campaign or the page URL. */
  source?: string | null;
  medium?: string | null;
  campaign?: string | null;
  referrer?: string | null;
  url?: string | null;
}

export interface ClassifyOptions {
  rules?: readonly ChannelRule[];
  includeDirect?: boolean;
}

interface CompiledRule {
  channel: string;
  medium: RegExp | null;
  source: RegExp | null;
  referrer: RegExp | null;
  organicOnly: boolean;
}

const compiled = new WeakMap<readonly ChannelRule[], CompiledRule[]>();

function compile(rules: readonly ChannelRule[]): CompiledRule[] {
  let c = compiled.get(rules);
  if (!c) {
    c = rules.map((r, i) => {
      const re = (p: string | undefined, field: string) => {
        if (p === undefined) return null;
        try {
          return new RegExp(p, "i");
        } catch (e) {
          throw new Error(
            `channel rule ${i + 1} (${r.channel}): ${field} /${p}/ is not a pattern: ${(e as Error).message}`,
          );
        }
      };
      return {
        channel: r.channel,
        medium: re(r.medium, "medium"),
        source: re(r.source, "source"),
        referrer: re(r.referrer, "referrer"),
        organicOnly: r.organicOnly === true,
      };
    });
    compiled.set(rules, c);
  }
  return c;
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return null;
  }
}

/** Campaign parameters from a URL's query, when the event's context does not carry them. */
export function utmFromUrl(url: string | null | undefined): {
  source?: string;
  medium?: string;
  campaign?: string;
} {
  if (!url?.includes("utm_")) return {};
  try {
    const q = new URL(url).searchParams;
    const out: { source?: string; medium?: string; campaign?: string } = {};
    const s = q.get("utm_source");
    const m = q.get("utm_medium");
    const c = q.get("utm_campaign");
    if (s) out.source = s;
    if (m) out.medium = m;
    if (c) out.campaign = c;
    return out;
  } catch {
    return {};
  }
}

/** The channel and campaign of a visit, or null when it is not a touchpoint. */
export function classifyVisit(
  visit: Visit,
  options: ClassifyOptions = {},
): { channel: string; campaign: string | null } | null {
  const fromUrl = visit.source || visit.medium ? {} : utmFromUrl(visit.url);
  const source = (visit.source ?? fromUrl.source ?? "").trim();
  const medium = (visit.medium ?? fromUrl.medium ?? "").trim();
  const campaign = (visit.campaign ?? fromUrl.campaign ?? "").trim() || null;
  const tagged = source !== "" || medium !== "";
  const refHost = hostOf(visit.referrer);
  const pageHost = hostOf(visit.url);
  const external = refHost !== null && refHost !== pageHost;
  if (!tagged && !external) {
    if (refHost !== null) return null; // a step inside the site
    return options.includeDirect === false ? null : { channel: "direct", campaign: null };
  }
  for (const r of compile(options.rules ?? defaultChannelRules)) {
    if (r.organicOnly && tagged) continue;
    if (r.medium && !r.medium.test(medium)) continue;
    if (r.source && !r.source.test(source)) continue;
    if (r.referrer && !(refHost !== null && r.referrer.test(refHost))) continue;
    return { channel: r.channel, campaign };
  }
  return { channel: tagged ? "other_campaign" : "referral", campaign };
}
