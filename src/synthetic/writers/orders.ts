import { oneLineAddress } from "../addresses.js";
import { type Product, products } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { countryInfo } from "../countries.js";
import { csvRow } from "../csv.js";
import { emailAt, mobileAt, momentOf, type Person, previousResidence, residenceAt } from "../person.js";
import { formatPhone } from "../phones.js";
import { isoTimestamp } from "../time.js";

/**
 * orders.csv — e-commerce orders as the shop platform exports them: the customer typed their own details
 * at checkout (guest or logged in), the name is one field in whatever order they wrote it, the shipping
 * address is one line (sometimes a gift to somebody else's address), the billing postcode their own.
 */

export const ordersFile = "orders.csv";
export const ordersColumns = [
  "order_id",
  "customer_email",
  "customer_name",
  "phone",
  "shipping_address",
  "billing_postcode",
  "order_date",
  "amount",
  "currency",
  "items",
] as const;
export const ordersHeader = `${ordersColumns.join(",")}\n`;

/** An order as other sources refer to it (app events, support mails, account pages in the web log). */
export interface OrderFact {
  id: string;
  time: number;
  amount: number;
  currency: string;
  lines: { product: Product; quantity: number }[];
  viaApp: boolean;
}

export function orderLines(ctx: ChunkContext): OrderFact["lines"] {
  const rng = ctx.rng;
  const count = 1 + rng.geometric(0.55, 5);
  const lines: OrderFact["lines"] = [];
  for (let i = 0; i < count; i++) {
    const product = rng.pick(products);
    if (lines.some((l) => l.product === product)) continue;
    lines.push({ product, quantity: rng.chance(0.8) ? 1 : rng.range(2, 4) });
  }
  return lines;
}

export function itemsText(lines: OrderFact["lines"]): string {
  return lines.map((l) => `${l.product.name} x${l.quantity}`).join("; ");
}

/** The customer name as typed: "Jane Doe", "Doe, Jane", "Mrs Jane Doe", "Jane A. Doe", "J. Doe". */
export function customerName(
  ctx: ChunkContext,
  given: string,
  family: string,
  title: string,
  middle: string,
): string {
  const rng = ctx.rng;
  switch (rng.weighted([0, 1, 2, 3, 4], [62, 11, 9, 12, 6])) {
    case 0:
      return `${given} ${family}`;
    case 1:
      return `${family}, ${given}`;
    case 2:
      return `${title} ${given} ${family}`;
    case 3:
      return middle === "" ? `${given} ${family}` : `${given} ${middle[0]}. ${family}`;
    default:
      return `${given[0]}. ${family}`;
  }
}

export function orderRow(
  ctx: ChunkContext,
  fields: { email: string; name: string; phone: string; shipping: string; postcode: string; time: number },
  lines: OrderFact["lines"],
  currency: string,
  subject: Subject,
): OrderFact {
  const rng = ctx.rng;
  const id = `ORD-${ctx.sequences.order.nextPadded()}`;
  let amount = 0;
  for (const l of lines) amount += l.product.price * l.quantity;
  if (rng.chance(0.2)) amount *= rng.pick([0.8, 0.85, 0.9]);
  if (amount < 50 && rng.chance(0.7)) amount += 5.95;
  amount = Math.round(amount * 100) / 100;
  const text = csvRow(
    [
      id,
      fields.email,
      fields.name,
      fields.phone,
      fields.shipping,
      fields.postcode,
      isoTimestamp(fields.time),
      amount.toFixed(2),
      currency,
      itemsText(lines),
    ],
    "\n",
  );
  emit(ctx, "orders", id, fields.time, text, subject);
  return { id, time: fields.time, amount, currency, lines, viaApp: false };
}

export function writeOrders(ctx: ChunkContext, person: Person): OrderFact[] {
  const { rng, corrupt, timeline, rates } = ctx;
  const household = person.household;
  const subject: Subject = { personId: person.id, householdId: household.id, fake: false };
  const currency = countryInfo[household.country].currency;
  const facts: OrderFact[] = [];
  for (let k = 0; k < person.presence.orders; k++) {
    const time = momentOf(rng, person, timeline);
    let email = emailAt(person, time);
    if (rng.next() < rates.sharedHousehold)
      email = household.sharedEmail ?? emailAt(rng.pick(household.members), time);
    else if (person.workEmail !== null && rng.chance(0.06)) email = person.workEmail;
    else if (rng.next() < rates.staleEmail * 0.5) email = person.emails[0]!.address;
    const residence =
      rng.next() < rates.staleAddress * 0.4
        ? previousResidence(household, time)
        : residenceAt(household, time);
    const gift = rng.chance(0.06);
    const shipTo = gift ? ctx.otherAddress() : residence.address;
    const given = corrupt.given(person.given, person.nickname, rng.chance(0.5), 0.7, true);
    const family = corrupt.name(person.family, 0.7, true);
    let name = customerName(ctx, given, family, person.title, person.middle);
    if (rng.next() < rates.swapNames) name = `${family} ${given}`;
    const phone = rng.chance(0.72) ? (mobileAt(person, time) ?? household.landline) : null;
    let postcode = residence.address.postcode;
    if (residence.address.country === "US" && rng.chance(0.1))
      postcode = `${postcode}-${residence.address.plus4}`;
    const fact = orderRow(
      ctx,
      {
        email: rng.chance(0.015) ? "" : corrupt.email(email, 0.7),
        name,
        phone: phone === null ? "" : corrupt.digits(formatPhone(rng, phone), 0.7),
        shipping: corrupt.text(oneLineAddress(rng, shipTo), 0.5),
        postcode: corrupt.missing(1.2) ? "" : postcode,
        time,
      },
      orderLines(ctx),
      currency,
      subject,
    );
    fact.viaApp = person.device !== null && rng.chance(0.4);
    facts.push(fact);
  }
  return facts.sort((a, b) => a.time - b.time);
}
