import type { Command } from "commander";
import { loadSurvivorship, masterRecords } from "../../jobs/master-records.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";

interface MasterFlags {
  settings?: string;
  model?: string;
  survivorship?: string;
  reviewFrom?: string;
  json?: boolean;
}

export function registerMaster(program: Command): void {
  program
    .command("master")
    .description(
      "resolve every stored record into entities with stable golden ids, derive their golden profiles, and queue uncertain pairs for review",
    )
    .option("--settings <file>", "resolution settings (JSON; default: the person defaults)")
    .option("--model <file>", "score with this saved model instead of training")
    .option("--survivorship <file>", "survivorship rules per attribute (JSON; see docs/golden-profiles.md)")
    .option(
      "--review-from <probability>",
      "pairs from this probability up to the link threshold go to review",
      "0.5",
    )
    .option("--json", "print the counts as JSON")
    .action(async (flags: MasterFlags) => {
      const reviewFrom = Number(flags.reviewFrom ?? "0.5");
      if (!(reviewFrom >= 0 && reviewFrom <= 1))
        throw new Error(`--review-from must be a probability between 0 and 1, not ${flags.reviewFrom}`);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const report = await masterRecords(store, {
          ...(flags.settings ? { settingsPath: flags.settings } : {}),
          ...(flags.model ? { modelPath: flags.model } : {}),
          survivorship: loadSurvivorship(flags.survivorship),
          reviewFrom,
          progress: (stage, detail) => {
            if (!flags.json) console.error(`${stage}: ${detail ?? ""}`);
          },
        });
        if (flags.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        console.log(
          table(
            [
              "records",
              "entities",
              "created",
              "updated",
              "unchanged",
              "merged",
              "split",
              "revived",
              "deleted",
            ],
            [
              [
                report.records,
                report.entities,
                report.created,
                report.updated,
                report.unchanged,
                report.merged,
                report.split,
                report.revived,
                report.deleted,
              ],
            ],
          ),
        );
        console.log(
          `\n${report.reviewItems.toLocaleString("en-US")} pairs to review (of ${report.reviewCandidates.toLocaleString("en-US")} uncertain): tessera review`,
        );
        if (report.decisions.cannotLink + report.decisions.mustLink > 0)
          console.log(
            `steward decisions honoured: ${report.decisions.cannotLink} not-a-match, ${report.decisions.mustLink} same-person pairs`,
          );
      });
    });
}
