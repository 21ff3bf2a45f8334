import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "./generate.js";

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

describe("rings of fake profiles", () => {
  let dir: string;
  let fakeIds: Set<string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tessera-rings-"));
    // 2,000 people at the default 2 %: one chunk of 40 fakes, a quarter of them in rings.
    await generate({ people: 2000, seed: 5, outDir: dir });
    const truth = lines(await readFile(join(dir, "truth.csv"), "utf8")).slice(1);
    fakeIds = new Set(
      truth.filter((l) => l.endsWith(",1") && /,F\d+,/.test(l)).map((l) => l.split(",")[1] as string),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("signs many differently named fakes in on one device (a device farm)", async () => {
    const events = lines(await readFile(join(dir, "app_events.jsonl"), "utf8")).map((l) => JSON.parse(l));
    const byDevice = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.type !== "identify" || !fakeIds.has(e.messageId)) continue;
      const names = byDevice.get(e.context.device.id) ?? new Set<string>();
      names.add(`${e.traits.firstName} ${e.traits.lastName}`);
      byDevice.set(e.context.device.id, names);
    }
    expect(Math.max(0, ...[...byDevice.values()].map((n) => n.size))).toBeGreaterThanOrEqual(5);
  });

  it("has many fake accounts post one promotion, lightly reworded, within hours (astroturf)", async () => {
    const profiles = lines(await readFile(join(dir, "social.jsonl"), "utf8")).map((l) => JSON.parse(l));
    const promoted = profiles.filter(
      (p) => fakeIds.has(p.url) && p.posts.some((x: { text: string }) => /use code/.test(x.text)),
    );
    expect(promoted.length).toBeGreaterThanOrEqual(5);
    const times = promoted.map((p) => Date.parse(p.posts[0].created_at)).sort((a, b) => a - b);
    const texts = new Set(promoted.map((p) => p.posts[0].text));
    expect(texts.size).toBeGreaterThan(1);
    // Some five of them within a day of each other.
    let closest = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 4 < times.length; i++)
      closest = Math.min(closest, (times[i + 4] as number) - (times[i] as number));
    expect(closest).toBeLessThan(86_400_000);
  });
});
