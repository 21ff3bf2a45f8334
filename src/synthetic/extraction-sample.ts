import { type Country, countries } from "./countries.js";
import { e164 as e164Of, formatPhone, mobile } from "./phones.js";
import { buildPools } from "./pools.js";
import { Rng } from "./prng.js";

/**
 * A labelled sample for text extraction: short customer messages (support e-mails, chat statements, social
 * bios) with the emails, phones and person names they hold, each labelled with its exact span. The texts
 * mix the generator's names, companies and phone formats with distractors that are not contact points
 * (order numbers, dates, prices, @mentions of the shop), so that precision is tested as well as recall.
 */

export interface LabelledSpan {
  kind: "email" | "phone" | "person";
  /** Lower-cased email, E.164 phone, or the name as written. */
  value: string;
  start: number;
  end: number;
}

export interface LabelledText {
  id: string;
  /** The writer's country: what a source's `defaultCountry` says for phones written without "+". */
  country: string;
  text: string;
  labels: LabelledSpan[];
}

class Builder {
  text = "";
  labels: LabelledSpan[] = [];
  add(s: string): this {
    this.text += s;
    return this;
  }
  label(kind: LabelledSpan["kind"], written: string, value = written): this {
    this.labels.push({ kind, value, start: this.text.length, end: this.text.length + written.length });
    this.text += written;
    return this;
  }
}

export function extractionSample(size: number, seed: number): LabelledText[] {
  const rng = Rng.from(seed, 9, 0);
  const pools = buildPools(seed);
  const out: LabelledText[] = [];
  for (let i = 0; i < size; i++) {
    const country: Country = rng.chance(0.7) ? "US" : rng.pick(countries);
    const names = pools.names[pools.cultures[country].sample(rng)];
    const given = (rng.chance(0.5) ? names.female : names.male).sample(rng);
    const family = names.family.sample(rng);
    const company = rng.pick(pools.companies);
    const city = pools.cities[country].sample(rng);
    const phone = mobile(rng, country, city);
    const written = formatPhone(rng, phone);
    const e164 = e164Of(phone);
    const local = rng
      .pick([`${given}.${family}`, `${given[0]}${family}`, `${family}${rng.range(1, 99)}`])
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z0-9.]/g, "");
    const email = `${local}@${rng.chance(0.5) ? company.domain : rng.pick(["gmail.com", "outlook.com", "yahoo.com"])}`;
    const order = `ORD-${rng.digits(6)}`;
    const b = new Builder();
    switch (rng.int(3)) {
      case 0:
        b.add(
          `${rng.pick(["Hi,", "Hello,", "Dear Support,"])}\n\nMy order ${order} from ${rng.range(1, 28)}/${rng.range(1, 12)}/2024 (${rng.range(10, 300)}.99 USD) has not arrived. `,
        );
        if (rng.chance(0.6))
          b.add("You can reach me at ").label("phone", written, e164).add(" in the evenings.");
        b.add("\n\n--\n")
          .label("person", `${given} ${family}`)
          .add(`\n${rng.pick(pools.jobTitles)} | ${company.name}\n`);
        if (rng.chance(0.5)) b.add("Email: ").label("email", email, email.toLowerCase()).add("\n");
        break;
      case 1:
        b.add(`Customer: hello, this is `).label("person", `${given} ${family}`).add(`. My new email is `);
        b.label("email", email)
          .add(` and my number changed to `)
          .label("phone", written, e164)
          .add(`. Order ${order}, thanks!`);
        break;
      default:
        b.add(
          `${rng.pick(["Runner", "Coffee lover", "Dog person"])} · ${rng.pick(pools.jobTitles)} at ${company.name} · 📧 `,
        );
        b.label("email", email).add(` · fan of @lumenandloom · since ${rng.range(2009, 2023)}`);
        break;
    }
    out.push({ id: `sample-${i + 1}`, country, text: b.text, labels: b.labels });
  }
  return out;
}
