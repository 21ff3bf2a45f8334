import { allModels, type ModelCredit, type ModelName } from "./credit.js";
import { type HeuristicOptions, heuristicCredit } from "./heuristics.js";
import { markovAttribution } from "./markov.js";
import { type PathTable, totals } from "./paths.js";
import { type Coalition, shapleyAttribution } from "./shapley.js";

export interface AttributeOptions extends HeuristicOptions {
  models?: readonly ModelName[];
  coalition?: Coalition;
  solver?: "auto" | "dense" | "iterative";
  /** Called after each model with its name and the milliseconds it took. */
  onModel?: (model: ModelName, ms: number) => void;
}

export interface AttributionReport {
  /** What the touchpoints are: channels, campaigns, … */
  by: string;
  journeys: number;
  paths: number;
  conversions: number;
  value: number;
  nulls: number;
  channels: string[];
  models: ModelCredit[];
  /** Each model's run time in milliseconds. */
  timings: Record<string, number>;
}

/** Runs the chosen models (default: all) over a path table. */
export function attribute(
  table: PathTable,
  options: AttributeOptions = {},
  by = "channel",
): AttributionReport {
  const models = options.models ?? allModels;
  const out: ModelCredit[] = [];
  const timings: Record<string, number> = {};
  for (const model of models) {
    const t0 = performance.now();
    let credit: ModelCredit;
    switch (model) {
      case "markov_1":
      case "markov_2":
      case "markov_3":
        credit = markovAttribution(table, {
          order: Number(model.slice(-1)),
          ...(options.solver ? { solver: options.solver } : {}),
        });
        break;
      case "shapley":
        credit = shapleyAttribution(table, options.coalition ? { coalition: options.coalition } : {});
        break;
      default:
        credit = { model, credits: heuristicCredit(table, model, options) };
    }
    out.push(credit);
    const ms = performance.now() - t0;
    timings[model] = ms;
    options.onModel?.(model, ms);
  }
  const t = totals(table);
  return {
    by,
    journeys: table.journeys,
    paths: table.paths.length,
    conversions: t.conversions,
    value: t.value,
    nulls: t.nulls,
    channels: [...table.channels],
    models: out,
    timings,
  };
}
