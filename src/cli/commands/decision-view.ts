import type { ArmDraw } from "../../analytics/bandit/channel-choice.js";
import { table } from "../table.js";

/** The evidence of a channel choice for a terminal: each arm's sends, successes, posterior, draw and chance. */
export function armsTable(arms: readonly ArmDraw[], chosen: string | null): string {
  const most = Math.max(0, ...arms.map((a) => a.chance));
  return table(
    ["arm", "sends", "successes", "posterior mean", "drawn", "chance chosen", ""],
    arms.map((a) => [
      `${a.arm === chosen ? "▶ " : "  "}${a.arm}`,
      a.sends,
      a.successes,
      `${(100 * a.mean).toFixed(2)} %`,
      a.sampled === null ? "—" : a.sampled.toFixed(4),
      `${(100 * a.chance).toFixed(1)} %`,
      most > 0 ? "█".repeat(Math.round((a.chance / most) * 20)) || "▏" : "",
    ]),
  );
}

/** Comma-separated names, or undefined. */
export function nameList(value: string | undefined): string[] | undefined {
  const list = value
    ?.split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  return list && list.length > 0 ? list : undefined;
}

export function strategyOption(value: string | undefined): "thompson" | "preference" | undefined {
  if (value === undefined) return undefined;
  if (value !== "thompson" && value !== "preference")
    throw new Error(`--strategy must be thompson or preference, not ${value}`);
  return value;
}

export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be a whole number, not ${value}`);
  return n;
}
