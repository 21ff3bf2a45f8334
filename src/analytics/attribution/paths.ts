/**
 * Journeys aggregated by path. Attribution reads each distinct path once with its counts, so a million
 * journeys over a dozen channels cost a Map lookup each and the models run over the distinct paths only.
 * Channels are interned to small integers; a path is an Int32Array of channel codes in time order.
 */

export interface Journey {
  /** Touchpoints in time order: a channel, or a campaign, or whatever the credit is wanted by. */
  touchpoints: readonly string[];
  /** Conversions the journey ended in (usually 0 or 1; aggregated inputs carry counts). */
  conversions: number;
  /** Their value (revenue). */
  value: number;
  /** Journeys on this path that did not convert. */
  nulls: number;
  /**
   * Optional: each touchpoint's age at the end of the journey (days before the conversion or the end of the
   * window), for time decay. Without it a touchpoint is one step older than the next.
   */
  ages?: readonly number[];
}

export interface PathTable {
  /** Channel names by code. */
  channels: string[];
  paths: Int32Array[];
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
  /** Journeys read (a path row with counts is as many journeys as its conversions and nulls). */
  journeys: number;
  /**
   * Time-decay weight sums per path and position, when journeys carried ages: Σ over the path's converting
   * journeys of conversions × normalised weight (and the same for value). Absent: decay by steps.
   */
  decay?: { halfLifeDays: number; conversions: Float64Array[]; value: Float64Array[] };
}

const initialCapacity = 1024;

/** Builds a `PathTable` journey by journey, interning channels and aggregating identical paths. */
export class PathTableBuilder {
  private readonly channelCodes = new Map<string, number>();
  readonly channels: string[] = [];
  private readonly index = new Map<string, number>();
  private paths: Int32Array[] = [];
  private conversions = new Float64Array(initialCapacity);
  private value = new Float64Array(initialCapacity);
  private nulls = new Float64Array(initialCapacity);
  private decayConversions: Float64Array[] = [];
  private decayValue: Float64Array[] = [];
  private timed = false;
  private journeys = 0;

  /** @param halfLifeDays time decay's half-life when journeys carry ages. */
  constructor(private readonly halfLifeDays = 7) {
    if (!(halfLifeDays > 0)) throw new RangeError(`the half-life must be positive, not ${halfLifeDays}`);
  }

  code(channel: string): number {
    let c = this.channelCodes.get(channel);
    if (c === undefined) {
      c = this.channels.length;
      this.channelCodes.set(channel, c);
      this.channels.push(channel);
    }
    return c;
  }

  add(journey: Journey): void {
    const n = journey.touchpoints.length;
    if (n === 0) return;
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = this.code(journey.touchpoints[i] as string);
    this.addCodes(codes, journey.conversions, journey.value, journey.nulls, journey.ages);
  }

  /** Adds a path already encoded with `code` (the fast path for generated or pre-parsed input). */
  addCodes(
    codes: Int32Array,
    conversions: number,
    value: number,
    nulls: number,
    ages?: readonly number[],
  ): void {
    if (codes.length === 0) return;
    const key = codes.join(",");
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.paths.length;
      this.index.set(key, i);
      this.paths.push(codes);
      if (i >= this.conversions.length) this.grow();
    }
    this.conversions[i] = (this.conversions[i] as number) + conversions;
    this.value[i] = (this.value[i] as number) + value;
    this.nulls[i] = (this.nulls[i] as number) + nulls;
    this.journeys += conversions + nulls > 0 ? conversions + nulls : 1;
    if (ages && conversions > 0) {
      if (ages.length !== codes.length)
        throw new RangeError(`${codes.length} touchpoints but ${ages.length} ages`);
      this.timed = true;
      const w = decayWeights(ages, this.halfLifeDays);
      let dc = this.decayConversions[i];
      let dv = this.decayValue[i];
      if (!dc || !dv) {
        dc = new Float64Array(codes.length);
        dv = new Float64Array(codes.length);
        this.decayConversions[i] = dc;
        this.decayValue[i] = dv;
      }
      for (let k = 0; k < w.length; k++) {
        dc[k] = (dc[k] as number) + conversions * (w[k] as number);
        dv[k] = (dv[k] as number) + value * (w[k] as number);
      }
    }
  }

  private grow(): void {
    const size = this.conversions.length * 2;
    const up = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.conversions = up(this.conversions);
    this.value = up(this.value);
    this.nulls = up(this.nulls);
  }

  build(): PathTable {
    const n = this.paths.length;
    const table: PathTable = {
      channels: [...this.channels],
      paths: this.paths,
      conversions: this.conversions.slice(0, n),
      value: this.value.slice(0, n),
      nulls: this.nulls.slice(0, n),
      journeys: this.journeys,
    };
    if (this.timed) {
      // Paths whose converting journeys had no ages fall back to steps, as if they had been timed by steps.
      const conv: Float64Array[] = [];
      const val: Float64Array[] = [];
      for (let i = 0; i < n; i++) {
        const path = this.paths[i] as Int32Array;
        let dc = this.decayConversions[i];
        let dv = this.decayValue[i];
        if (!dc || !dv) {
          const w = stepDecayWeights(path.length, 1);
          dc = w.map((x) => x * (table.conversions[i] as number));
          dv = w.map((x) => x * (table.value[i] as number));
        }
        conv.push(dc);
        val.push(dv);
      }
      table.decay = { halfLifeDays: this.halfLifeDays, conversions: conv, value: val };
    }
    return table;
  }
}

/** Normalised weights 2^(−age / half-life): a touch one half-life older than another counts half as much. */
export function decayWeights(ages: readonly number[], halfLife: number): Float64Array {
  const w = new Float64Array(ages.length);
  let sum = 0;
  for (let i = 0; i < ages.length; i++) {
    const age = Math.max(0, ages[i] as number);
    w[i] = 2 ** (-age / halfLife);
    sum += w[i] as number;
  }
  for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) / sum;
  return w;
}

/** Decay by position when there are no times: the last touch has age 0, the one before it age 1, … */
export function stepDecayWeights(length: number, halfLifeSteps: number): Float64Array {
  const ages = Array.from({ length }, (_, i) => length - 1 - i);
  return decayWeights(ages, halfLifeSteps);
}

/** Splits a path such as `alpha > beta > alpha` (ChannelAttribution's format) into trimmed channel names. */
export function splitPath(path: string, separator = ">"): string[] {
  const out: string[] = [];
  for (const part of path.split(separator)) {
    const t = part.trim();
    if (t) out.push(t);
  }
  return out;
}

/** Sums of a table's counts. */
export function totals(table: PathTable): { conversions: number; value: number; nulls: number } {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  for (let i = 0; i < table.paths.length; i++) {
    conversions += table.conversions[i] as number;
    value += table.value[i] as number;
    nulls += table.nulls[i] as number;
  }
  return { conversions, value, nulls };
}
