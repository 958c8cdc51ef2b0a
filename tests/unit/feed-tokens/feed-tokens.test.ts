/**
 * Feed tokens (DESIGN §11) as units: how a credential is presented, the token's form,
 * the digest compared in constant time on every path (structurally: one comparison of
 * two 32-byte digests, whether the id is unknown, the secret wrong or right), and
 * authentication's refusals — expired, revoked, suspended, the operator, a Basic user
 * that is not the token's id.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { authenticateFeedToken } from "../../../shared/feed-tokens/authenticate.js";
import { FeedTokenRefusedError } from "../../../shared/feed-tokens/errors.js";
import { presentationOf } from "../../../shared/feed-tokens/presentation.js";
import {
  comparison,
  feedTokenDigest,
  feedTokenId,
  matchesDigest,
  newFeedToken,
} from "../../../shared/feed-tokens/token.js";
import type { FeedTokenRecord } from "../../../shared/feed-tokens/types.js";
import type { Organisation } from "../../../shared/orgs/types.js";
import type { Store } from "../../../shared/store/types.js";

const ID = "01JDX3Q8Z6V2M4N5P6R7S8T9VW";
const NOW = new Date("2026-06-01T12:00:00Z");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("presentations", () => {
  const token = newFeedToken(ID);
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it.each([
    [`Bearer ${token}`, { kind: "feed-token", token }],
    [`bearer   ${token}`, { kind: "feed-token", token }],
    [`Token ${token}`, { kind: "feed-token", token }],
    [basic(ID, token), { kind: "feed-token", token, user: ID }],
    ["Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln", { kind: "request-token" }],
    [undefined, { kind: "none" }],
    ["", { kind: "none" }],
    ["Digest abc", { kind: "malformed" }],
    ["Bearer", { kind: "malformed" }],
    ["Basic !!!", { kind: "malformed" }],
    [`Basic ${Buffer.from("no-colon").toString("base64")}`, { kind: "malformed" }],
  ])("%s", (header, expected) => {
    expect(presentationOf(header)).toEqual(expected);
  });
});

describe("the token", () => {
  it("is cft_<id>_<43 base64url characters> of 256 random bits, new each time", () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newFeedToken(ID)));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^cft_01JDX3Q8Z6V2M4N5P6R7S8T9VW_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(-43), "base64url")).toHaveLength(32);
      expect(feedTokenId(token)).toBe(ID);
    }
    expect(feedTokenId("cft_short_abc")).toBeUndefined();
    expect(feedTokenId(`${newFeedToken(ID)}x`)).toBeUndefined();
  });

  it("is kept as its SHA-256 only, and matched against it", () => {
    const token = newFeedToken(ID);
    const digest = feedTokenDigest(token);
    expect(Buffer.from(digest, "base64url")).toHaveLength(32);
    expect(digest).not.toContain(token.slice(-43));
    expect(matchesDigest(token, digest)).toBe(true);
    expect(matchesDigest(newFeedToken(ID), digest)).toBe(false);
    expect(matchesDigest(token, undefined)).toBe(false);
    expect(matchesDigest(token, "not-a-digest")).toBe(false);
  });

  it("compares in constant time on every path: one comparison of two 32-byte digests", () => {
    const equal = vi.spyOn(comparison, "equal");
    const token = newFeedToken(ID);
    const paths: [string, string | undefined][] = [
      ["right secret", feedTokenDigest(token)],
      ["wrong secret", feedTokenDigest(newFeedToken(ID))],
      ["unknown id", undefined],
      ["stored value of another length", "c2hvcnQ"],
    ];
    for (const [label, stored] of paths) {
      equal.mockClear();
      matchesDigest(token, stored);
      expect(equal, label).toHaveBeenCalledTimes(1);
      const [a, b] = equal.mock.calls[0] as [Buffer, Buffer];
      expect(a, label).toHaveLength(32);
      expect(b, label).toHaveLength(32);
    }
  });
});

describe("authentication", () => {
  const org = (overrides: Partial<Organisation> = {}): Organisation => ({
    id: "acme",
    name: "Acme",
    type: "exchange",
    roles: ["subscribe"],
    groups: [],
    status: "active",
    keys: {},
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    version: 1,
    ...overrides,
  });
  const setup = (
    options: { record?: Partial<FeedTokenRecord>; org?: Organisation | null } = {},
  ) => {
    const token = newFeedToken(ID);
    const record: FeedTokenRecord = {
      id: ID,
      org_id: "acme",
      name: "opencti",
      token_sha256: feedTokenDigest(token),
      created_at: "2026-05-01T00:00:00Z",
      expires_at: "2026-07-01T00:00:00Z",
      ...options.record,
    };
    const owner = options.org === undefined ? org() : options.org;
    const store = {
      feedTokens: { getFeedToken: async (id: string) => (id === ID ? record : undefined) },
      orgs: {
        getOrg: async (id: string) => (owner !== null && id === owner.id ? owner : undefined),
      },
    } as unknown as Store;
    return { token, deps: { store } };
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FeedTokenRefusedError);
    const refused = error as FeedTokenRefusedError;
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toContain("Basic");
    return refused.refusal;
  };

  it("answers the organisation and the token id", async () => {
    const { token, deps } = setup();
    const found = await authenticateFeedToken(deps, { token }, NOW);
    expect(found.org.id).toBe("acme");
    expect(found.tokenId).toBe(ID);
    expect((await authenticateFeedToken(deps, { token, user: ID }, NOW)).tokenId).toBe(ID);
  });

  it("refuses a malformed, wrong, revoked or expired token, a wrong Basic user, a suspended organisation or the operator", async () => {
    const { token, deps } = setup();
    expect(await refusal(authenticateFeedToken(deps, { token: "cft_nope" }, NOW))).toBe(
      "token_malformed",
    );
    expect(await refusal(authenticateFeedToken(deps, { token: newFeedToken(ID) }, NOW))).toBe(
      "credentials_rejected",
    );
    const unknown = newFeedToken("01JDX3Q8Z6V2M4N5P6R7S8T9VX");
    expect(await refusal(authenticateFeedToken(deps, { token: unknown }, NOW))).toBe(
      "credentials_rejected",
    );
    expect(await refusal(authenticateFeedToken(deps, { token, user: "acme" }, NOW))).toBe(
      "credentials_rejected",
    );
    const revoked = setup({ record: { token_sha256: undefined as unknown as string } });
    expect(await refusal(authenticateFeedToken(revoked.deps, { token: revoked.token }, NOW))).toBe(
      "credentials_rejected",
    );
    const expired = setup({ record: { expires_at: "2026-06-01T12:00:00Z" } });
    expect(await refusal(authenticateFeedToken(expired.deps, { token: expired.token }, NOW))).toBe(
      "token_expired",
    );
    for (const owner of [org({ status: "suspended" }), org({ roles: ["admin"] }), null]) {
      const case_ = setup({ org: owner });
      expect(await refusal(authenticateFeedToken(case_.deps, { token: case_.token }, NOW))).toBe(
        "credentials_rejected",
      );
    }
  });
});
