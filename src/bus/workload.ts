/**
 * Events of many people whose identifiers overlap the way real traffic does, for the scale-out test and
 * benchmark: a visitor browses anonymously on one device, identifies with an email on a second device, logs in
 * (user id) on the first, is aliased from a third, and later changes their name; others never log in but give
 * the same email on two devices. Each person's records must end in one profile whatever order the events are
 * applied in, and none of the guards fires (one user id, one email, one phone per person).
 */

export interface WorkloadEvent {
  type: "identify" | "track" | "page" | "alias";
  messageId: string;
  timestamp: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  event?: string;
  name?: string;
  traits?: Record<string, unknown>;
}

export interface Workload {
  events: WorkloadEvent[];
  /** The actor records of each person (`<source>/user:…`, `<source>/anon:…`): the expected partition. */
  people: string[][];
}

const base = Date.parse("2026-11-01T00:00:00Z");
const at = (person: number, step: number) =>
  new Date(base + person * 1_000_000 + step * 10_000).toISOString();

/** `count` people, events in time order. `tag` keeps the ids of two runs apart. */
export function overlappingPeople(count: number, source: string, tag = "s"): Workload {
  const events: WorkloadEvent[] = [];
  const people: string[][] = [];
  for (let p = 0; p < count; p++) {
    const id = `${tag}${p}`;
    const m = (step: number) => ({ messageId: `${id}-${step}`, timestamp: at(p, step) });
    if (p % 4 === 3) {
      // Never logs in: one email on two devices.
      const [b0, b1] = [`${id}-b0`, `${id}-b1`];
      const email = `visitor.${id}@mail.shop`;
      events.push(
        { type: "track", ...m(0), anonymousId: b0, event: "Viewed Product" },
        { type: "identify", ...m(1), anonymousId: b0, traits: { email, firstName: "Ana" } },
        { type: "identify", ...m(2), anonymousId: b1, traits: { email } },
        { type: "track", ...m(3), anonymousId: b1, event: "Added to Cart" },
      );
      people.push([`${source}/anon:${b0}`, `${source}/anon:${b1}`]);
      continue;
    }
    const user = `${id}-user`;
    const [a0, a1, a2] = [`${id}-a0`, `${id}-a1`, `${id}-a2`];
    const email = `person.${id}@mail.shop`;
    const phone = `+3361${String(1_000_000 + p).slice(-7)}`;
    events.push(
      { type: "track", ...m(0), anonymousId: a0, event: "Viewed Product" },
      { type: "identify", ...m(1), anonymousId: a1, traits: { email } },
      {
        type: "identify",
        ...m(2),
        userId: user,
        anonymousId: a0,
        traits: { email, firstName: "Maria", lastName: `Old${p}` },
      },
      { type: "track", ...m(3), userId: user, anonymousId: a0, event: "Order Completed" },
      { type: "alias", ...m(4), userId: user, previousId: a2 },
      { type: "track", ...m(5), anonymousId: a2, event: "Viewed Product" },
      { type: "identify", ...m(6), userId: user, anonymousId: a1, traits: { lastName: `New${p}`, phone } },
      { type: "page", ...m(7), userId: user, anonymousId: a1, name: "Account" },
    );
    people.push([
      `${source}/user:${user}`,
      `${source}/anon:${a0}`,
      `${source}/anon:${a1}`,
      `${source}/anon:${a2}`,
    ]);
  }
  return { events, people };
}

/** A deterministic shuffle (mulberry32): the same seed gives the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The partition as comparable text: each group's keys sorted, the groups sorted. */
export function partitionOf(groups: Iterable<Iterable<string>>): string[] {
  return [...groups].map((g) => [...g].sort().join(" ")).sort();
}
