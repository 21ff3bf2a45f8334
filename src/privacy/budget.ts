import { type Kysely, sql } from "kysely";
import type { Store } from "../store/open-store.js";
import { type Database, fromJson, fromTime } from "../store/schema.js";

/**
 * The privacy budget ledger: each recipient of differentially private insights has an (ε, δ) budget; each
 * release spends from it (basic sequential composition: the ε and δ of releases add up), and a release that
 * would pass the budget is refused before anything is computed or published. A recipient without a budget of
 * its own gets the default: TESSERA_DP_BUDGET ("ε,δ"), else ε = 1, δ = 1e-6.
 */

export interface Budget {
  recipient: string;
  epsilon: number;
  delta: number;
  spentEpsilon: number;
  spentDelta: number;
  remainingEpsilon: number;
  remainingDelta: number;
  releases: number;
}

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  constructor(
    readonly budget: Budget,
    readonly asked: { epsilon: number; delta: number },
  ) {
    super(
      `recipient ${budget.recipient} has ε ${fmt(budget.remainingEpsilon)} and δ ${fmt(budget.remainingDelta)} left of ${fmt(budget.epsilon)} and ${fmt(budget.delta)}; this release needs ε ${fmt(asked.epsilon)}, δ ${fmt(asked.delta)}`,
    );
  }
}

const fmt = (x: number) =>
  x === 0 ? "0" : Math.abs(x) < 1e-3 ? x.toExponential(2) : String(Math.round(x * 1e6) / 1e6);

export function defaultBudget(): { epsilon: number; delta: number } {
  const env = process.env.TESSERA_DP_BUDGET;
  if (env) {
    const [e, d] = env.split(",").map(Number);
    if (e !== undefined && e > 0 && d !== undefined && d >= 0 && d < 1) return { epsilon: e, delta: d };
  }
  return { epsilon: 1, delta: 1e-6 };
}

type Db = Kysely<Database>;

async function budgetIn(
  db: Db,
  recipient: string,
  lock: boolean,
  dialect: Store["dialect"],
): Promise<Budget> {
  const d = defaultBudget();
  await db
    .insertInto("privacy_budget")
    .values({ recipient, epsilon: d.epsilon, delta: d.delta, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("recipient").doNothing())
    .execute();
  const row =
    lock && dialect === "postgres"
      ? (
          await sql<{
            epsilon: number;
            delta: number;
          }>`select epsilon, delta from privacy_budget where recipient = ${recipient} for update`.execute(db)
        ).rows[0]
      : await db
          .selectFrom("privacy_budget")
          .select(["epsilon", "delta"])
          .where("recipient", "=", recipient)
          .executeTakeFirst();
  const spent = await db
    .selectFrom("privacy_release")
    .select((eb) => [
      eb.fn.sum<number>("epsilon").as("e"),
      eb.fn.sum<number>("delta").as("d"),
      eb.fn.countAll<number>().as("n"),
    ])
    .where("recipient", "=", recipient)
    .executeTakeFirst();
  const epsilon = Number(row?.epsilon ?? d.epsilon);
  const delta = Number(row?.delta ?? d.delta);
  const se = Number(spent?.e ?? 0);
  const sd = Number(spent?.d ?? 0);
  return {
    recipient,
    epsilon,
    delta,
    spentEpsilon: se,
    spentDelta: sd,
    remainingEpsilon: Math.max(0, epsilon - se),
    remainingDelta: Math.max(0, delta - sd),
    releases: Number(spent?.n ?? 0),
  };
}

export async function getBudget(store: Store, recipient: string): Promise<Budget> {
  return budgetIn(store.db, recipient, false, store.dialect);
}

export async function setBudget(
  store: Store,
  recipient: string,
  epsilon: number,
  delta: number,
): Promise<Budget> {
  if (!(epsilon >= 0) || !(delta >= 0 && delta < 1)) throw new Error("a budget needs ε ≥ 0 and 0 ≤ δ < 1");
  if (!/^[\w.@:-]{1,100}$/.test(recipient)) throw new Error(`"${recipient}" is not a recipient name`);
  const at = new Date().toISOString();
  await store.db
    .insertInto("privacy_budget")
    .values({ recipient, epsilon, delta, updated_at: at })
    .onConflict((oc) => oc.column("recipient").doUpdateSet({ epsilon, delta, updated_at: at }))
    .execute();
  return getBudget(store, recipient);
}

/**
 * Spends (ε, δ) of a recipient's budget on a release: refused with BudgetExceededError, before anything is
 * computed, when it would pass the budget; the release is computed, then the spending is checked again and
 * recorded in one transaction (locking the recipient's budget row on PostgreSQL), so that two releases at
 * once cannot both pass. The result is returned only once its cost is recorded.
 */
export async function spend<T>(
  store: Store,
  recipient: string,
  cost: { epsilon: number; delta: number; mechanism: string; query: unknown },
  compute: () => Promise<T>,
): Promise<{ result: T; budget: Budget }> {
  const slack = 1e-12;
  const over = (b: Budget) =>
    cost.epsilon > b.remainingEpsilon + slack || cost.delta > b.remainingDelta + slack;
  const before = await getBudget(store, recipient);
  if (over(before)) throw new BudgetExceededError(before, cost);
  const result = await compute();
  const budget = await store.db.transaction().execute(async (trx) => {
    const b = await budgetIn(trx, recipient, true, store.dialect);
    if (over(b)) throw new BudgetExceededError(b, cost);
    await trx
      .insertInto("privacy_release")
      .values({
        recipient,
        at: new Date().toISOString(),
        epsilon: cost.epsilon,
        delta: cost.delta,
        mechanism: cost.mechanism,
        query: JSON.stringify(cost.query),
      })
      .execute();
    return budgetIn(trx, recipient, false, store.dialect);
  });
  return { result, budget };
}

export async function listReleases(db: Db, recipient: string) {
  const rows = await db
    .selectFrom("privacy_release")
    .selectAll()
    .where("recipient", "=", recipient)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: fromTime(r.at),
    epsilon: Number(r.epsilon),
    delta: Number(r.delta),
    mechanism: r.mechanism,
    query: fromJson(r.query),
  }));
}
