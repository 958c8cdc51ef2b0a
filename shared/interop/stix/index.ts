/**
 * STIX 2.1 for Cordon (DESIGN §12): bulletins to STIX objects, bundles and TAXII
 * records, and the pattern and observable rules the importers read back.
 */
export {
  publisherIdentity,
  type StixVersion,
  stixBundle,
  stixIds,
  stixRecords,
  stixVersion,
  stixVersionCount,
} from "./bulletin.js";
export {
  BULLETIN_EXTENSION_ID,
  CORDON_OBJECTS_CREATED,
  cordonExtensionDefinitions,
  DEFAULT_HUB_NAME,
  hubIdentity,
  hubIdentityId,
  TRANSACTION_EXTENSION_ID,
  TRANSACTION_SCO_TYPE,
  WALLET_EXTENSION_ID,
  WALLET_SCO_TYPE,
} from "./extensions.js";
export { CORDON_NAMESPACE, cordonId, identityId, jcs, OASIS_NAMESPACE, scoId } from "./ids.js";
export {
  exportTlp,
  leastRestrictiveTlp,
  TLP_MARKING_IDS,
  TLP2_EXTENSION_ID,
  tlpMarking,
  tlpOfMarking,
} from "./markings.js";
export {
  type IndicatorObservable,
  indicatorOfObservation,
  type ObservationResult,
  observableOf,
  observationOfSco,
} from "./observables.js";
export {
  MAX_PATTERN_LENGTH,
  observationPattern,
  type PatternObservation,
  parsePattern,
  stringLiteral,
} from "./pattern.js";
export {
  type ExportTlp,
  STIX_MEDIA_TYPE,
  type StixBundle,
  type StixMappingOptions,
  type StixObject,
  type StixRecord,
} from "./types.js";
