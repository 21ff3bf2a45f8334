/** What every attribution model returns: conversions and value credited to each channel. */

export type HeuristicModel = "first_touch" | "last_touch" | "linear" | "time_decay" | "position_based";
export type DataDrivenModel = "markov_1" | "markov_2" | "markov_3" | "shapley";
export type ModelName = HeuristicModel | DataDrivenModel;

export const heuristicModels: readonly HeuristicModel[] = [
  "first_touch",
  "last_touch",
  "linear",
  "time_decay",
  "position_based",
];
export const allModels: readonly ModelName[] = [
  ...heuristicModels,
  "markov_1",
  "markov_2",
  "markov_3",
  "shapley",
];

export function isModelName(name: string): name is ModelName {
  return (allModels as readonly string[]).includes(name);
}

export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
}

export interface ModelCredit {
  model: ModelName;
  credits: ChannelCredit[];
  /** Markov models: each channel's removal effect on conversions and on value, in [0, 1]. */
  removalEffects?: { channel: string; conversions: number; value: number }[];
  /** Markov models: the chain's conversion probability from the start, and its size. */
  chain?: { states: number; transitions: number; conversionProbability: number; solver: string };
  /** Shapley: the coalition definition used. */
  coalition?: string;
}

/** Credits from per-channel arrays, in channel-code order. */
export function creditsFrom(
  channels: readonly string[],
  conv: Float64Array,
  value: Float64Array,
): ChannelCredit[] {
  return channels.map((channel, c) => ({
    channel,
    conversions: conv[c] as number,
    value: value[c] as number,
  }));
}
