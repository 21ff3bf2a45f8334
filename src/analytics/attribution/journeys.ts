import type { Journey } from "./paths.js";

/**
 * Customer journeys from one person's touchpoints and conversions. Each conversion closes a journey made of
 * the touchpoints in the lookback window before it (older ones are forgotten) and starts a new one: a
 * touchpoint earns credit for at most one conversion. Touchpoints left after the last conversion make a
 * journey that did not convert (a null). A conversion with no touchpoint in its window is counted, not
 * credited to anything.
 */

export interface Touchpoint {
  at: number;
  channel: string;
  campaign: string | null;
}

export interface Conversion {
  at: number;
  value: number;
}

export type CreditBy = "channel" | "campaign";

export interface JourneyOptions {
  lookbackDays?: number;
  by?: CreditBy;
  /** The same touchpoint again within this many minutes is the same visit (default 30). */
  repeatMinutes?: number;
}

export interface JourneyCounts {
  journeys: number;
  converting: number;
  conversionsWithoutTouchpoints: number;
  valueWithoutTouchpoints: number;
}

const day = 86_400_000;

/** The name a touchpoint is credited under: its channel, or its campaign (channel/campaign). */
export function touchKey(t: Touchpoint, by: CreditBy): string {
  return by === "campaign" ? `${t.channel}/${t.campaign ?? "(none)"}` : t.channel;
}

/**
 * Calls `emit` with each journey of one person. Touchpoints and conversions need not be sorted. Ages are in
 * days before the conversion (or the last touch, for a null journey).
 */
export function journeysOf(
  touchpoints: readonly Touchpoint[],
  conversions: readonly Conversion[],
  options: JourneyOptions,
  emit: (j: Journey) => void,
  counts?: JourneyCounts,
): void {
  const lookback = (options.lookbackDays ?? 30) * day;
  if (!(lookback > 0))
    throw new RangeError(`the lookback window must be positive, not ${options.lookbackDays}`);
  const by = options.by ?? "channel";
  const repeat = (options.repeatMinutes ?? 30) * 60_000;
  const touches = [...touchpoints].sort((a, b) => a.at - b.at);
  const convs = [...conversions].sort((a, b) => a.at - b.at);
  let open: { key: string; at: number }[] = [];
  let t = 0;
  const take = (until: number, inclusive: boolean) => {
    while (t < touches.length) {
      const x = touches[t] as Touchpoint;
      if (inclusive ? x.at > until : x.at >= until) break;
      const key = touchKey(x, by);
      const last = open[open.length - 1];
      if (!(last && last.key === key && x.at - last.at <= repeat)) open.push({ key, at: x.at });
      else last.at = x.at;
      t++;
    }
  };
  const close = (end: number, conversions: number, value: number) => {
    const inWindow = open.filter((o) => o.at >= end - lookback);
    open = [];
    if (inWindow.length === 0) {
      if (counts && conversions > 0) {
        counts.conversionsWithoutTouchpoints += conversions;
        counts.valueWithoutTouchpoints += value;
      }
      return;
    }
    emit({
      touchpoints: inWindow.map((o) => o.key),
      ages: inWindow.map((o) => (end - o.at) / day),
      conversions,
      value,
      nulls: conversions > 0 ? 0 : 1,
    });
    if (counts) {
      counts.journeys++;
      if (conversions > 0) counts.converting++;
    }
  };
  for (const c of convs) {
    // A touchpoint at the very moment of a conversion (the order confirmation page) belongs to it.
    take(c.at, true);
    close(c.at, 1, c.value);
  }
  take(Number.POSITIVE_INFINITY, true);
  const last = open[open.length - 1];
  if (last) close(last.at, 0, 0);
}
