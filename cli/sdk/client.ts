/**
 * `CordonClient`: one typed method per route of the hub's API (DESIGN §3–§6, §9), over
 * the signed {@link Transport}. It builds what partners should not have to — request
 * tokens, bulletin JWS, key proofs — and turns problem+json answers into
 * {@link CordonApiError}s. GET and DELETE are retried on 429/5xx; a POST never is,
 * except publishing, which the bulletin's own id makes idempotent, and screening,
 * which changes nothing.
 */
import { FEED_MAX_LIMIT } from "../../shared/bulletins/feed.js";
import { MAX_SCREEN_INPUTS } from "../../shared/bulletins/screening.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { signerPublicJwk } from "../../shared/signatures/keys.js";
import type { Jwks, Signer } from "../../shared/signatures/types.js";
import { completeBulletin } from "./bulletin-draft.js";
import { CordonApiError } from "./errors.js";
import type { KeyRequest } from "./key-request.js";
import { TransparencyLog } from "./log.js";
import { type ScreenOptions, screenInBatches } from "./screen-batches.js";
import { apiErrorOf, sleep, Transport, type TransportOptions } from "./transport.js";
import type {
  AddedKey,
  BulletinDraft,
  BulletinProof,
  BulletinView,
  CreatedFeedToken,
  CreatedSubscription,
  CreateOrganisationInput,
  DeliveriesPage,
  Delivery,
  DeliveryDetail,
  FeedItem,
  FeedPage,
  FeedToken,
  FeedTokenInput,
  Organisation,
  OrgJwks,
  PatchOrganisationInput,
  PingQueued,
  PublishResult,
  RevokedBulletin,
  ScreenInput,
  ScreenResult,
  Sighting,
  SightingInput,
  SightingsPage,
  StixBundle,
  Subscription,
  SubscriptionInput,
} from "./types.js";

/** The hub screens at most this many indicators per request (DESIGN §5). */
export const SCREEN_BATCH_LIMIT = MAX_SCREEN_INPUTS;
/** The feed's largest page (DESIGN §9). */
export const FEED_PAGE_LIMIT = FEED_MAX_LIMIT;

export type CordonClientOptions = TransportOptions;
export type { ScreenOptions };

export interface FeedOptions {
  /** Resume after this cursor (a `next_cursor` from an earlier page); from the start if absent. */
  cursor?: string;
  /** Items per page, 1–100 (the hub's default is 50). */
  limit?: number;
}

export interface FeedIterationOptions extends FeedOptions {
  /**
   * Keep polling once caught up (`has_more: false`) instead of stopping; stop it with
   * `signal`. Each poll resumes from the last `next_cursor`, so nothing is missed.
   */
  follow?: boolean;
  /** Pause between polls when following (default 5,000 ms). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface PageOptions {
  cursor?: string;
  limit?: number;
}

export class CordonClient {
  readonly transport: Transport;
  private readonly signingKey: Signer;

  /** Organisation onboarding and changes; needs an organisation with the `admin` role. */
  readonly admin: {
    createOrg(input: CreateOrganisationInput): Promise<Organisation>;
    /** Every organisation on the hub, by id. */
    listOrgs(): Promise<Organisation[]>;
    getOrg(id: string): Promise<Organisation>;
    patchOrg(id: string, patch: PatchOrganisationInput): Promise<Organisation>;
  };

  /** The calling organisation's own keys. */
  readonly keys: {
    /** Registers `newKey`'s public half, proving possession with a proof signed by it. */
    add(newKey: Signer): Promise<AddedKey>;
    /**
     * Registers the key of a key request (someone else's, e.g. an analyst's browser):
     * the hub checks its proof, which must be under five minutes old.
     */
    addRequest(request: KeyRequest): Promise<AddedKey>;
    /** Revokes a key at once; tokens signed with it are refused from now on. */
    revoke(kid: string): Promise<void>;
  };

  /** Webhook subscriptions (role `subscribe`). */
  readonly subscriptions: {
    create(input: SubscriptionInput): Promise<CreatedSubscription>;
    list(): Promise<Subscription[]>;
    get(id: string): Promise<Subscription>;
    delete(id: string): Promise<void>;
    /** Re-enables a subscription the hub disabled (after a 410, or days of failures). */
    enable(id: string): Promise<Subscription>;
    /**
     * Asks the hub to deliver a signed `ping` event now (202). The local hub also says
     * which delivery it queued (`webhook_id`); DESIGN §9 leaves the body open.
     */
    test(id: string): Promise<PingQueued>;
    /** A new secret; the old one keeps signing for 24 hours. */
    rotateSecret(id: string): Promise<{ secret: string }>;
    deliveries(id: string, page?: PageOptions): Promise<DeliveriesPage>;
    /** One delivery with every attempt: time, duration, HTTP status or network error, answer. */
    getDelivery(id: string, webhookId: string): Promise<DeliveryDetail>;
    /** Sends a delivery again now, whatever its status (202; answers it, `pending`). */
    retryDelivery(id: string, webhookId: string): Promise<Delivery>;
  };

  /**
   * Feed tokens (DESIGN §11): read-only credentials for OpenCTI, MISP and other TAXII
   * clients, which see up to TLP:AMBER; at most 10 live per organisation.
   */
  readonly feedTokens: {
    /** The answer holds the token (`cft_…`), shown this once. */
    create(input: FeedTokenInput): Promise<CreatedFeedToken>;
    list(): Promise<FeedToken[]>;
    /** Revokes a token at once. */
    revoke(id: string): Promise<void>;
  };

  constructor(options: CordonClientOptions) {
    this.transport = new Transport(options);
    this.signingKey = options.key;
    const t = this.transport;

    this.admin = {
      createOrg: (input) => t.call<Organisation>("POST", "/v1/admin/orgs", { body: input }),
      listOrgs: async () =>
        (await t.call<{ items: Organisation[] }>("GET", "/v1/admin/orgs")).items,
      getOrg: (id) => t.call<Organisation>("GET", `/v1/admin/orgs/${segment(id)}`),
      patchOrg: (id, patch) =>
        t.call<Organisation>("PATCH", `/v1/admin/orgs/${segment(id)}`, { body: patch }),
    };

    this.keys = {
      add: async (newKey) => {
        const proof = await signKeyProof({ iss: t.orgId, key: newKey });
        return t.call<AddedKey>("POST", "/v1/keys", {
          body: { jwk: signerPublicJwk(newKey), proof },
        });
      },
      addRequest: (request) =>
        t.call<AddedKey>("POST", "/v1/keys", { body: { jwk: request.jwk, proof: request.proof } }),
      revoke: async (kid) => {
        await t.call<undefined>("DELETE", `/v1/keys/${segment(kid)}`);
      },
    };

    const sub = (id: string) => `/v1/subscriptions/${segment(id)}`;
    this.subscriptions = {
      create: (input) =>
        t.call<CreatedSubscription>("POST", "/v1/subscriptions", {
          body: { url: input.url, events: input.events, filter: input.filter ?? {} },
        }),
      list: async () => (await t.call<{ items: Subscription[] }>("GET", "/v1/subscriptions")).items,
      get: (id) => t.call<Subscription>("GET", sub(id)),
      delete: async (id) => {
        await t.call<undefined>("DELETE", sub(id));
      },
      enable: (id) => t.call<Subscription>("PATCH", sub(id), { body: { status: "active" } }),
      test: (id) => t.call<PingQueued>("POST", `${sub(id)}/test`),
      rotateSecret: (id) => t.call<{ secret: string }>("POST", `${sub(id)}/rotate-secret`),
      deliveries: (id, page = {}) =>
        t.call<DeliveriesPage>("GET", `${sub(id)}/deliveries${query(page)}`),
      getDelivery: (id, webhookId) =>
        t.call<DeliveryDetail>("GET", `${sub(id)}/deliveries/${segment(webhookId)}`),
      retryDelivery: (id, webhookId) =>
        t.call<Delivery>("POST", `${sub(id)}/deliveries/${segment(webhookId)}/retry`),
    };

    this.feedTokens = {
      create: (input) => t.call<CreatedFeedToken>("POST", "/v1/feed-tokens", { body: input }),
      list: async () => (await t.call<{ items: FeedToken[] }>("GET", "/v1/feed-tokens")).items,
      revoke: async (id) => {
        await t.call<undefined>("DELETE", `/v1/feed-tokens/${segment(id)}`);
      },
    };
  }

  /** One bulletin as a STIX 2.1 bundle (not for TLP:RED, which is read by direct GET only). */
  stixBundle(id: string): Promise<StixBundle> {
    return this.transport.call<StixBundle>("GET", `/v1/bulletins/${segment(id)}/stix`);
  }

  /** The organisation this client signs as. */
  get orgId(): string {
    return this.transport.orgId;
  }

  /** `GET /health`: true when the hub answers 200. */
  async health(): Promise<boolean> {
    const response = await this.transport.raw("GET", "/health", { authorization: null });
    return response.status === 200;
  }

  /** The calling organisation: roles, groups, status and keys. */
  me(): Promise<Organisation> {
    return this.transport.call<Organisation>("GET", "/v1/me");
  }

  /** An organisation's public keys, revoked ones included, with their history. */
  orgJwks(orgId: string): Promise<OrgJwks> {
    return this.transport.call<OrgJwks>("GET", `/v1/orgs/${segment(orgId)}/jwks`);
  }

  /** The hub's own public keys (receipts, `v1a` webhook signatures); no token needed. */
  hubJwks(): Promise<Jwks> {
    return this.transport.call<Jwks>("GET", "/.well-known/jwks.json", { authorization: null });
  }

  /**
   * Signs and publishes a bulletin. Fills `id` (a new ULID), `issuer` (this
   * organisation) and `issued_at` (now) when absent and checks the payload with the
   * hub's schema first (an {@link InputError} with pointers if it is invalid). Safe to
   * call again with the same `id`: the hub answers the same receipt (`created: false`).
   */
  async publish(
    draft: BulletinDraft | Record<string, unknown>,
    options: { now?: Date } = {},
  ): Promise<PublishResult> {
    const bulletin = completeBulletin(draft, {
      issuer: this.orgId,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    const jws = await signBulletin(bulletin, this.signingKey);
    const response = await this.transport.raw("POST", "/v1/bulletins", {
      body: { jws },
      idempotent: true,
    });
    if (response.status !== 200 && response.status !== 201) throw apiErrorOf(response);
    const answer = response.body as Omit<PublishResult, "created" | "jws" | "bulletin">;
    return {
      id: answer.id,
      received_at: answer.received_at,
      content_sha256: answer.content_sha256,
      receipt: answer.receipt,
      created: response.status === 201,
      jws,
      bulletin,
      ...(answer.change === undefined ? {} : { change: answer.change }),
    };
  }

  /** One bulletin with its JWS, status and receipt; 404 when hidden or missing alike. */
  getBulletin(id: string): Promise<BulletinView> {
    return this.transport.call<BulletinView>("GET", `/v1/bulletins/${segment(id)}`);
  }

  /** One page of the change feed. */
  feedPage(options: FeedOptions = {}): Promise<FeedPage> {
    return this.transport.call<FeedPage>("GET", `/v1/bulletins${query(options)}`);
  }

  /**
   * The change feed page by page, following `next_cursor`; stops once caught up unless
   * `follow` is set. The last page's `next_cursor` is where to resume later.
   */
  async *feedPages(options: FeedIterationOptions = {}): AsyncGenerator<FeedPage, void, undefined> {
    let cursor = options.cursor;
    for (;;) {
      const page = await this.transport.call<FeedPage>(
        "GET",
        `/v1/bulletins${query({ cursor, limit: options.limit })}`,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      yield page;
      cursor = page.next_cursor;
      if (page.has_more) continue;
      if (options.follow !== true) return;
      await sleep(options.pollIntervalMs ?? 5000, options.signal);
    }
  }

  /** The change feed item by item (see {@link feedPages}). */
  async *feed(options: FeedIterationOptions = {}): AsyncGenerator<FeedItem, void, undefined> {
    for await (const page of this.feedPages(options)) yield* page.items;
  }

  /**
   * Revokes one of this organisation's bulletins; answers it with `status: "revoked"`
   * and the revocation's `change` (its receipt is worth keeping: `cordon audit`).
   */
  revoke(id: string, reason: string): Promise<RevokedBulletin> {
    return this.transport.call<RevokedBulletin>("POST", `/v1/bulletins/${segment(id)}/revoke`, {
      body: { reason },
    });
  }

  /** A bulletin's logged changes with their inclusion proofs (DESIGN §14); 404 alike when hidden. */
  bulletinProof(id: string): Promise<BulletinProof> {
    return this.transport.call<BulletinProof>("GET", `/v1/bulletins/${segment(id)}/proof`);
  }

  /**
   * The hub's transparency log (DESIGN §14), read with requests signed as this
   * organisation: checkpoints, the verifier key and tiles, for `verifyCheckpoint`,
   * `proveReceiptIncluded` and `proveCheckpointExtends`.
   */
  log(): TransparencyLog {
    return new TransparencyLog({
      url: this.transport.baseUrl,
      fetch: this.transport.signingFetch(),
    });
  }

  /**
   * Screens any number of indicators: several requests of at most 1,000, one result
   * per input, in input order.
   */
  screen(inputs: readonly ScreenInput[], options: ScreenOptions = {}): Promise<ScreenResult[]> {
    return screenInBatches(inputs, options, async (batch, signal) => {
      const answer = await this.transport.call<{ results: ScreenResult[] }>("POST", "/v1/screen", {
        body: { indicators: batch },
        // Screening changes nothing, so a 429 (or 5xx) is tried again after Retry-After.
        idempotent: true,
        ...(signal === undefined ? {} : { signal }),
      });
      return answer.results;
    });
  }

  /** The log's note verifier key (`<name>+<hex>+<base64>`), for `verifyCheckpoint`. */
  async logKey(): Promise<string> {
    const response = await this.transport.raw("GET", "/v1/log/key", {
      headers: { accept: "text/plain" },
    });
    if (response.status !== 200) throw apiErrorOf(response);
    return response.text.trim();
  }

  /** Tells a bulletin's publisher "we saw this"; anonymous (a pseudonym) unless `disclose`. */
  reportSighting(input: SightingInput): Promise<Sighting> {
    const body: Record<string, unknown> = {
      bulletin_id: input.bulletin_id,
      indicator: input.indicator,
    };
    if (input.note !== undefined) body.note = input.note;
    if (input.disclose !== undefined) body.disclose = input.disclose;
    return this.transport.call<Sighting>("POST", "/v1/sightings", { body });
  }

  /** Sightings of one of this organisation's bulletins, newest first. */
  listSightings(bulletinId: string, page: PageOptions = {}): Promise<SightingsPage> {
    return this.transport.call<SightingsPage>(
      "GET",
      `/v1/bulletins/${segment(bulletinId)}/sightings${query(page)}`,
    );
  }
}

/**
 * Ids and kids are URL-safe by contract; anything else is encoded so it can only ever
 * name one path segment (the hub will answer 404 for it).
 */
function segment(value: string): string {
  return encodeURIComponent(value);
}

/** `?cursor=…&limit=…` with only the members given, in a fixed order (the token's `htu`). */
export function query(params: { cursor?: string | undefined; limit?: number | undefined }): string {
  const search = new URLSearchParams();
  if (params.cursor !== undefined && params.cursor !== "") search.set("cursor", params.cursor);
  if (params.limit !== undefined) search.set("limit", String(params.limit));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** Fetches a hub's JWKS without a key (receivers that only verify webhooks). */
export async function fetchHubJwks(
  hubUrl: string,
  fetchFn: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<Jwks> {
  const url = `${hubUrl.replace(/\/+$/, "")}/.well-known/jwks.json`;
  const response = await fetchFn(url, {
    headers: { accept: "application/json" },
    redirect: "manual",
    ...(signal === undefined ? {} : { signal }),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new CordonApiError(response.status, undefined, `GET ${url} answered ${response.status}`);
  }
  const jwks = JSON.parse(text) as Jwks;
  if (!Array.isArray(jwks.keys)) throw new Error(`${url} is not a JWKS.`);
  return jwks;
}
