/**
 * The wire shapes of the hub's API (DESIGN §9) as the SDK returns them. Shapes the
 * hub's own code already defines are re-exported from there, so client and hub
 * cannot drift apart; the rest are written here, member for member as §9 names them.
 */
import type * as z from "zod";
import type { BulletinPayload, Category, Tlp } from "../../shared/bulletins/schema.js";
import type {
  BulletinStatus,
  BulletinView,
  RedNotice,
  Revocation,
} from "../../shared/bulletins/types.js";
import type {
  ScreenMatch,
  ScreenResult,
  FeedPage as WireFeedPage,
} from "../../shared/bulletins/wire.js";
import type {
  CreatedFeedTokenSchema,
  CreateFeedTokenSchema,
  FeedTokenViewSchema,
} from "../../shared/feed-tokens/schema.js";
import type { Chain, Indicator, IndicatorType } from "../../shared/indicators/types.js";
import type { CreateOrgSchema, PatchOrgSchema } from "../../shared/orgs/schema.js";
import type { KeyStatus, OrgType, Role } from "../../shared/orgs/types.js";
import type { AddedKeySchema, OrgView, toOrgJwks } from "../../shared/orgs/view.js";
import type {
  SightingBodySchema,
  SightingPageSchema,
  SightingView,
} from "../../shared/sightings/types.js";
import type { ReceiptClaims } from "../../shared/signatures/receipt.js";
import type { Jwks, PublicJwk, SigningKey } from "../../shared/signatures/types.js";
import type { CreateSubscriptionSchema } from "../../shared/subscriptions/schema.js";
import type {
  DeliveryEventType,
  DeliveryStatus,
  EventType,
  SubscriptionFilter,
  SubscriptionStatus,
} from "../../shared/subscriptions/types.js";
import type {
  AttemptSchema,
  CreatedSubscriptionSchema,
  DeliveryDetail as DeliveryDetailView,
  DeliveryPageSchema,
  DeliveryView,
  PingSchema,
  SubscriptionView,
} from "../../shared/subscriptions/view.js";

export type {
  BulletinPayload,
  BulletinStatus,
  BulletinView,
  Category,
  Chain,
  DeliveryEventType,
  DeliveryStatus,
  EventType,
  Indicator,
  IndicatorType,
  Jwks,
  KeyStatus,
  OrgType,
  PublicJwk,
  ReceiptClaims,
  RedNotice,
  Revocation,
  Role,
  ScreenMatch,
  ScreenResult,
  SigningKey,
  SubscriptionFilter,
  SubscriptionStatus,
  Tlp,
};

// ---------------------------------------------------------------------------------
// Organisations and keys

/** `GET /v1/me` and the admin routes. */
export type Organisation = OrgView;

/** `POST /v1/admin/orgs`. */
export type CreateOrganisationInput = z.input<typeof CreateOrgSchema>;

/** `PATCH /v1/admin/orgs/{id}`: any of these. */
export type PatchOrganisationInput = z.input<typeof PatchOrgSchema>;

/** `POST /v1/keys` answer. */
export type AddedKey = z.infer<typeof AddedKeySchema>;

/** `GET /v1/orgs/{id}/jwks`: each JWK plus its history (status, created_at, revoked_at). */
export type OrgJwks = ReturnType<typeof toOrgJwks>;
export type PublishedJwk = OrgJwks["keys"][number];

// ---------------------------------------------------------------------------------
// Bulletins

/**
 * What `publish` takes: a bulletin payload whose `id`, `issuer` and `issued_at` may be
 * left out — the SDK fills them (a new ULID, the client's organisation, now).
 */
export type BulletinDraft = Omit<BulletinPayload, "id" | "issuer" | "issued_at"> &
  Partial<Pick<BulletinPayload, "id" | "issuer" | "issued_at">>;

/** `POST /v1/bulletins` answer, plus whether this call created it (201) or found it (200). */
export interface PublishResult {
  id: string;
  received_at: string;
  content_sha256: string;
  /** The hub's signed statement of when it received the bulletin (`cordon-receipt+jws`). */
  receipt: string;
  /** False when the same bulletin had been published before (a safe retry). */
  created: boolean;
  /** The compact JWS that was sent, exactly as signed. */
  jws: string;
  /** The payload that was signed, with `id`, `issuer` and `issued_at` filled in. */
  bulletin: BulletinPayload;
  /** The publication's place in the log (DESIGN §10), when the hub had logged it. */
  change?: Change;
}

/** `POST /v1/bulletins/{id}/revoke` answer: the bulletin, and the revocation's change. */
export type RevokedBulletin = BulletinView & { change?: Change | null };

/**
 * `GET /v1/bulletins/{id}/proof` (DESIGN §14): the latest checkpoint (a signed note)
 * and each logged change of the bulletin with its inclusion path in that checkpoint's
 * tree (base64 hashes, leaf up), or null for a change not in it yet. Verify with
 * `verifyCheckpoint` and `verifyInclusion`; trust none of it unverified.
 */
export interface BulletinProof {
  checkpoint: string;
  changes: ChangeProof[];
}

/** One change of a bulletin and its inclusion path (null before a checkpoint covers it). */
export interface ChangeProof extends Change {
  inclusion: string[] | null;
}

/** A feed item or webhook `data`: the full bulletin, or only a notice for TLP:RED. */
export type SharedBulletin = BulletinView | RedNotice;

/** The kinds of change the feed reports (DESIGN §10). */
export type ChangeKind = "published" | "revoked" | "superseded";

/**
 * The change a feed item reports (DESIGN §10): `seq` counts every change of the hub
 * from 0, `at` is when the hub committed it (RFC 3339), `receipt` the hub's receipt
 * for that change. Hubs before v1.1 send none.
 */
export interface Change {
  seq: number;
  kind: ChangeKind;
  at: string;
  receipt: string;
}

/**
 * One feed item: a bulletin (or a TLP:RED notice) as it is now, the change that put it
 * here, and (when the hub sends it) the publisher's display name.
 */
export type FeedItem = SharedBulletin & { change?: Change; issuer_name?: string };

/** `GET /v1/bulletins`: a page of the change feed. */
export type FeedPage = Omit<WireFeedPage, "items"> & { items: FeedItem[] };

/** True when a feed item or webhook `data` carries the content (not a TLP:RED notice). */
export function hasContent(item: SharedBulletin): item is BulletinView {
  return "bulletin" in item;
}

// ---------------------------------------------------------------------------------
// Screening and sightings

/**
 * One input to screen: an indicator in the bulletin shapes. Other objects are allowed
 * so that invalid input comes back as a per-input error, as the hub does.
 */
export type ScreenInput = Indicator | { readonly [member: string]: unknown };

/** `POST /v1/sightings`: the indicator as an indicator object or its normalised string. */
export type SightingInput = Omit<z.input<typeof SightingBodySchema>, "indicator"> & {
  indicator: Indicator | string;
};

export type Sighting = SightingView;

export type SightingsPage = z.infer<typeof SightingPageSchema>;

// ---------------------------------------------------------------------------------
// Subscriptions, deliveries and webhook events

export type SubscriptionInput = z.input<typeof CreateSubscriptionSchema>;

export type Subscription = SubscriptionView;

/** `POST /v1/subscriptions` answer: the only time the secret (`whsec_…`) is shown. */
export type CreatedSubscription = z.infer<typeof CreatedSubscriptionSchema>;

/** `POST /v1/subscriptions/{id}/test` answer (202). */
export type PingQueued = z.infer<typeof PingSchema>;

/** A delivery in the list, with why its last attempt failed (`ECONNREFUSED`, `timeout`, …). */
export type Delivery = DeliveryView & { last_error?: string | null };

export type DeliveriesPage = Omit<z.infer<typeof DeliveryPageSchema>, "items"> & {
  items: Delivery[];
};

/** One attempt to deliver (DESIGN §15): when, how long, and what came back or went wrong. */
export type DeliveryAttempt = z.infer<typeof AttemptSchema>;

/** `GET /v1/subscriptions/{id}/deliveries/{webhook_id}`: a delivery with every attempt. */
export type DeliveryDetail = DeliveryDetailView;

interface WebhookEventOf<T extends string, D> {
  type: T;
  timestamp: string;
  /** Binds the hub's `v1a` signature to one subscription. */
  subscription_id: string;
  data: D;
}

export type BulletinPublishedEvent = WebhookEventOf<"bulletin.published", SharedBulletin>;
export type BulletinRevokedEvent = WebhookEventOf<"bulletin.revoked", SharedBulletin>;
export type SightingReportedEvent = WebhookEventOf<"sighting.reported", Sighting>;
export type PingEvent = WebhookEventOf<"ping", { subscription_id: string }>;

/** A webhook body, as `verifyWebhook` answers it once verified. */
export type WebhookEvent =
  | BulletinPublishedEvent
  | BulletinRevokedEvent
  | SightingReportedEvent
  | PingEvent;

// ---------------------------------------------------------------------------------
// Feed tokens (DESIGN §11) and STIX

export type FeedTokenInput = z.input<typeof CreateFeedTokenSchema>;

/** A feed token as listed: never the token itself. */
export type FeedToken = z.infer<typeof FeedTokenViewSchema>;

/** `POST /v1/feed-tokens` answer: the only time the token (`cft_…`) is shown. */
export type CreatedFeedToken = z.infer<typeof CreatedFeedTokenSchema>;

/** `GET /v1/bulletins/{id}/stix`: the bulletin as one STIX 2.1 bundle. */
export interface StixBundle {
  type: "bundle";
  id: string;
  objects: ({ type: string; id: string; spec_version: "2.1" } & Record<string, unknown>)[];
}
