/**
 * The keys the mirror verifies with: each publisher's published keys
 * (`GET /v1/orgs/{id}/jwks`, revoked ones included) and the hub's
 * (`/.well-known/jwks.json`), cached — and fetched again only when a cached copy may
 * not show what a bulletin needs: a key registered since, or a revocation made
 * before the bulletin's receipt.
 */
import type { Jwks } from "../../../shared/signatures/types.js";
import type { CordonClient } from "../client.js";
import { CordonApiError } from "../errors.js";
import type { OrgJwks } from "../types.js";

/** What one bulletin's check needs of a publisher's keys. */
export interface KeyNeed {
  /** The JWS header's key id. */
  kid: string;
  /** When the hub received the bulletin (its receipt), by the hub's clock. */
  receivedAt: string;
  /** When the mirror read the feed page naming it, by the mirror's clock (ms). */
  readAt: number;
}

export interface KeySource {
  /** The publisher's keys as they stood after the bulletin arrived; undefined when there is no such organisation. */
  publisherKeys(issuer: string, need: KeyNeed): Promise<OrgJwks | undefined>;
  /** The hub's keys, holding `kid` if the hub had it when the page was read. */
  hubKeys(kid: string, readAt: number): Promise<Jwks>;
}

/**
 * A copy fetched this long after a receipt, by the mirror's clock, certainly post-dates
 * it by the hub's: clocks that disagree by more are refused by the hub's tokens anyway.
 */
const CLOCK_SKEW_MS = 60_000;

interface Cached<T> {
  value: Promise<T>;
  /** The mirror's clock when the request was sent: the copy shows the keys as of then or later. */
  requestedAt: number;
}

/** Keys from the hub through a client, cached for the life of the mirror. */
export class ClientKeySource implements KeySource {
  private readonly publishers = new Map<string, Cached<OrgJwks | undefined>>();
  private hub: Cached<Jwks> | undefined;

  constructor(
    private readonly client: Pick<CordonClient, "orgJwks" | "hubJwks">,
    private readonly clock: () => number = Date.now,
  ) {}

  async publisherKeys(issuer: string, need: KeyNeed): Promise<OrgJwks | undefined> {
    for (;;) {
      const cached = this.publishers.get(issuer);
      if (cached === undefined) break;
      if (cached.requestedAt >= need.readAt) return cached.value;
      const usable = await this.holds(cached, need);
      // Another check fetched afresh meanwhile: look again rather than fetch twice.
      if (this.publishers.get(issuer) !== cached) continue;
      if (usable) return cached.value;
      break;
    }
    const fresh = this.fetch(() => this.publisherJwks(issuer));
    this.remember(this.publishers, issuer, fresh);
    return fresh.value;
  }

  async hubKeys(kid: string, readAt: number): Promise<Jwks> {
    for (;;) {
      const cached = this.hub;
      if (cached === undefined) break;
      if (cached.requestedAt >= readAt) return cached.value;
      const jwks = await cached.value.catch(() => undefined);
      if (this.hub !== cached) continue;
      if (jwks !== undefined && hasKid(jwks, kid)) return jwks;
      break;
    }
    const fresh = this.fetch(() => this.client.hubJwks());
    this.hub = fresh;
    fresh.value.catch(() => {
      if (this.hub === fresh) this.hub = undefined;
    });
    return fresh.value;
  }

  /**
   * A copy requested after the page was read shows every key and revocation the
   * bulletin could need. An older one will do when it holds the key and was requested
   * well after the receipt — or already shows the key revoked, which is final.
   */
  private async holds(cached: Cached<OrgJwks | undefined>, need: KeyNeed): Promise<boolean> {
    const jwks = await cached.value.catch(() => undefined);
    const key = jwks?.keys.find((candidate) => candidate.kid === need.kid);
    if (key === undefined) return false;
    if (key.revoked_at !== null) return true;
    return cached.requestedAt - CLOCK_SKEW_MS > Date.parse(need.receivedAt);
  }

  private async publisherJwks(issuer: string): Promise<OrgJwks | undefined> {
    try {
      return await this.client.orgJwks(issuer);
    } catch (error) {
      if (error instanceof CordonApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private fetch<T>(load: () => Promise<T>): Cached<T> {
    return { requestedAt: this.clock(), value: load() };
  }

  private remember<T>(map: Map<string, Cached<T>>, key: string, entry: Cached<T>): void {
    map.set(key, entry);
    // A failed fetch is forgotten, so the next page tries again.
    entry.value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
  }
}

function hasKid(jwks: Jwks, kid: string): boolean {
  return jwks.keys.some((key) => key.kid === kid);
}
