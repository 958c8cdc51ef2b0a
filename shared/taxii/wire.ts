/**
 * TAXII 2.1 resources as zod schemas (OASIS TAXII 2.1 §4–§5): discovery, API root,
 * collections, envelope, manifest, versions and the error message. One schema per wire
 * shape, for types and the OpenAPI document.
 */
import * as z from "zod";

export const DiscoverySchema = z
  .object({
    title: z.string(),
    description: z.string().optional(),
    contact: z.string().optional(),
    default: z.string().optional(),
    api_roots: z.array(z.string()),
  })
  .meta({ id: "TaxiiDiscovery" });
export type Discovery = z.infer<typeof DiscoverySchema>;

export const ApiRootSchema = z
  .object({
    title: z.string(),
    description: z.string().optional(),
    versions: z.array(z.string()),
    max_content_length: z.int(),
  })
  .meta({ id: "TaxiiApiRoot" });
export type ApiRoot = z.infer<typeof ApiRootSchema>;

export const CollectionSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    alias: z.string().optional(),
    can_read: z.boolean(),
    can_write: z.boolean(),
    media_types: z.array(z.string()),
  })
  .meta({ id: "TaxiiCollection" });
export type Collection = z.infer<typeof CollectionSchema>;

export const CollectionsSchema = z
  .object({ collections: z.array(CollectionSchema) })
  .meta({ id: "TaxiiCollections" });

const StixObjectSchema = z
  .looseObject({ type: z.string(), id: z.string(), spec_version: z.literal("2.1") })
  .meta({ id: "StixObject", description: "A STIX 2.1 object (docs/interop.md)" });

export const EnvelopeSchema = z
  .object({
    more: z.boolean().optional(),
    next: z.string().optional().describe("present exactly when more is true"),
    objects: z.array(StixObjectSchema).optional(),
  })
  .meta({ id: "TaxiiEnvelope" });
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const ManifestRecordSchema = z.object({
  id: z.string(),
  date_added: z.string(),
  version: z.string(),
  media_type: z.string(),
});
export type ManifestRecord = z.infer<typeof ManifestRecordSchema>;

export const ManifestSchema = z
  .object({
    more: z.boolean().optional(),
    next: z.string().optional(),
    objects: z.array(ManifestRecordSchema).optional(),
  })
  .meta({ id: "TaxiiManifest" });
export type Manifest = z.infer<typeof ManifestSchema>;

export const VersionsSchema = z
  .object({
    more: z.boolean().optional(),
    next: z.string().optional(),
    versions: z.array(z.string()).optional(),
  })
  .meta({ id: "TaxiiVersions" });
export type Versions = z.infer<typeof VersionsSchema>;

/** TAXII's error message (§3.6.1); `http_status` is a string there. */
export const TaxiiErrorSchema = z
  .object({
    title: z.string(),
    description: z.string().optional(),
    error_code: z.string().optional(),
    http_status: z.string().optional(),
  })
  .meta({ id: "TaxiiError" });
export type TaxiiError = z.infer<typeof TaxiiErrorSchema>;

/** A STIX 2.1 bundle (`GET /v1/bulletins/{id}/stix`). */
export const StixBundleSchema = z
  .object({ type: z.literal("bundle"), id: z.string(), objects: z.array(StixObjectSchema) })
  .meta({ id: "StixBundle" });

/** A MISP feed file: `manifest.json` ({uuid: entry}), an event ({"Event": …}), or `hashes.csv` (text). */
export const MispFeedFileSchema = z
  .record(z.string(), z.unknown())
  .meta({ id: "MispFeedFile", description: "MISP's feed format (docs/interop.md)" });
