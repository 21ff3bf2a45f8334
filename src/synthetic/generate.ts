import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ChunkContext, EmittedRecord, Sequences, SourceName } from "./context.js";
import { sourceNames } from "./context.js";
import { type CorruptionRates, Corruptor, defaultCorruptionRates } from "./corrupt.js";
import { writeFakes } from "./fake.js";
import { ScrambledSequence, TakenFilter } from "./ids.js";
import { buildManifest, manifestFile, sourceLayout } from "./manifest.js";
import { sourceMappings } from "./mappings.js";
import { emailAt, makeHouseholds, type PopulationState, type Timeline } from "./person.js";
import { buildPools } from "./pools.js";
import { hashString, Rng } from "./prng.js";
import { FileSink } from "./sink.js";
import { DAY, isoTimestamp } from "./time.js";
import { peopleFile, peopleHeader, personRow, truthFile, truthHeader, truthRow } from "./truth.js";
import { writeAccessLog, writeBotVisit } from "./writers/access-log.js";
import { writeAppEvents } from "./writers/app-events.js";
import { crmHeader, writeCrm } from "./writers/crm.js";
import { ordersHeader, writeOrders } from "./writers/orders.js";
import { writeSocial } from "./writers/social.js";
import { writeSupportChat } from "./writers/support-chat.js";
import { writeSupport } from "./writers/support-mbox.js";
import { writeSignups } from "./writers/web-signups.js";

/**
 * Generates a synthetic multi-source customer data set with its ground truth. People are made and written
 * a chunk of households at a time, so memory stays bounded whatever the size; every random choice comes
 * from a stream seeded by (seed, chunk), so the same seed and size give byte-identical files.
 */

export interface GenerateOptions {
  /** How many real people (fake profiles and bots come on top). */
  people: number;
  seed: number;
  outDir: string;
  onProgress?: (done: number, total: number) => void;
  /** Overrides of the default corruption rates. */
  corruption?: Partial<CorruptionRates>;
  /** People per chunk (default 2,000): the unit of memory use and of progress reports. */
  chunkSize?: number;
}

export interface GenerateReport {
  people: number;
  households: number;
  fakes: number;
  records: Record<SourceName, number>;
  /** Absolute paths of every file written. */
  files: string[];
  seconds: number;
}

/** The moment the data set describes, derived from the seed (never the wall clock), and six years before. */
export function timelineFor(seed: number): Timeline {
  const base = Date.UTC(2025, 0, 1) / 1000;
  const asOf = base + (hashString("asOf", seed) % (365 * DAY));
  return { asOf, start: asOf - 6 * 365 * DAY };
}

/** Bot visits per real person: crawler traffic is about a tenth of the log. */
const BOT_VISITS_PER_PERSON = 0.03;

function emptyOut(): Record<SourceName, EmittedRecord[]> {
  return Object.fromEntries(sourceNames.map((name) => [name, []])) as unknown as Record<
    SourceName,
    EmittedRecord[]
  >;
}

export async function generate(options: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const { people, seed } = options;
  if (!Number.isInteger(people) || people < 1) throw new RangeError("people must be a positive integer");
  if (!Number.isInteger(seed)) throw new RangeError("seed must be an integer");
  const chunkSize = options.chunkSize ?? 2_000;
  const outDir = resolve(options.outDir);
  await mkdir(join(outDir, "mappings"), { recursive: true });

  const rates: CorruptionRates = { ...defaultCorruptionRates, ...options.corruption };
  const timeline = timelineFor(seed);
  const pools = buildPools(seed);
  const taken = new TakenFilter(Math.min(31, Math.max(16, Math.ceil(Math.log2(people * 64)))));
  const fakesTotal = Math.round(people * rates.fakeProfiles);
  const sequences: Sequences = {
    customer: new ScrambledSequence(seed, "customer", people * 3 + fakesTotal + 16),
    order: new ScrambledSequence(seed, "order", people * 26 + fakesTotal + 16),
    nameFallback: new ScrambledSequence(seed, "name", people * 8 + 16),
    bot: { next: 0 },
    fake: { next: 0 },
  };
  const state: PopulationState = {
    nextPerson: 0,
    nextHousehold: 0,
    taken,
    nameFallback: sequences.nameFallback,
    loyalty: new ScrambledSequence(seed, "loyalty", people + 16),
  };

  const sinks = new Map<SourceName, FileSink>();
  for (const layout of sourceLayout) sinks.set(layout.name, new FileSink(join(outDir, layout.file)));
  const truth = new FileSink(join(outDir, truthFile));
  const peopleSink = new FileSink(join(outDir, peopleFile));
  await sinks.get("crm")!.write(crmHeader);
  await sinks.get("orders")!.write(ordersHeader);
  await truth.write(truthHeader);
  await peopleSink.write(peopleHeader);

  const records = Object.fromEntries(sourceNames.map((name) => [name, 0])) as Record<SourceName, number>;
  let accessLine = 0;
  let done = 0;
  let fakesMade = 0;
  for (let chunk = 0; done < people; chunk++) {
    const count = Math.min(chunkSize, people - done);
    const rng = Rng.from(seed, 1, chunk);
    const households = makeHouseholds(rng, pools, state, timeline, count);
    const ctx: ChunkContext = {
      rng,
      pools,
      corrupt: new Corruptor(rng, rates),
      rates,
      timeline,
      sequences,
      taken,
      otherAddress: () => {
        const residences = rng.pick(households).residences;
        return residences[residences.length - 1]!.address;
      },
      out: emptyOut(),
    };
    // Chats draw from a stream of their own, so that adding them changed no other source of a seed.
    const chatRng = Rng.from(seed, 2, chunk);
    const chatCtx: ChunkContext = { ...ctx, rng: chatRng, corrupt: new Corruptor(chatRng, rates) };
    const peopleRows: string[] = [];
    for (const household of households) {
      for (const person of household.members) {
        const orders = writeOrders(ctx, person);
        writeCrm(ctx, person);
        writeSignups(ctx, person);
        writeAppEvents(ctx, person, orders);
        writeAccessLog(ctx, person, orders, (t) => emailAt(person, t));
        writeSupport(ctx, person, orders);
        writeSocial(ctx, person);
        writeSupportChat(chatCtx, person, orders);
        peopleRows.push(personRow(person, timeline.asOf));
      }
    }
    const fakes = Math.round((done + count) * rates.fakeProfiles) - Math.round(done * rates.fakeProfiles);
    writeFakes(ctx, fakes);
    fakesMade += fakes;
    const bots =
      Math.round((done + count) * BOT_VISITS_PER_PERSON) - Math.round(done * BOT_VISITS_PER_PERSON);
    for (let i = 0; i < bots; i++) writeBotVisit(ctx);

    for (const layout of sourceLayout) {
      const list = ctx.out[layout.name];
      if (layout.order === "time") list.sort((a, b) => a.time - b.time);
      else rng.shuffle(list);
      if (layout.name === "access_log") for (const record of list) record.id = String(++accessLine);
      records[layout.name] += list.length;
      await sinks.get(layout.name)!.writeAll(list.map((r) => r.text));
      await truth.writeAll(list.map((r) => truthRow(layout.name, r)));
    }
    await peopleSink.writeAll(peopleRows);
    done += count;
    options.onProgress?.(done, people);
  }

  for (const sink of sinks.values()) await sink.close();
  await truth.close();
  await peopleSink.close();

  const files = [...sinks.values()].map((s) => s.path);
  files.push(truth.path, peopleSink.path);
  for (const [name, mapping] of Object.entries(sourceMappings)) {
    const path = join(outDir, "mappings", `${name}.json`);
    await writeFile(path, `${JSON.stringify(mapping, null, 2)}\n`);
    files.push(path);
  }
  const manifest = buildManifest({
    seed,
    people,
    households: state.nextHousehold,
    fakes: fakesMade,
    createdAt: isoTimestamp(timeline.asOf),
    corruption: rates,
    records,
  });
  const manifestPath = join(outDir, manifestFile);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  files.push(manifestPath);

  return {
    people,
    households: state.nextHousehold,
    fakes: fakesMade,
    records,
    files,
    seconds: (performance.now() - started) / 1000,
  };
}
