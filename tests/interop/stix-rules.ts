/**
 * The rules of the STIX 2.1 specification that Cordon's output must keep, written out
 * as assertions: identifier forms, required and common properties, timestamp forms,
 * the pattern grammar of the forms Cordon writes, and references (including
 * extension keys) that resolve inside the bundle. Shared by the unit and e2e tests.
 */
import { expect } from "vitest";
import {
  parsePattern,
  type StixObject,
  TLP2_EXTENSION_ID,
} from "../../shared/interop/stix/index.js";

const IDENTIFIER =
  /^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** STIX 2.1 §3.2: UTC, `Z`; `created`/`modified` to the millisecond at least. */
const TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$/;
const TIMESTAMP_MILLIS = /T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/;
const PROPERTY_NAME = /^[a-z0-9_]{3,250}$/;
const SCO_TYPES = new Set([
  "cryptocurrency-wallet",
  "x-cordon-crypto-transaction",
  "url",
  "email-addr",
  "user-account",
]);
const SDO_SRO_TYPES = new Set([
  "identity",
  "report",
  "indicator",
  "relationship",
  "extension-definition",
]);

/** Every `*_ref` / `*_refs` value anywhere in an object (extensions included). */
function referencesOf(value: unknown, key = ""): string[] {
  if (typeof value === "string") return key.endsWith("_ref") ? [value] : [];
  if (Array.isArray(value)) {
    return key.endsWith("_refs") ? value.filter((v): v is string => typeof v === "string") : [];
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => referencesOf(v, k));
  }
  return [];
}

export function checkObject(object: StixObject): void {
  const match = IDENTIFIER.exec(object.id);
  expect(match, object.id).not.toBeNull();
  expect(match?.[1]).toBe(object.type);
  expect(object.spec_version).toBe("2.1");
  for (const [name, value] of Object.entries(object)) {
    expect(name === "id" || PROPERTY_NAME.test(name), name).toBe(true);
    // STIX 2.1 §3.3: an empty list is never a property's value.
    if (Array.isArray(value)) expect(value.length, name).toBeGreaterThan(0);
  }
  if (SDO_SRO_TYPES.has(object.type)) {
    expect(object.created).toMatch(TIMESTAMP);
    expect(object.created).toMatch(TIMESTAMP_MILLIS);
    expect(object.modified).toMatch(TIMESTAMP);
    expect(object.modified).toMatch(TIMESTAMP_MILLIS);
    expect(Date.parse(object.modified as string)).toBeGreaterThanOrEqual(
      Date.parse(object.created as string),
    );
  }
  if (SCO_TYPES.has(object.type)) {
    // SCOs are not versioned: no created or modified.
    expect(object.created).toBeUndefined();
    expect(object.modified).toBeUndefined();
  }
  for (const name of ["valid_from", "valid_until", "published"]) {
    if (object[name] !== undefined) expect(object[name]).toMatch(TIMESTAMP);
  }
  if (object.type === "indicator") {
    expect(object.pattern_type).toBe("stix");
    expect(Date.parse(object.valid_from as string)).toBeLessThan(
      object.valid_until === undefined
        ? Number.POSITIVE_INFINITY
        : Date.parse(object.valid_until as string),
    );
    expect(parsePattern(object.pattern as string)).toHaveLength(1);
  }
  if (object.type === "report") {
    expect(object.name).toEqual(expect.any(String));
    expect(object.published).toEqual(expect.any(String));
  }
  if (object.type === "relationship") {
    expect(object.relationship_type).toMatch(/^(based-on|derived-from)$/);
  }
}

export function checkBundle(objects: readonly StixObject[]): void {
  const ids = new Set(objects.map((object) => object.id));
  expect(ids.size).toBe(objects.length);
  for (const object of objects) {
    checkObject(object);
    for (const ref of referencesOf(object))
      expect(ids.has(ref), `${object.id} → ${ref}`).toBe(true);
    for (const extension of Object.keys((object.extensions as object | undefined) ?? {})) {
      // The official TLP 2.0 markings name OASIS's extension by its well-known id.
      if (extension !== TLP2_EXTENSION_ID) expect(ids.has(extension), extension).toBe(true);
    }
  }
}

/**
 * A TAXII collection as a client holds it after reading it: the rules for each object,
 * and every reference and extension key resolving to an object the collection served
 * (in any version).
 */
export function checkCollection(objects: readonly StixObject[]): void {
  const ids = new Set(objects.map((object) => object.id));
  for (const object of objects) {
    checkObject(object);
    for (const ref of referencesOf(object))
      expect(ids.has(ref), `${object.id} → ${ref}`).toBe(true);
    for (const extension of Object.keys((object.extensions as object | undefined) ?? {})) {
      if (extension !== TLP2_EXTENSION_ID) expect(ids.has(extension), extension).toBe(true);
    }
  }
}
