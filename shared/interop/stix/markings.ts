/**
 * TLP 2.0 as STIX marking definitions: the four official OASIS objects
 * (cti-stix-common-objects, `extension-definition-specifications/tlp-2.0`), copied
 * member for member so their ids mean what every STIX consumer expects. TLP:RED has
 * no entry on purpose: nothing red leaves the hub through these routes.
 */
import type { Tlp } from "../../bulletins/schema.js";
import { InteropError } from "../errors.js";
import type { ExportTlp, StixObject } from "./types.js";

/** OASIS's TLP 2.0 extension, which the official marking definitions use. */
export const TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

export const TLP_MARKING_IDS: Readonly<Record<ExportTlp, string>> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
};

/** How restrictive each level is: a larger number shares with fewer. */
const RESTRICTION: Readonly<Record<ExportTlp, number>> = {
  clear: 0,
  green: 1,
  amber: 2,
  "amber+strict": 3,
};

/** A level that may be exported; TLP:RED is refused with `ERR_INTEROP_TLP_RED`. */
export function exportTlp(tlp: Tlp): ExportTlp {
  if (tlp === "red") {
    throw new InteropError(
      "ERR_INTEROP_TLP_RED",
      "TLP:RED content is never exported: a red bulletin is read by direct GET only.",
    );
  }
  return tlp;
}

/** The official marking definition of a TLP 2.0 level. */
export function tlpMarking(tlp: ExportTlp): StixObject {
  return {
    type: "marking-definition",
    spec_version: "2.1",
    id: TLP_MARKING_IDS[tlp],
    created: "2022-10-01T00:00:00.000Z",
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: tlp },
    },
  };
}

/**
 * The least restrictive of several levels. An SCO (an address, a URL) is the same
 * object in every bulletin that names it; a collection serving it to a caller marks
 * it with the least restrictive TLP among the bulletins that caller may see, since
 * the value was shared with the caller at that level.
 */
export function leastRestrictiveTlp(levels: readonly ExportTlp[]): ExportTlp {
  let least: ExportTlp | undefined;
  for (const level of levels) {
    if (least === undefined || RESTRICTION[level] < RESTRICTION[least]) least = level;
  }
  if (least === undefined) throw new RangeError("No TLP level given.");
  return least;
}

/** The TLP 2.0 level of an official marking id (TLP 1.0's ids too, for imports). */
export function tlpOfMarking(id: string): Tlp | undefined {
  for (const [level, markingId] of Object.entries(TLP_MARKING_IDS)) {
    if (markingId === id) return level as ExportTlp;
  }
  return TLP1_AND_OTHER_MARKINGS[id];
}

/**
 * Marking ids other producers use for TLP: STIX 2.1's TLP 1.0 definitions (which
 * OpenCTI also uses for CLEAR, GREEN, AMBER and RED), OpenCTI's AMBER+STRICT, and
 * the official TLP 2.0 RED. Only imports read them.
 */
const TLP1_AND_OTHER_MARKINGS: Readonly<Record<string, Tlp>> = {
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
  "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": "amber+strict",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
  "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
};
