import type { Command } from "commander";
import { splitEntity } from "../../jobs/steward.js";
import { type GlobalOptions, withStore } from "../context.js";
import { stewardName } from "./steward-name.js";

export function registerSplit(program: Command): void {
  program
    .command("split")
    .description("split an entity: the chosen records leave it; the larger part keeps the id")
    .argument("<id>", "a golden id (T-42)")
    .argument("<records...>", "the records to split off, as source/id")
    .option("--by <name>", "who decides (default: $TESSERA_STEWARD or your login)")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print the outcome as JSON")
    .action(
      async (id: string, records: string[], flags: { by?: string; reason?: string; json?: boolean }) => {
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const outcome = await splitEntity(store, id, records, {
            by: stewardName(flags.by),
            ...(flags.reason ? { reason: flags.reason } : {}),
          });
          if (flags.json) console.log(JSON.stringify(outcome, null, 2));
          else
            console.log(
              `${outcome.kept} split: ${outcome.other} ${outcome.revived ? "is back as an entity of its own" : "is new"} (decision ${outcome.decision})`,
            );
        });
      },
    );
}
