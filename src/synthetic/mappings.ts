import type { SourceMappingInput } from "../model/mapping.js";

/**
 * The source mappings shipped with the synthetic data set (written to `mappings/<source>.json`): how each
 * CSV column or JSON path becomes an attribute of a source record. support.mbox and access.log are read by
 * their own readers (a row per message, a row per visit; their format comes from the file's extension), and
 * their mappings name the fields those rows have.
 */

export const crmMapping: SourceMappingInput = {
  source: "crm",
  format: "csv",
  defaultCountry: "US",
  trust: 0.8,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    customer_id: "id",
    updated_at: "observedAt",
    title: "name.title",
    first_name: "name.given",
    last_name: "name.family",
    email: "email",
    phone: "phone",
    street: "address.line1",
    city: "address.city",
    state: "address.region",
    zip: "address.postcode",
    country: "address.country",
    date_of_birth: "dateOfBirth",
    gender: "gender",
    loyalty_number: "identifier:loyalty_number",
  },
};

export const ordersMapping: SourceMappingInput = {
  source: "orders",
  format: "csv",
  defaultCountry: "US",
  trust: 0.7,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    order_id: ["id", "identifier:order_id"],
    order_date: "observedAt",
    customer_email: "email",
    customer_name: "name.full",
    phone: "phone",
    shipping_address: "address:shipping.full",
    billing_postcode: "address:billing.postcode",
    amount: "extra:amount",
    currency: "extra:currency",
    items: "extra:items",
  },
};

export const webSignupsMapping: SourceMappingInput = {
  source: "web_signups",
  format: "jsonl",
  defaultCountry: "US",
  trust: 0.5,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    "$.submission_id": "id",
    "$.submitted_at": "observedAt",
    "$.form.first": "name.given",
    "$.form.last": "name.family",
    "$.form.email": "email",
    "$.form.phone": "phone",
    "$.form.zip": "address.postcode",
    "$.form.newsletter": "extra:newsletter",
    "$.ip": "identifier:ip_address",
    "$.user_agent": "extra:user_agent",
    "$.cookie_id": "identifier:cookie",
  },
};

export const appEventsMapping: SourceMappingInput = {
  source: "app_events",
  format: "jsonl",
  defaultCountry: "US",
  trust: 0.6,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    "$.messageId": "id",
    "$.timestamp": "observedAt",
    "$.type": "extra:type",
    "$.event": "extra:event",
    "$.name": "extra:screen",
    "$.userId": "identifier:user_id",
    "$.anonymousId": "identifier:anonymous_id",
    "$.context.device.id": "identifier:device_id",
    "$.context.device.model": "extra:device_model",
    "$.context.ip": "identifier:ip_address",
    "$.traits.email": "email",
    "$.traits.firstName": "name.given",
    "$.traits.lastName": "name.family",
    "$.traits.phone": "phone",
    "$.properties.order_id": "identifier:order_id",
    "$.properties.revenue": "extra:revenue",
    "$.properties.currency": "extra:currency",
  },
};

export const socialMapping: SourceMappingInput = {
  source: "social",
  format: "jsonl",
  defaultCountry: "US",
  trust: 0.3,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    // The profile URL names the network and the handle both: the identifier standardiser reads them from it.
    "$.url": ["id", "identifier:social_handle"],
    "$.platform": "extra:platform",
    "$.handle": "extra:handle",
    "$.display_name": "name.full",
    "$.bio": "text:bio",
    // A free-text location ("Shreveport, LA", "📍 Leeds", "somewhere"): text extraction reads the city.
    "$.location": "text:location",
    "$.followers": "extra:followers",
  },
};

/**
 * support.mbox: a row per message (src/sources/email.ts). The sender is the customer; the body is free
 * text, read for the signature's name, title, company and phones and for any email or phone written in it.
 */
export const supportMapping: SourceMappingInput = {
  source: "support",
  defaultCountry: "US",
  trust: 0.4,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    message_id: "id",
    date: "observedAt",
    from_address: "email",
    from_name: "name.full",
    subject: "text:subject",
    body: "text:body",
    to: "extra:to",
  },
};

/**
 * access.log: a row per visit (src/sources/access-log.ts), numbered by its first line, which is also the
 * truth's record id for that line. Crawlers and scanners are quarantined by the reader.
 */
export const accessLogMapping: SourceMappingInput = {
  source: "access_log",
  defaultCountry: "US",
  trust: 0.2,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    session_id: "id",
    started_at: "observedAt",
    ip: "identifier:ip_address",
    order_ids: "identifier:order_id",
    mc_eid: "identifier:other/mc_eid",
    user_agent: "extra:user_agent",
  },
};

/**
 * support_chat.jsonl: transcript turns read as a row per conversation (src/sources/chat.ts, format
 * `chat`). The chat form's name and e-mail and the caller's number are the customer's; what the customer
 * says is read by text extraction for e-mails, phones and a name.
 */
export const supportChatMapping: SourceMappingInput = {
  source: "support_chat",
  format: "chat",
  defaultCountry: "US",
  trust: 0.4,
  dateOrder: "auto",
  keepUnmapped: true,
  fields: {
    conversation_id: "id",
    started_at: "observedAt",
    customer_name: "name.full",
    customer_email: "email",
    customer_phone: "phone",
    customer_text: "text:customer",
    channel: "extra:channel",
    transcript: "ignore",
  },
};

/** Mapped sources and their mappings; the file of each is `mappings/<source>.json`. */
export const sourceMappings = {
  crm: crmMapping,
  orders: ordersMapping,
  web_signups: webSignupsMapping,
  app_events: appEventsMapping,
  social: socialMapping,
  support: supportMapping,
  access_log: accessLogMapping,
  support_chat: supportChatMapping,
} as const;

export type MappedSource = keyof typeof sourceMappings;
