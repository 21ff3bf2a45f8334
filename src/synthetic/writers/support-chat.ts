import { shop } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { emailAt, mobileAt, momentOf, type Person, residenceAt } from "../person.js";
import { e164, formatPhone } from "../phones.js";
import { isoTimestamp } from "../time.js";
import type { OrderFact } from "./orders.js";

/**
 * support_chat.jsonl — the help desk's chat widget and phone line, as transcript turns in JSON lines: one
 * line per turn (`conversation_id`, `channel`, `timestamp`, `speaker`, `text`). A web chat's first line
 * carries what the pre-chat form asked (name, sometimes an e-mail); a call's carries the caller's number as
 * the phone system saw it (a withheld number gives none). What the customer says is where most identity
 * lives: "my email is …", "order ORD-…", "this is Jane Doe", "call me back on …". The truth's record id
 * is the conversation id.
 *
 * Written from a random stream of its own (seeded by seed and chunk), so adding this source left every
 * other file of a seed as it was.
 */

export const supportChatFile = "support_chat.jsonl";

interface Line {
  speaker: "customer" | "agent";
  text: string;
}

const AGENTS = ["Sam", "Priya", "Jordan", "Alex", "Maria", "Tom"];

function opening(ctx: ChunkContext, person: Person, call: boolean): Line[] {
  const rng = ctx.rng;
  const agent = rng.pick(AGENTS);
  const hello = call
    ? `Thank you for calling ${shop.name}, this is ${agent}. How can I help?`
    : `Hi! You're chatting with ${agent} from ${shop.name}. How can I help today?`;
  const lines: Line[] = [{ speaker: "agent", text: hello }];
  const name = `${person.nickname !== null && rng.chance(0.3) ? person.nickname : person.given} ${person.family}`;
  if (rng.chance(0.55)) {
    lines.push({
      speaker: "customer",
      text: rng.pick([`Hi, this is ${name}.`, `Hello, my name is ${name}.`, `Hi ${agent}, ${name} here.`]),
    });
  } else {
    lines.push({ speaker: "customer", text: rng.pick(["Hi there.", "Hello.", "Hi, I need some help."]) });
  }
  return lines;
}

function problem(ctx: ChunkContext, person: Person, time: number, orders: readonly OrderFact[]): Line[] {
  const rng = ctx.rng;
  const order = orders.filter((o) => o.time < time).pop();
  const choice = rng.weighted([0, 1, 2, 3], [order ? 40 : 0, order ? 20 : 0, 20, 20]);
  switch (choice) {
    case 0:
      return [
        { speaker: "customer", text: `My order ${order!.id} hasn't arrived yet.` },
        { speaker: "agent", text: "I'm sorry to hear that. Let me check the tracking for you." },
      ];
    case 1: {
      const line = rng.pick(order!.lines);
      return [
        { speaker: "customer", text: `I want to return the ${line.product.name} from order ${order!.id}.` },
        { speaker: "agent", text: "Of course. I'll e-mail you a return label." },
      ];
    }
    case 2: {
      const a = residenceAt(person.household, time).address;
      return [
        { speaker: "customer", text: `I moved to ${a.city} and need to update my delivery address.` },
        { speaker: "agent", text: "Happy to help with that. What's the new postcode?" },
        { speaker: "customer", text: `It's ${a.postcode}.` },
      ];
    }
    default:
      return [
        {
          speaker: "customer",
          text: `My loyalty points are missing. My card number is ${person.loyaltyNumber}.`,
        },
        { speaker: "agent", text: "Thanks, I can see the card. I'll add the points now." },
      ];
  }
}

function verification(ctx: ChunkContext, person: Person, time: number): Line[] {
  const rng = ctx.rng;
  const lines: Line[] = [{ speaker: "agent", text: "Can I have the e-mail address on your account?" }];
  if (rng.chance(0.85)) {
    const email = ctx.corrupt.email(emailAt(person, time), 0.15);
    lines.push({
      speaker: "customer",
      text: rng.pick([`Sure, it's ${email}`, `${email}`, `It should be ${email}, I think.`]),
    });
  } else {
    lines.push({ speaker: "customer", text: "I'm not sure which one I used, sorry." });
  }
  const phone = mobileAt(person, time);
  if (phone !== null && rng.chance(0.35)) {
    lines.push({ speaker: "agent", text: "And a number we can reach you on?" });
    lines.push({ speaker: "customer", text: `You can call me on ${formatPhone(rng, phone)}.` });
  }
  return lines;
}

function closing(ctx: ChunkContext): Line[] {
  const rng = ctx.rng;
  return [
    { speaker: "agent", text: "Is there anything else I can help with?" },
    {
      speaker: "customer",
      text: rng.pick([
        "No, that's all. Thanks!",
        "That's it, thank you so much.",
        "No thanks, bye.",
        "Great, thanks for your help 🙂",
      ]),
    },
  ];
}

/** Chance that a person contacts support by chat or phone, and how often. */
const CHAT_CHANCE = 0.07;

export function writeSupportChat(ctx: ChunkContext, person: Person, orders: readonly OrderFact[]): void {
  const { rng, timeline } = ctx;
  if (!rng.chance(CHAT_CHANCE)) return;
  const subject: Subject = { personId: person.id, householdId: person.household.id, fake: false };
  const count = 1 + rng.geometric(0.6, 3);
  for (let k = 0; k < count; k++) {
    const start = momentOf(rng, person, timeline);
    const call = rng.chance(0.35);
    const id = `${call ? "CALL" : "CHAT"}-${rng.hex(6).toUpperCase()}`;
    const first: Record<string, unknown> = { conversation_id: id, channel: call ? "phone" : "web_chat" };
    if (call) {
      const phone = mobileAt(person, start) ?? person.household.landline;
      // A withheld number reaches the phone system as nothing.
      if (phone !== null && rng.chance(0.8)) first.caller_id = e164(phone);
    } else {
      if (rng.chance(0.7))
        first.visitor_name = rng.chance(0.5) ? `${person.given} ${person.family}` : person.given;
      if (rng.chance(0.4)) first.visitor_email = emailAt(person, start);
    }
    const turns = [
      ...opening(ctx, person, call),
      ...problem(ctx, person, start, orders),
      ...verification(ctx, person, start),
      ...closing(ctx),
    ];
    let time = start;
    let text = "";
    turns.forEach((turn, i) => {
      const line = {
        ...(i === 0 ? first : { conversation_id: id }),
        timestamp: isoTimestamp(time),
        speaker: turn.speaker,
        text: turn.text,
      };
      text += `${JSON.stringify(line)}\n`;
      time += rng.range(5, 120);
    });
    emit(ctx, "support_chat", id, start, text, subject);
  }
}
