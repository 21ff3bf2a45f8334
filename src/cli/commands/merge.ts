import type { Command } from "commander";
import { mergeEntities } from "../../jobs/steward.js";
import { type GlobalOptions, withStore } from "../context.js";
import { stewardName } from "./steward-name.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("merge two entities by hand: the older id survives, the other becomes its alias")
    .argument("<a>", "a golden id (T-42)")
    .argument("<b>", "another golden id")
    .option("--by <name>", "who decides (default: $TESSERA_STEWARD or your login)")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print the outcome as JSON")
    .action(async (a: string, b: string, flags: { by?: string; reason?: string; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const outcome = await mergeEntities(store, a, b, {
          by: stewardName(flags.by),
          ...(flags.reason ? { reason: flags.reason } : {}),
        });
        if (flags.json) console.log(JSON.stringify(outcome, null, 2));
        else
          console.log(
            `${outcome.alias} merged into ${outcome.survivor} (${outcome.records} records); ${outcome.alias} now resolves to ${outcome.survivor} (decision ${outcome.decision})`,
          );
      });
    });
}
