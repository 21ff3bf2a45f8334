import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticViews } from "../../jobs/resolve-partitioned-fixture.js";
import { openStore } from "../../store/open-store.js";

const root = join(import.meta.dirname, "../../..");

describe("tessera resolve --memory", () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-cli-partitioned-"));
    db = join(dir, "t.db");
    const store = await openStore({ file: db });
    await writeSyntheticViews(store, { records: 2_000, seed: 3 });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves in partitions, draws the phases and streams record → entity", () => {
    const out = join(dir, "entities.csv");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(root, "src/cli/main.ts"),
        "--db",
        db,
        "resolve",
        "--partitions",
        "4",
        "-o",
        out,
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" }, timeout: 120_000 },
    );
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^score\s+[\d.]+\s+\d+/m);
    expect(run.stdout).toMatch(/2,000 records in 4 partitions → [\d,]+ entities/);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("record,entity");
    expect(lines).toHaveLength(2_001);
    expect(lines[1]).toMatch(/^"crm\/P00000001~0",\d+$/);
  });
});
