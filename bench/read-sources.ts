/**
 * Throughput of the multi-structured readers, and accuracy of text extraction on a labelled sample.
 *
 * Generates `--people` people, then times each reader alone (documents, visits or lines per second) and
 * each through `prepareRow` (mapping, text extraction, standardisation: what an import does per row, without
 * the store); then extracts emails, phones and person names from `--sample` labelled texts
 * (src/synthetic/extraction-sample.ts) and scores them: a found value is right when the label at the same
 * span has the same value (names: the span must overlap the label's).
 *
 *   npx tsx bench/read-sources.ts [--people 10000] [--sample 1000] [--json]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { prepareRow } from "../src/jobs/prepare-row.js";
import { compileMapping } from "../src/mapping/compile-mapping.js";
import { readSource } from "../src/sources/open-source.js";
import { extractFacts } from "../src/standardize/extract/extract-text.js";
import { extractionSample } from "../src/synthetic/extraction-sample.js";
import { generate } from "../src/synthetic/generate.js";
import { sourceMappings } from "../src/synthetic/mappings.js";

const opts = new Command()
  .option("--people <n>", "people to generate", "10000")
  .option("--sample <n>", "labelled texts", "1000")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ people: string; sample: string; json?: boolean }>();

const readers: [string, string][] = [
  ["support", "support.mbox"],
  ["access_log", "access.log"],
  ["social", "social.jsonl"],
  ["app_events", "app_events.jsonl"],
  ["support_chat", "support_chat.jsonl"],
];

async function throughput(dir: string) {
  const out: Record<string, unknown> = {};
  for (const [source, file] of readers) {
    const path = join(dir, file);
    const mapping = sourceMappings[source as keyof typeof sourceMappings];
    // Chat transcripts are JSON lines by extension: their mapping names the format.
    const read = mapping.format === "chat" ? { format: mapping.format } : {};
    const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l !== "").length;
    let t = performance.now();
    let rows = 0;
    let unreadable = 0;
    for await (const item of readSource(path, read)) {
      if (item.kind === "row") rows++;
      else unreadable++;
    }
    const readSeconds = (performance.now() - t) / 1000;
    const compiled = compileMapping(sourceMappings[source as keyof typeof sourceMappings] as never);
    const now = new Date("2026-01-01T00:00:00.000Z");
    const options = { defaultCountry: "US", dateOrder: compiled.mapping.dateOrder, now };
    t = performance.now();
    for await (const item of readSource(path, read)) prepareRow(compiled, item, now.toISOString(), options);
    const prepareSeconds = (performance.now() - t) / 1000;
    out[source] = {
      file,
      lines,
      rows,
      unreadable,
      readSeconds,
      rowsPerSecond: Math.round((rows + unreadable) / readSeconds),
      linesPerSecond: Math.round(lines / readSeconds),
      preparedRowsPerSecond: Math.round((rows + unreadable) / prepareSeconds),
    };
  }
  return out;
}

function extractionScores(size: number) {
  const sample = extractionSample(size, 11);
  const kinds = ["email", "phone", "person"] as const;
  const tally = Object.fromEntries(kinds.map((k) => [k, { found: 0, correct: 0, labelled: 0, recalled: 0 }]));
  const t = performance.now();
  for (const doc of sample) {
    const facts = extractFacts(doc.text, { document: doc.id, field: "text", defaultCountry: doc.country });
    for (const kind of kinds) {
      const labels = doc.labels.filter((l) => l.kind === kind);
      // Names: every person entity counts; emails and phones: those confident enough to be used.
      const found = facts.filter((f) => f.kind === kind && (kind === "person" || f.confidence >= 0.8));
      const entry = tally[kind]!;
      entry.labelled += labels.length;
      entry.found += found.length;
      const same = (f: (typeof found)[number], l: (typeof labels)[number]) =>
        kind === "person" ? f.start < l.end && l.start < f.end : f.value === l.value && f.start === l.start;
      for (const f of found) if (labels.some((l) => same(f, l))) entry.correct++;
      for (const l of labels) if (found.some((f) => same(f, l))) entry.recalled++;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  const scores = Object.fromEntries(
    kinds.map((k) => {
      const e = tally[k]!;
      return [
        k,
        {
          ...e,
          precision: e.found === 0 ? 1 : e.correct / e.found,
          recall: e.labelled === 0 ? 1 : e.recalled / e.labelled,
        },
      ];
    }),
  );
  return { texts: sample.length, seconds, textsPerSecond: Math.round(sample.length / seconds), scores };
}

const dir = await mkdtemp(join(tmpdir(), "tessera-read-"));
try {
  await generate({ people: Number(opts.people), seed: 3, outDir: dir });
  const report = {
    people: Number(opts.people),
    readers: await throughput(dir),
    extraction: extractionScores(Number(opts.sample)),
  };
  if (opts.json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const r of Object.values(report.readers)) {
      const x = r as {
        file: string;
        lines: number;
        rows: number;
        unreadable: number;
        rowsPerSecond: number;
        linesPerSecond: number;
        preparedRowsPerSecond: number;
      };
      console.log(
        `${x.file.padEnd(18)} ${x.lines} lines → ${x.rows} rows + ${x.unreadable} quarantined; read ${x.rowsPerSecond}/s (${x.linesPerSecond} lines/s); read+extract+standardise ${x.preparedRowsPerSecond} rows/s`,
      );
    }
    const e = report.extraction;
    console.log(`extraction on ${e.texts} labelled texts (${e.textsPerSecond} texts/s):`);
    for (const [k, s] of Object.entries(e.scores))
      console.log(
        `  ${k.padEnd(7)} P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  (${s.labelled} labelled, ${s.found} found)`,
      );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
