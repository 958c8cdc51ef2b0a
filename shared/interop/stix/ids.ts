/**
 * Deterministic STIX identifiers (STIX 2.1 §2.9): SCOs by the specification's UUIDv5
 * rule, identities as OpenCTI computes them (so OpenCTI merges them with its own),
 * and the bulletin's own objects under a Cordon namespace, stable per bulletin and
 * per indicator so that a revocation makes new versions and never new ids.
 */
import canonicalize from "canonicalize";
import { v5 as uuidv5 } from "uuid";

/** The namespace STIX 2.1 §2.9 fixes for SCO ids (and OpenCTI uses for identities). */
export const OASIS_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";

/**
 * Cordon's own namespace for the ids of bulletin objects. STIX forbids the OASIS
 * namespace for anything but SCOs, so these never collide with an SCO id.
 */
export const CORDON_NAMESPACE = "3b644a46-7748-4064-a5b6-e8d24c39ec11";

/** RFC 8785 (JCS) text of a JSON object, the input of every UUIDv5 here. */
export function jcs(value: Record<string, unknown>): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("Not a JSON value.");
  return text;
}

/**
 * An SCO id: `type--UUIDv5(OASIS namespace, JCS of the ID contributing
 * properties)`; properties that are absent are left out of the object hashed.
 */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  const present = Object.fromEntries(
    Object.entries(contributing).filter(([, value]) => value !== undefined),
  );
  return `${type}--${uuidv5(jcs(present), OASIS_NAMESPACE)}`;
}

/**
 * An identity id as OpenCTI and pycti compute it (`Identity.generate_id`):
 * UUIDv5 of JCS `{"name": lower(trim(name)), "identity_class": lower(class)}` under
 * the OASIS namespace. (STIX 2.1 §2.9 reserves that namespace for SCOs; DESIGN §12
 * follows OpenCTI here so that OpenCTI recognises the organisation it already has.)
 */
export function identityId(name: string, identityClass: "organization" | "system"): string {
  const data = { name: name.trim().toLowerCase(), identity_class: identityClass };
  return `identity--${uuidv5(jcs(data), OASIS_NAMESPACE)}`;
}

/** The id of one of Cordon's own objects: `type--UUIDv5(Cordon namespace, JCS(key))`. */
export function cordonId(type: string, key: Record<string, unknown>): string {
  return `${type}--${uuidv5(jcs({ type, ...key }), CORDON_NAMESPACE)}`;
}
