import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

/** Runs the real `tessera` command, as a user would, against a private SQLite file. */
function tessera(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "", ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the tessera command", () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tessera-cli-"));
    db = join(dir, "t.db");
  });

  it("runs the demo: generates, imports every mapped source, and prints what was imported", () => {
    const run = tessera(["--db", db, "demo", "--no-serve", "--people", "150", "--data", join(dir, "demo")]);
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(run.status).toBe(0);
    for (const source of ["crm", "orders", "web_signups", "app_events", "social", "access_log", "support"]) {
      expect(run.stdout).toMatch(new RegExp(`^${source}\\s+[\\d,]+\\s+[\\d,]+`, "m"));
    }

    const again = tessera(["--db", db, "demo", "--no-serve", "--people", "150", "--data", join(dir, "demo")]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("Reused the demo data set");
    // Nothing changed, so the second import stores nothing new: every row is counted unchanged.
    const crm = /^crm\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)/m.exec(again.stdout);
    expect(crm?.[2]).toBe("0");
    expect(crm?.[4]).toBe(crm?.[1]);

    const status = tessera(["--db", db, "status"]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^orders\s+[\d,]+/m);
  });

  it("suggests a mapping that imports the file it was made from", () => {
    const csv = join(dir, "people.csv");
    writeFileSync(
      csv,
      "Customer ID,First Name,Surname,E-mail,Mobile\n1,Ann,Lee,ann@x.com,+1 617 253 1000\n2,Bo,Ng,,\n",
    );
    const mappingFile = join(dir, "people.mapping.json");
    const suggest = tessera(["sources", "suggest", csv, "-o", mappingFile]);
    expect(suggest.status).toBe(0);
    expect(suggest.stderr).toContain("mapping written to");
    const imported = tessera(["--db", db, "import", csv, "-m", mappingFile, "--json"]);
    expect(imported.status).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ source: "people", rowsRead: 2, accepted: 2, quarantined: 0 });
    const record = tessera(["--db", db, "record", "people", "1"]);
    expect(JSON.parse(record.stdout)[0].standardized.phones[0].e164).toBe("+16172531000");
  });

  it("lists quarantined rows with their reasons", () => {
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, "id,email\n1,a@x.com\n2,b@x.com,extra,fields\n,c@x.com\n");
    const mappingFile = join(dir, "bad.json");
    writeFileSync(mappingFile, JSON.stringify({ source: "bad", fields: { id: "id", email: "email" } }));
    const imported = tessera(["--db", db, "import", csv, "-m", mappingFile]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/2 rows quarantined: tessera quarantine --run [0-9a-f-]{36}/);
    const listed = tessera(["--db", db, "quarantine", "--source", "bad"]);
    expect(listed.stdout).toMatch(/bad\s+2\s+csv_ragged_row/);
    expect(listed.stdout).toMatch(/bad\s+3\s+missing_id/);
  });

  it("says what is wrong with a bad mapping or a missing file, without a stack trace", () => {
    const mappingFile = join(dir, "wrong.json");
    writeFileSync(mappingFile, JSON.stringify({ source: "x", fields: { a: "name.nickname" } }));
    const bad = tessera(["--db", db, "import", join(dir, "bad.csv"), "-m", mappingFile]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("wrong.json: invalid source mapping");
    expect(bad.stderr).toContain("fields.a");
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);

    const missing = tessera(["--db", db, "import", join(dir, "nope.csv"), "-m", join(dir, "bad.json")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("nope.csv");
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 240_000);
});

const fake1000 = join(root, "../shared/datasets/splink/fake_1000.csv");

describe.skipIf(!existsSync(fake1000))("tessera resolve and evaluate", () => {
  it("evaluates against a truth column, saves the model, and resolves again with it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-resolve-"));
    const db = join(dir, "r.db");
    const mapping = join(root, "examples/mappings/splink-fake-1000.json");
    const settings = join(root, "bench/configs/fake-1000.json");
    expect(tessera(["--db", db, "import", fake1000, "-m", mapping]).status).toBe(0);

    const model = join(dir, "model.json");
    const evaluated = tessera([
      "--db",
      db,
      "evaluate",
      "--settings",
      settings,
      "--truth",
      "true_cluster",
      "--save-model",
      model,
      "--json",
    ]);
    expect(evaluated.status).toBe(0);
    const figures = JSON.parse(evaluated.stdout);
    expect(figures.truePairs).toBe(2031);
    expect(figures.f1).toBeGreaterThanOrEqual(0.9);
    expect(figures.thresholds).toHaveLength(7);
    expect(JSON.parse(readFileSync(model, "utf8")).format).toBe("tessera-match-model");

    const out = join(dir, "entities.csv");
    const resolved = tessera(["--db", db, "resolve", "--settings", settings, "--model", model, "-o", out]);
    expect(resolved.status).toBe(0);
    expect(resolved.stdout).toMatch(/1,000 records → [\d,]+ entities/);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("record,entity");
    expect(lines).toHaveLength(1001);

    // Records 0 and 1 are one person in the truth: the explanation says why, comparison by comparison.
    const explained = tessera([
      "--db",
      db,
      "explain",
      "fake_1000/0",
      "fake_1000/1",
      "--model",
      model,
      "--settings",
      settings,
    ]);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toMatch(/^given name\s+\S.*[+−]\d+\.\d\d\s+\|/m);
    expect(explained.stdout).toMatch(/match weight -?\d+\.\d\d → probability \d\.\d{6}/);
    const json = JSON.parse(
      tessera(["--db", db, "explain", "fake_1000/0", "fake_1000/1", "--model", model, "--json"]).stdout,
    );
    expect(json.comparisons.map((c: { comparison: string }) => c.comparison)).toContain("date of birth");
    const sum =
      json.priorWeight + json.comparisons.reduce((a: number, c: { weight: number }) => a + c.weight, 0);
    expect(sum).toBeCloseTo(json.weight, 9);

    const report = join(dir, "model.html");
    const drawn = tessera(["model-report", model, "-o", report]);
    expect(drawn.status).toBe(0);
    expect(drawn.stdout).toMatch(/^date of birth\s+\d+\.\d/m);
    expect(readFileSync(report, "utf8")).toMatch(/<svg[^>]*>[\s\S]*<rect [\s\S]*<\/svg>/);
  });

  it("refuses to evaluate without saying where the truth is", () => {
    const run = tessera(["--db", join(mkdtempSync(join(tmpdir(), "tessera-")), "x.db"), "evaluate"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("evaluate needs --truth");
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe.skipIf(!existsSync(fake1000))("tessera master, profiles, review, merge, split and export", () => {
  it("masters the records, shows profiles by id, email and alias, and takes a steward's decisions", () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-master-"));
    const db = join(dir, "m.db");
    const settings = join(root, "bench/configs/fake-1000.json");
    const mapping = join(root, "examples/mappings/splink-fake-1000.json");
    expect(tessera(["--db", db, "import", fake1000, "-m", mapping]).status).toBe(0);
    const mastered = tessera(["--db", db, "master", "--settings", settings, "--json"]);
    expect(mastered.status).toBe(0);
    const report = JSON.parse(mastered.stdout);
    expect(report).toMatchObject({ records: 1000, created: report.entities, updated: 0 });

    // fake_1000/0 is Robert Alan, robert255@smith.net: found by email, with the lineage of each value.
    const byEmail = tessera(["--db", db, "profiles", "show", "Robert255@Smith.net"]);
    expect(byEmail.status).toBe(0);
    expect(byEmail.stdout).toMatch(/^date of birth\s+1971-06-24\s+mostFrequent\s+fake_1000\/\d+/m);
    expect(byEmail.stdout).toMatch(/^fake_1000\/0\s+fake_1000\s+match probability/m);
    const [profile] = JSON.parse(
      tessera(["--db", db, "profiles", "show", "robert255@smith.net", "--json"]).stdout,
    );
    const id: string = profile.entity.id;
    expect(id).toMatch(/^T-\d+$/);

    // Merge with another entity by hand: the younger id becomes an alias that still shows the survivor.
    const other = id === "T-2" ? "T-3" : "T-2";
    const merged = JSON.parse(
      tessera(["--db", db, "merge", id, other, "--by", "ada", "--reason", "same customer", "--json"]).stdout,
    );
    const alias = merged.alias as string;
    const shown = tessera(["--db", db, "profiles", "show", alias]);
    expect(shown.stdout).toContain(`(${alias} is an alias of ${merged.survivor})`);
    expect(shown.stdout).toMatch(/merge\s+.*same customer/);

    // Split the alias's records off again: the alias comes back as the entity it was.
    const aliasRecords = JSON.parse(
      tessera(["--db", db, "profiles", "show", merged.survivor, "--json"]).stdout,
    )[0].history.find((c: { entityId: string; kind: string }) => c.entityId === alias && c.kind === "merged")
      .before.records;
    const split = tessera(["--db", db, "split", merged.survivor, ...aliasRecords, "--by", "ada", "--json"]);
    expect(split.status).toBe(0);
    expect(JSON.parse(split.stdout)).toMatchObject({ kept: merged.survivor, other: alias, revived: true });

    // The queue, off a terminal, is a list; a rejected pair is remembered.
    const listed = JSON.parse(tessera(["--db", db, "review", "--json"]).stdout);
    expect(listed.open).toBe(report.reviewItems);
    const item = listed.items[0];
    const rejected = tessera(["--db", db, "review", "--reject", String(item.id), "--by", "ada"]);
    expect(rejected.stdout).toContain("rejected: not a match");
    const again = tessera(["--db", db, "review", "--reject", String(item.id)]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`review item ${item.id} is already rejected`);

    const csv = join(dir, "golden.csv");
    const exported = tessera(["--db", db, "export", "golden", "--format", "csv", "-o", csv]);
    expect(exported.status).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^id,full_name,given,middle,family,date_of_birth/);
    expect(lines).toHaveLength(report.entities + 1);
    const jsonl = join(dir, "golden.jsonl");
    tessera(["--db", db, "export", "golden", "--format", "jsonl", "-o", jsonl]);
    const first = JSON.parse(readFileSync(jsonl, "utf8").split("\n")[0] as string);
    expect(first.name.lineage.rule).toBe("mostComplete");
    const parquet = tessera([
      "--db",
      db,
      "export",
      "golden",
      "--format",
      "parquet",
      "-o",
      join(dir, "g.parquet"),
    ]);
    expect(parquet.status).toBe(1);
    expect(parquet.stderr).toContain("hyparquet-writer");

    const missing = tessera(["--db", db, "profiles", "show", "T-999999"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no golden profile for T-999999");
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 240_000);
});
