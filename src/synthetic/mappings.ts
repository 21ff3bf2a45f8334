import type { SourceMappingInput } from "../model/mapping.js";

/**
 * The source mappings shipped with the synthetic data set (written to `mappings/<source>.json`): how each
 * CSV column or JSON path becomes an attribute of a source record. access.log and support.mbox have none:
 * their readers extract what they hold.
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
    "$.location": "text:location",
    "$.followers": "extra:followers",
  },
};

/** Mapped sources and their mappings; the file of each is `mappings/<source>.json`. */
export const sourceMappings = {
  crm: crmMapping,
  orders: ordersMapping,
  web_signups: webSignupsMapping,
  app_events: appEventsMapping,
  social: socialMapping,
} as const;

export type MappedSource = keyof typeof sourceMappings;
