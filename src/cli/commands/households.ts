import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { buildHouseholds, explainHouseholdPair } from "../../jobs/households.js";
import {
  getHousehold,
  householdHistoryOf,
  householdIdPattern,
  householdOf,
  listHouseholds,
  loadHouseholdModel,
} from "../../store/households.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";
import { waterfall } from "../waterfall.js";

const money = (spend: Record<string, number>) =>
  Object.entries(spend)
    .map(([c, v]) => `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} ${c}`)
    .join(", ") || "—";

export function registerHouseholds(program: Command): void {
  const households = program
    .command("households")
    .description("group resolved people into households; show and explain them");

  households
    .command("build")
    .description(
      "score pairs of people with the household model, group them, and keep stable household ids and moves",
    )
    .option(
      "--settings <file>",
      "household settings (the resolve settings format over household features; see docs/households.md)",
    )
    .option("--model <file>", "score with this saved household model instead of training one")
    .option("--save-model <file>", "write the household model there")
    .option(
      "--no-postcode-attach",
      "leave a person known only by a postcode alone, even when one household there has their family name",
    )
    .option(
      "--no-split-bridges",
      "keep two groups of people joined by a single link as one household (by default they are split there)",
    )
    .option("--json", "print the counts as JSON")
    .action(
      async (flags: {
        settings?: string;
        model?: string;
        saveModel?: string;
        postcodeAttach: boolean;
        splitBridges: boolean;
        json?: boolean;
      }) => {
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const r = await buildHouseholds(store, {
            ...(flags.settings ? { settingsPath: flags.settings } : {}),
            ...(flags.model ? { modelPath: flags.model } : {}),
            postcodeAttach: flags.postcodeAttach,
            splitBridges: flags.splitBridges,
            progress: (stage, detail) => {
              if (!flags.json) console.error(`${stage}: ${detail ?? ""}`);
            },
          });
          if (flags.saveModel)
            writeFileSync(
              flags.saveModel,
              `${JSON.stringify(await loadHouseholdModel(store.db), null, 2)}\n`,
            );
          const { householdOf: _placed, withStreetAddress: _addressed, ...counts } = r;
          if (flags.json) {
            console.log(JSON.stringify(counts, null, 2));
            return;
          }
          console.log(
            `${r.people.toLocaleString("en-US")} people (${r.candidates.toLocaleString("en-US")} with household evidence, ${r.excludedAsFake} left out as likely fakes) → ${r.households.toLocaleString("en-US")} households`,
          );
          console.log(
            table(
              ["size", "households"],
              Object.entries(r.sizes).map(([k, v]) => [k, v]),
            ),
          );
          console.log(
            `\ncreated ${r.created}, kept ${r.kept}, merged ${r.merged}, dissolved ${r.dissolved}; ${r.moved} people moved, ${r.joined} joined, ${r.left} left`,
          );
        });
      },
    );

  households
    .command("show")
    .description(
      "a household by its id (H-12), or the household of a person (T-42), with members and history",
    )
    .argument("<id>", "H-… or T-…")
    .option("--json", "print JSON")
    .action(async (id: string, flags: { json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const h = householdIdPattern.test(id)
          ? await getHousehold(store.db, id)
          : await householdOf(store.db, id);
        if (!h)
          throw new Error(
            householdIdPattern.test(id)
              ? `no household ${id}`
              : `${id} is in no household (run tessera households build?)`,
          );
        const moves = householdIdPattern.test(id) ? [] : await householdHistoryOf(store.db, id);
        if (flags.json) {
          console.log(JSON.stringify({ ...h, moves }, null, 2));
          return;
        }
        console.log(`${h.id} (${h.status}): ${h.size} ${h.size === 1 ? "person" : "people"}`);
        if (h.address)
          console.log(
            `address: ${h.address.address.line}  (given by ${h.address.members.join(", ")}; ${h.address.record})`,
          );
        console.log(
          `spend: ${money(h.aggregates.spend)} over ${h.aggregates.orders} orders; last seen ${h.aggregates.lastSeen || "—"}`,
        );
        console.log(
          table(
            ["member", "since", "until", "joined by", "evidence"],
            h.history.map((m) => [
              m.entityId,
              m.since.slice(0, 10),
              m.until?.slice(0, 10) ?? "",
              m.evidence?.with
                ? m.evidence.probability === null
                  ? m.evidence.with
                  : `${m.evidence.with} (${m.evidence.probability.toFixed(3)})`
                : "",
              m.evidence?.agreed.join("; ") ?? "",
            ]),
          ),
        );
        if (moves.length > 1)
          console.log(`\n${id} has lived in ${moves.map((m) => m.householdId).join(" → ")}`);
      });
    });

  households
    .command("list")
    .description("the largest households")
    .option("--min-size <n>", "only households of at least this many people", "2")
    .option("--limit <n>", "at most this many", "20")
    .option("--json", "print JSON")
    .action(async (flags: { minSize: string; limit: string; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const rows = await listHouseholds(store.db, {
          minSize: Number(flags.minSize) || 1,
          limit: Number(flags.limit) || 20,
        });
        if (flags.json) console.log(JSON.stringify(rows, null, 2));
        else
          console.log(
            table(
              ["household", "size", "address", "spend"],
              rows.map((h) => [h.id, h.size, h.address?.address.line ?? "", money(h.aggregates.spend)]),
            ),
          );
      });
    });

  households
    .command("explain")
    .description(
      "why two people are, or are not, one household: each household comparison's level and weight",
    )
    .argument("<a>", "a golden id")
    .argument("<b>", "another golden id")
    .option("--model <file>", "a saved household model (default: the last build's)")
    .option("--json", "print JSON")
    .action(async (a: string, b: string, flags: { model?: string; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const { explanation } = await explainHouseholdPair(
          store,
          [a, b],
          flags.model ? { modelPath: flags.model } : {},
        );
        console.log(flags.json ? JSON.stringify(explanation, null, 2) : waterfall(explanation));
      });
    });
}
