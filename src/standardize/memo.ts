/**
 * A bounded memo for standardisers whose input repeats across records (the same household address, the
 * same phone in an order and in the CRM) and whose work is dear (libphonenumber's full metadata,
 * parse-address's regular expressions). Results are frozen, because one result object is shared by every
 * record that had the same input. When the memo is full it starts again empty: a simple bound on memory
 * that keeps the recent, most likely repeated, inputs.
 */
export function boundedMemo<A extends unknown[], R>(
  fn: (...args: A) => R,
  key: (...args: A) => string,
  max = 20_000,
): (...args: A) => R {
  let cache = new Map<string, R>();
  return (...args: A): R => {
    const k = key(...args);
    const hit = cache.get(k);
    if (hit !== undefined) return hit;
    const result = deepFreeze(fn(...args));
    if (cache.size >= max) cache = new Map();
    cache.set(k, result);
    return result;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
