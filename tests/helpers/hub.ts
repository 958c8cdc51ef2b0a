/**
 * Starts a real local hub (embedded DynamoDB and SQS, in memory) on a free loopback
 * port; its table is at $CORDON_DYNAMODB_ENDPOINT when that is set (test-tables.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transport } from "../../cli/sdk/transport.js";
import { adminKeyOf, type LocalHub, startLocalHub } from "../../local/hub.js";
import type { Logger } from "../../shared/observability/types.js";
import type { Role } from "../../shared/orgs/types.js";
import type { RateLimits } from "../../shared/ratelimits/types.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import type { PublicJwk, SigningKey } from "../../shared/signatures/types.js";
import { dropTables, testDynamoSettings } from "./test-tables.js";

export interface TestOrg {
  id: string;
  key: SigningKey;
  publicJwk: PublicJwk;
  client: Transport;
}

export interface TestHub {
  hub: LocalHub;
  /** The administrator's key (a test hub always has one). */
  adminKey: SigningKey;
  admin: Transport;
  /** Onboards an organisation through the admin API and answers a client signing as it. */
  onboard(
    id: string,
    options?: { roles?: Role[]; groups?: string[]; type?: string; keyKind?: "Ed25519" | "ES256" },
  ): Promise<TestOrg>;
  clientFor(id: string, key: SigningKey): Transport;
  stop(): Promise<void>;
}

/**
 * A test hub's rates unless a test names its own: far above what a test sends, so that
 * how fast a machine runs never decides a test of something else. The limits' own tests
 * (tests/abuse/rate-limits.test.ts) start with the hub's defaults.
 */
export const GENEROUS_RATE_LIMITS: RateLimits = {
  publish: 10_000,
  screen: 10_000,
  read: 10_000,
  "feed-token": 10_000,
};

export async function startTestHub(
  options: {
    inMemory?: boolean;
    dataDir?: string;
    sweepIntervalMs?: number;
    /** The hub's rates by class (DESIGN §15); default GENEROUS_RATE_LIMITS. */
    rateLimits?: Partial<RateLimits>;
    logger?: Logger;
    logWriter?: boolean;
  } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "cordon-test-")));
  const inMemory = options.inMemory ?? true;
  const hub = await startLocalHub({
    dataDir,
    inMemory,
    dynamo: testDynamoSettings(dataDir, !inMemory),
    ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
    rateLimits: options.rateLimits ?? GENEROUS_RATE_LIMITS,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.logWriter === undefined ? {} : { logWriter: options.logWriter }),
  });
  const clientFor = (id: string, key: SigningKey) =>
    new Transport({ baseUrl: hub.url, orgId: id, key, audience: hub.deps.audience, retries: 1 });
  const adminKey = adminKeyOf(hub);
  const admin = clientFor("hub-admin", adminKey);
  return {
    hub,
    adminKey,
    admin,
    clientFor,
    onboard: async (id, org = {}) => {
      const { signingKey, publicJwk } = await generateSigningKey(org.keyKind ?? "Ed25519");
      const response = await admin.raw("POST", "/v1/admin/orgs", {
        body: {
          id,
          name: `${id} (test)`,
          type: org.type ?? "exchange",
          roles: org.roles ?? ["publish", "subscribe", "screen"],
          groups: org.groups ?? [],
          jwks: { keys: [publicJwk] },
        },
      });
      if (response.status !== 201)
        throw new Error(`onboarding ${id} failed: ${response.status} ${response.text}`);
      return { id, key: signingKey, publicJwk, client: clientFor(id, signingKey) };
    },
    stop: async () => {
      await hub.stop();
      const discards = options.dataDir === undefined;
      if (discards) await rm(dataDir, { recursive: true, force: true });
      // A table at an endpoint outlives the hub: it goes with the data, or at once if in memory.
      if (!hub.table.embedded && (inMemory || discards))
        await dropTables(hub.table.endpoint, hub.table.all);
    },
  };
}
