/**
 * The hub's own STIX objects: its identity and the extension definitions it creates
 * (DESIGN §12). Their content never changes with a bulletin, so every bulletin serves
 * them identically; `created`/`modified` are fixed for the same reason.
 */
import { identityId } from "./ids.js";
import { TLP_MARKING_IDS } from "./markings.js";
import type { StixObject } from "./types.js";

/** `created` and `modified` of the objects the hub defines (Cordon's STIX mapping 1.1). */
export const CORDON_OBJECTS_CREATED = "2026-01-01T00:00:00.000Z";

export const DEFAULT_HUB_NAME = "Cordon";

/** The bulletin property extension on each report (jws, receipt, tlp, audience…). */
export const BULLETIN_EXTENSION_ID = "extension-definition--5277e165-e92c-4d72-ab34-3f2f9090713e";
/** The new SCO `x-cordon-crypto-transaction`. */
export const TRANSACTION_EXTENSION_ID =
  "extension-definition--e502a07a-577e-4f1a-bb13-ae191d7eab7a";
/** The SCO `cryptocurrency-wallet`, as OpenCTI defines it (`value`). */
export const WALLET_EXTENSION_ID = "extension-definition--cfbed767-9115-4d14-b6be-fe16ac421a8b";

export const TRANSACTION_SCO_TYPE = "x-cordon-crypto-transaction";
export const WALLET_SCO_TYPE = "cryptocurrency-wallet";

export function hubIdentityId(hubName = DEFAULT_HUB_NAME): string {
  return identityId(hubName, "system");
}

/** The hub as a STIX identity (`system`): the creator of the extension definitions. */
export function hubIdentity(hubName = DEFAULT_HUB_NAME): StixObject {
  return {
    type: "identity",
    spec_version: "2.1",
    id: hubIdentityId(hubName),
    created: CORDON_OBJECTS_CREATED,
    modified: CORDON_OBJECTS_CREATED,
    name: hubName,
    identity_class: "system",
    description: "The Cordon hub that relays these signed indicator bulletins.",
    object_marking_refs: [TLP_MARKING_IDS.clear],
  };
}

function extensionDefinition(
  hubName: string,
  id: string,
  name: string,
  description: string,
  anchor: string,
  extensionType: "property-extension" | "new-sco",
): StixObject {
  return {
    type: "extension-definition",
    spec_version: "2.1",
    id,
    created_by_ref: hubIdentityId(hubName),
    created: CORDON_OBJECTS_CREATED,
    modified: CORDON_OBJECTS_CREATED,
    name,
    description,
    schema: `Cordon docs/interop.md, section "${anchor}"`,
    version: "1.1.0",
    extension_types: [extensionType],
    object_marking_refs: [TLP_MARKING_IDS.clear],
  };
}

/** The three extension definitions, in a fixed order. */
export function cordonExtensionDefinitions(hubName = DEFAULT_HUB_NAME): StixObject[] {
  return [
    extensionDefinition(
      hubName,
      BULLETIN_EXTENSION_ID,
      "Cordon bulletin",
      "On a report: the publisher's signed bulletin (compact JWS), its content_sha256, " +
        "tlp, audience and the hub's receipt, so a consumer can verify the original.",
      "cordon-bulletin-extension",
      "property-extension",
    ),
    extensionDefinition(
      hubName,
      TRANSACTION_EXTENSION_ID,
      "Cordon crypto transaction",
      "The SCO x-cordon-crypto-transaction: a transaction on a blockchain, by `chain` " +
        "(a Cordon chain name) and `hash`; both are its ID contributing properties.",
      "x-cordon-crypto-transaction",
      "new-sco",
    ),
    extensionDefinition(
      hubName,
      WALLET_EXTENSION_ID,
      "Cryptocurrency wallet",
      "The SCO cryptocurrency-wallet as OpenCTI defines it: `value` is the address and " +
        "its only ID contributing property.",
      "cryptocurrency-wallet",
      "new-sco",
    ),
  ];
}
