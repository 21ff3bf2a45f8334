import { Random } from "./random.js";

/** A time as people read it: epoch milliseconds as a date, any other number as it is. */
function moment(t: number): string {
  return t > 1e11 && t < 1e14 ? new Date(t).toISOString().slice(0, 10) : String(t);
}

/**
 * Train/test splits. A time-aware split trains on the earlier rows and tests on the later ones — what a model
 * deployed today faces — and never puts two rows of the same moment on both sides. A stratified random split
 * keeps the positive rate equal on both sides, for data without time.
 */

export interface Split {
  train: Uint32Array;
  test: Uint32Array;
  /** How the rows were split, for the record. */
  description: string;
}

/** Rows ordered by time; the latest `testFraction` of them (rounded to whole moments) are the test set. */
export function timeSplit(times: ArrayLike<number>, testFraction: number): Split {
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`test fraction ${testFraction} is not in (0, 1)`);
  const n = times.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (Number.isNaN(times[i] as number)) throw new RangeError(`row ${i + 1} has no time to split by`);
  }
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  let cut = Math.round(n * (1 - testFraction));
  // Move the cut back to the start of its moment so that equal times stay together.
  while (cut > 0 && cut < n && times[order[cut] as number] === times[order[cut - 1] as number]) cut--;
  if (cut === 0 || cut === n)
    throw new RangeError("every row has the same time: a time split needs at least two moments");
  return {
    train: order.slice(0, cut).sort(),
    test: order.slice(cut).sort(),
    description: `time: the earliest ${cut} rows train, the latest ${n - cut} test (from ${moment(times[order[cut] as number] as number)})`,
  };
}

/** Rows before `cutoff` train, rows at or after it test. */
export function cutoffSplit(times: ArrayLike<number>, cutoff: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < times.length; i++) ((times[i] as number) < cutoff ? train : test).push(i);
  if (train.length === 0 || test.length === 0)
    throw new RangeError(
      `the cutoff ${cutoff} leaves ${train.length} rows to train and ${test.length} to test`,
    );
  return {
    train: Uint32Array.from(train),
    test: Uint32Array.from(test),
    description: `time: rows before ${moment(cutoff)} train (${train.length}), the rest test (${test.length})`,
  };
}

/** A random split with the same share of positives on both sides. */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed = 1): Split {
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`test fraction ${testFraction} is not in (0, 1)`);
  const rng = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) members.push(i);
    rng.shuffle(members);
    const k = Math.round(members.length * testFraction);
    test.push(...members.slice(0, k));
    train.push(...members.slice(k));
  }
  return {
    train: Uint32Array.from(train).sort(),
    test: Uint32Array.from(test).sort(),
    description: `stratified random: ${train.length} train, ${test.length} test (seed ${seed})`,
  };
}

/** The rows in order, the last `testFraction` of them tested: for files already in time order. */
export function orderSplit(n: number, testFraction: number): Split {
  const cut = Math.round(n * (1 - testFraction));
  return {
    train: Uint32Array.from({ length: cut }, (_, i) => i),
    test: Uint32Array.from({ length: n - cut }, (_, i) => cut + i),
    description: `file order: the first ${cut} rows train, the last ${n - cut} test`,
  };
}
