import {
  type AddressPart,
  addressParts,
  type IdentifierType,
  identifierType,
} from "../model/source-record.js";

/** A mapping target, parsed once: where in a source record one source value goes. */
export type MappingTarget =
  | { kind: "id" }
  | { kind: "observedAt" }
  | { kind: "name"; part: "full" | "title" | "given" | "middle" | "family" | "suffix" }
  | { kind: "email"; label: string | null }
  | { kind: "phone"; label: string | null }
  | { kind: "address"; label: string | null; part: AddressPart }
  | { kind: "dateOfBirth" }
  | { kind: "gender" }
  | { kind: "identifier"; type: IdentifierType; namespace: string | null }
  | { kind: "text"; name: string }
  | { kind: "extra"; name: string }
  | { kind: "ignore" };

const nameParts = new Set(["full", "title", "given", "middle", "family", "suffix"]);
const addressPartSet = new Set<string>(addressParts);
const identifierTypes = new Set<string>(identifierType.options);

/** Parses a target such as `address:billing.postcode`; returns an error sentence when it is not one. */
export function parseTarget(target: string): MappingTarget | string {
  const t = target.trim();
  switch (t) {
    case "id":
    case "observedAt":
    case "dateOfBirth":
    case "gender":
    case "ignore":
      return { kind: t };
    case "email":
    case "phone":
      return { kind: t, label: null };
  }
  const [head, ...rest] = t.split(":");
  const tail = rest.join(":");
  if (head === "email" || head === "phone") {
    return tail ? { kind: head, label: tail } : `"${t}" needs a label after the colon`;
  }
  if (head === "text" || head === "extra") {
    return tail ? { kind: head, name: tail } : `"${t}" needs a name after the colon`;
  }
  if (head === "identifier") {
    const [type, namespace] = tail.split("/");
    if (!type || !identifierTypes.has(type)) {
      return `"${t}": identifier type must be one of ${[...identifierTypes].join(", ")}`;
    }
    return { kind: "identifier", type: type as IdentifierType, namespace: namespace || null };
  }
  if (t.startsWith("name.")) {
    const part = t.slice(5);
    if (nameParts.has(part)) return { kind: "name", part: part as "full" };
    return `"${t}": a name part is one of ${[...nameParts].join(", ")}`;
  }
  if (t.startsWith("address")) {
    const m = /^address(?::([^.]+))?\.(\w+)$/.exec(t);
    if (m && addressPartSet.has(m[2] as string)) {
      return { kind: "address", label: m[1] ?? null, part: m[2] as AddressPart };
    }
    return `"${t}": write address.<part> or address:<label>.<part>, part one of ${addressParts.join(", ")}`;
  }
  return `"${t}" is not a mapping target (see docs/mapping.md)`;
}
