import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { findProfiles } from "../../jobs/golden-profiles.js";
import { acceptReviewItem, type ReviewOutcome, rejectReviewItem } from "../../jobs/steward.js";
import type { GoldenProfile } from "../../master/golden-profile.js";
import type { Explanation } from "../../resolve/model.js";
import type { Store } from "../../store/open-store.js";
import { countOpenReviewItems, listReviewItems, type ReviewItem } from "../../store/stewardship.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";
import { waterfall } from "../waterfall.js";
import { stewardName } from "./steward-name.js";

interface ReviewFlags {
  accept?: string;
  reject?: string;
  by?: string;
  reason?: string;
  limit: string;
  json?: boolean;
}

function summary(p: GoldenProfile | null): string[] {
  if (!p) return ["", "", "", "", "", ""];
  return [
    p.name?.value.full ?? "—",
    p.dateOfBirth?.value ?? "—",
    p.address?.value.line ?? "—",
    p.emails.map((e) => e.value).join(", ") || "—",
    p.phones.map((e) => e.value).join(", ") || "—",
    `${p.records} (${p.sources.join(", ")})`,
  ];
}

async function sideBySide(store: Store, item: ReviewItem): Promise<string> {
  const profile = async (id: string) => (await findProfiles(store, id))[0]?.profile ?? null;
  const left = summary(await profile(item.leftEntity));
  const right = summary(await profile(item.rightEntity));
  const labels = ["name", "date of birth", "address", "emails", "phones", "records"];
  const head = `item ${item.id}: ${item.leftKey} (${item.leftEntity}) and ${item.rightKey} (${item.rightEntity}), match probability ${item.probability.toFixed(4)}, ${item.impact} records affected`;
  const rows = labels.map((l, i) => [l, left[i] ?? "", right[i] ?? ""]);
  const explained = item.explanation ? `\n\n${waterfall(item.explanation as Explanation)}` : "";
  return `${head}\n\n${table(["", item.leftEntity, item.rightEntity], rows)}${explained}`;
}

function said(o: ReviewOutcome): string {
  if (o.status === "accepted" && o.merge) return `accepted: ${o.merge.alias} merged into ${o.merge.survivor}`;
  if (o.status === "rejected") return `rejected: not a match, remembered (decision ${o.decision})`;
  return "the two records are already one entity: item closed";
}

export function registerReview(program: Command): void {
  program
    .command("review")
    .description(
      "the steward's review queue: on a terminal, pair by pair (accept / reject / skip); otherwise the list",
    )
    .option("--accept <item>", "accept a pair: the two records are one person (their entities merge)")
    .option("--reject <item>", "reject a pair: not a match, remembered by every later run")
    .option("--by <name>", "who decides (default: $TESSERA_STEWARD or your login)")
    .option("--reason <text>", "why, for the audit log")
    .option("--limit <n>", "items to list", "20")
    .option("--json", "print as JSON")
    .action(async (flags: ReviewFlags) => {
      const steward = { by: stewardName(flags.by), ...(flags.reason ? { reason: flags.reason } : {}) };
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        if (flags.accept || flags.reject) {
          const id = Number(flags.accept ?? flags.reject);
          if (!Number.isInteger(id))
            throw new Error(`"${flags.accept ?? flags.reject}" is not a review item number`);
          const outcome = flags.accept
            ? await acceptReviewItem(store, id, steward)
            : await rejectReviewItem(store, id, steward);
          console.log(flags.json ? JSON.stringify(outcome, null, 2) : said(outcome));
          return;
        }
        const open = await countOpenReviewItems(store.db);
        if (!process.stdin.isTTY || !process.stdout.isTTY || flags.json) {
          const items = await listReviewItems(store.db, Number(flags.limit));
          if (flags.json) {
            console.log(JSON.stringify({ open, items }, null, 2));
            return;
          }
          console.log(
            table(
              ["item", "left", "right", "entities", "probability", "impact"],
              items.map((i) => [
                i.id,
                i.leftKey,
                i.rightKey,
                `${i.leftEntity} ${i.rightEntity}`,
                i.probability.toFixed(4),
                i.impact,
              ]),
            ),
          );
          console.log(
            `\n${open.toLocaleString("en-US")} open; decide with tessera review --accept N or --reject N`,
          );
          return;
        }
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        try {
          const skipped = new Set<number>();
          for (;;) {
            const next = (await listReviewItems(store.db, skipped.size + 1)).find((i) => !skipped.has(i.id));
            if (!next) {
              console.log("nothing left to review");
              return;
            }
            console.log(`\n${await sideBySide(store, next)}\n`);
            const answer = (await rl.question("[a]ccept  [r]eject  [s]kip  [q]uit > ")).trim().toLowerCase();
            if (answer.startsWith("q")) return;
            if (answer.startsWith("s") || answer === "") {
              skipped.add(next.id);
              continue;
            }
            if (answer.startsWith("a")) console.log(said(await acceptReviewItem(store, next.id, steward)));
            else if (answer.startsWith("r"))
              console.log(said(await rejectReviewItem(store, next.id, steward)));
            else skipped.add(next.id);
          }
        } finally {
          rl.close();
        }
      });
    });
}
