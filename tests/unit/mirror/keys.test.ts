import { describe, expect, it } from "vitest";
import { CordonApiError } from "../../../cli/sdk/errors.js";
import { ClientKeySource } from "../../../cli/sdk/mirror/keys.js";
import type { OrgJwks } from "../../../cli/sdk/types.js";
import type { Jwks } from "../../../shared/signatures/types.js";

/** A hub whose keys change as the test says, counting each fetch. */
function fakeHub() {
  const state = {
    now: 1_000_000,
    publisher: { keys: [] as OrgJwks["keys"] },
    hub: { keys: [] as Jwks["keys"] },
    fetches: { publisher: 0, hub: 0 },
  };
  const key = (kid: string, revoked_at: string | null = null) => ({
    kty: "OKP" as const,
    crv: "Ed25519" as const,
    x: "x",
    kid,
    status: revoked_at === null ? ("active" as const) : ("revoked" as const),
    created_at: "2026-01-01T00:00:00.000Z",
    revoked_at,
  });
  const client = {
    orgJwks: async (id: string): Promise<OrgJwks> => {
      state.fetches.publisher += 1;
      if (id !== "trm") throw new CordonApiError(404, undefined, "HTTP 404");
      return structuredClone(state.publisher);
    },
    hubJwks: async (): Promise<Jwks> => {
      state.fetches.hub += 1;
      return structuredClone(state.hub);
    },
  };
  const source = new ClientKeySource(client, () => state.now);
  return { state, key, source };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("the mirror's key cache", () => {
  it("fetches a publisher's keys once for bulletins received well before, however many", async () => {
    const { state, key, source } = fakeHub();
    state.publisher.keys = [key("k1")];
    const need = { kid: "k1", receivedAt: iso(state.now - 3_600_000), readAt: state.now };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => source.publisherKeys("trm", need)),
    );
    expect(answers.every((jwks) => jwks?.keys[0]?.kid === "k1")).toBe(true);
    state.now += 10_000;
    await source.publisherKeys("trm", { ...need, readAt: state.now });
    expect(state.fetches.publisher).toBe(1);
  });

  it("fetches again for a key it has not seen, and for a bulletin received near or after its copy", async () => {
    const { state, key, source } = fakeHub();
    state.publisher.keys = [key("k1")];
    await source.publisherKeys("trm", { kid: "k1", receivedAt: iso(0), readAt: state.now });
    state.now += 5_000;
    state.publisher.keys = [key("k1"), key("k2")];
    const rotated = await source.publisherKeys("trm", {
      kid: "k2",
      receivedAt: iso(state.now - 1_000),
      readAt: state.now,
    });
    expect(rotated?.keys.map((k) => k.kid)).toEqual(["k1", "k2"]);
    expect(state.fetches.publisher).toBe(2);
    // Received moments before the copy was fetched: a revocation just before it may not show.
    state.now += 1_000;
    await source.publisherKeys("trm", {
      kid: "k1",
      receivedAt: iso(state.now - 2_000),
      readAt: state.now,
    });
    expect(state.fetches.publisher).toBe(3);
    // Fetched after the page was read: it shows whatever the page needs; no further fetch.
    await source.publisherKeys("trm", { kid: "k9", receivedAt: iso(state.now), readAt: state.now });
    expect(state.fetches.publisher).toBe(3);
  });

  it("trusts a cached revocation (final), and answers undefined for an unknown publisher", async () => {
    const { state, key, source } = fakeHub();
    state.publisher.keys = [key("k1", iso(state.now - 10))];
    await source.publisherKeys("trm", { kid: "k1", receivedAt: iso(0), readAt: state.now });
    state.now += 1_000;
    await source.publisherKeys("trm", { kid: "k1", receivedAt: iso(state.now), readAt: state.now });
    expect(state.fetches.publisher).toBe(1);
    expect(await source.publisherKeys("nobody", { kid: "k", receivedAt: iso(0), readAt: 0 })).toBe(
      undefined,
    );
  });

  it("fetches the hub's keys again only for a kid it lacks, once per page", async () => {
    const { state, key, source } = fakeHub();
    state.hub.keys = [key("h1")];
    await source.hubKeys("h1", state.now);
    state.now += 1_000;
    await source.hubKeys("h1", state.now);
    expect(state.fetches.hub).toBe(1);
    state.hub.keys = [key("h1"), key("h2")];
    const both = await Promise.all([
      source.hubKeys("h2", state.now),
      source.hubKeys("h2", state.now),
    ]);
    expect(both[0]?.keys.map((k) => k.kid)).toEqual(["h1", "h2"]);
    expect(state.fetches.hub).toBe(2);
    // A kid the hub does not have: a copy fetched since the page was read is the answer.
    await source.hubKeys("h3", state.now);
    expect(state.fetches.hub).toBe(2);
    // For a later page, one fetch more.
    state.now += 1;
    await source.hubKeys("h3", state.now);
    await source.hubKeys("h3", state.now);
    expect(state.fetches.hub).toBe(3);
  });
});
