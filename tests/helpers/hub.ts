/** Starts a real local hub (embedded DynamoDB and SQS, in memory) on a free loopback port. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transport } from "../../cli/sdk/transport.js";
import { adminKeyOf, type LocalHub, startLocalHub } from "../../local/hub.js";
import type { Role } from "../../shared/orgs/types.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import type { PublicJwk, SigningKey } from "../../shared/signatures/types.js";

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

export async function startTestHub(
  options: {
    inMemory?: boolean;
    dataDir?: string;
    sweepIntervalMs?: number;
    logWriter?: boolean;
  } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "cordon-test-")));
  const hub = await startLocalHub({
    dataDir,
    inMemory: options.inMemory ?? true,
    ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
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
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
