import { type ContactPolicy, defaultContactPolicy, parseContactPolicy } from "../analytics/contact-policy.js";
import {
  getMessage,
  getMessageByKey,
  type Message,
  messagesOf,
  type ResponseKind,
  recordMessage,
  recordResponse,
  responseKinds,
} from "../store/ledger.js";
import type { Store } from "../store/open-store.js";
import { getState, putState } from "../store/stewardship.js";
import { findEntityId } from "./profile-api.js";

/**
 * The message ledger's use-cases: record what was sent (to a profile named by golden id, alias or
 * type:value), record a response, read a profile's messages; and the contact policy (caps, quiet hours,
 * suppression) kept in the store.
 */

export class LedgerError extends Error {
  override name = "LedgerError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const policyKey = "audiences.policy";

function isoOrNow(value: string | undefined, field: string, now: number): string {
  if (value === undefined) return new Date(now).toISOString();
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new LedgerError(`${field}: "${value}" is not a date and time`);
  return new Date(t).toISOString();
}

export async function profileId(store: Store, ref: string): Promise<string> {
  if (!ref || typeof ref !== "string")
    throw new LedgerError("profile: name the profile (T-42, email:…, user_id:…)");
  let found: { id: string } | null;
  try {
    found = await findEntityId(store, ref);
  } catch (e) {
    throw new LedgerError(`profile: ${(e as Error).message}`);
  }
  if (!found) throw new LedgerError(`profile: no profile ${ref}`, 404);
  return found.id;
}

export interface SendInput {
  profile: string;
  channel: string;
  campaign?: string;
  template?: string;
  messageKey?: string;
  sentAt?: string;
  properties?: Record<string, unknown>;
}

export async function recordSent(
  store: Store,
  input: SendInput,
  now = Date.now(),
): Promise<{ message: Message; created: boolean }> {
  if (!input.channel || !/^[a-z][a-z0-9_-]{0,31}$/.test(input.channel))
    throw new LedgerError(`channel: "${input.channel ?? ""}" is not a channel name (email, sms, push…)`);
  const entityId = await profileId(store, input.profile);
  return recordMessage(
    store.db,
    {
      entityId,
      channel: input.channel,
      campaign: input.campaign ?? null,
      template: input.template ?? null,
      messageKey: input.messageKey ?? null,
      sentAt: isoOrNow(input.sentAt, "sentAt", now),
      properties: input.properties ?? null,
    },
    new Date(now).toISOString(),
  );
}

/** Records a response to a message named by its id or by `key:<message key>`. */
export async function recordMessageResponse(
  store: Store,
  ref: string,
  input: { kind: string; at?: string; properties?: Record<string, unknown> },
  now = Date.now(),
): Promise<{ id: number; message: Message }> {
  if (!responseKinds.includes(input.kind as ResponseKind))
    throw new LedgerError(`kind: "${input.kind}" is not one of ${responseKinds.join(", ")}`);
  const message = ref.startsWith("key:")
    ? await getMessageByKey(store.db, ref.slice(4))
    : /^\d+$/.test(ref)
      ? await getMessage(store.db, Number(ref))
      : null;
  if (!message) throw new LedgerError(`no message ${ref} (give its id, or key:<message key>)`, 404);
  const id = await recordResponse(
    store.db,
    message,
    {
      kind: input.kind as ResponseKind,
      at: isoOrNow(input.at, "at", now),
      properties: input.properties ?? null,
    },
    new Date(now).toISOString(),
  );
  return { id, message: (await getMessage(store.db, message.id)) as Message };
}

export async function profileMessages(store: Store, ref: string, limit = 100): Promise<Message[]> {
  return messagesOf(store.db, [await profileId(store, ref)], { limit });
}

export async function readPolicy(store: Store): Promise<ContactPolicy> {
  const stored = await getState<unknown>(store.db, policyKey);
  return stored === null ? defaultContactPolicy : parseContactPolicy(stored);
}

export async function writePolicy(store: Store, input: unknown): Promise<ContactPolicy> {
  const policy = parseContactPolicy(input);
  await putState(store.db, policyKey, policy, new Date().toISOString());
  return policy;
}
