/** Organisations, keys and signed bulletins for the benchmark, made through the public API. */
import { randomBytes } from "node:crypto";
import { ulid } from "ulid";
import { Transport } from "../cli/sdk/transport.js";
import { adminKeyOf, type LocalHub } from "../local/hub.js";
import type { BulletinPayload, Category } from "../shared/bulletins/schema.js";
import type { Role } from "../shared/orgs/types.js";
import { signBulletin } from "../shared/signatures/bulletin-jws.js";
import { generateSigningKey } from "../shared/signatures/keys.js";
import type { SigningKey } from "../shared/signatures/types.js";

export interface BenchOrg {
  id: string;
  key: SigningKey;
  client: Transport;
}

export async function onboard(
  admin: Transport,
  id: string,
  roles: Role[],
  audience = "cordon",
): Promise<BenchOrg> {
  const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
  const response = await admin.raw("POST", "/v1/admin/orgs", {
    body: {
      id,
      name: `${id} (benchmark)`,
      type: "exchange",
      roles,
      groups: [],
      jwks: { keys: [publicJwk] },
    },
  });
  if (response.status !== 201) {
    throw new Error(`onboarding ${id} failed: ${response.status} ${response.text}`);
  }
  return {
    id,
    key: signingKey,
    client: new Transport({
      baseUrl: admin.baseUrl,
      orgId: id,
      key: signingKey,
      audience,
      retries: 1,
    }),
  };
}

/** A random EVM address, lower-case (no EIP-55 checksum applies). */
export function randomEvmAddress(): string {
  return `0x${randomBytes(20).toString("hex")}`;
}

export interface BenchBulletin {
  id: string;
  jws: string;
  /** The addresses it names, for screening hits. */
  addresses: string[];
  /** Every indicator as the hub normalises and indexes it. */
  normalised: string[];
}

/**
 * A green bulletin naming `indicators` fresh Ethereum addresses (one in ten a
 * transaction hash instead), signed by `org`.
 */
export async function signedBulletin(
  org: BenchOrg,
  indicators: number,
  overrides: Partial<BulletinPayload> = {},
): Promise<BenchBulletin> {
  const addresses: string[] = [];
  const normalised: string[] = [];
  const list: BulletinPayload["indicators"] = [];
  for (let i = 0; i < indicators; i += 1) {
    if (i % 10 === 9) {
      const hash = `0x${randomBytes(32).toString("hex")}`;
      list.push({ type: "tx_hash", chain: "ethereum", hash });
      normalised.push(`ethereum:tx:${hash}`);
    } else {
      const address = randomEvmAddress();
      addresses.push(address);
      normalised.push(`ethereum:${address}`);
      list.push({ type: "crypto_address", chain: "ethereum", address, role: "deposit" });
    }
  }
  const payload: BulletinPayload = {
    id: ulid(),
    issuer: org.id,
    issued_at: new Date().toISOString(),
    title: "Benchmark bulletin: laundering addresses of a drained bridge",
    summary: "Addresses and a transaction traced from an exploit, for screening deposits.",
    category: "hack_theft" satisfies Category,
    tlp: "green",
    confidence: 85,
    valid_until: null,
    supersedes: null,
    indicators: list,
    references: ["case:bench"],
    ...overrides,
  };
  return { id: payload.id, jws: await signBulletin(payload, org.key), addresses, normalised };
}

export async function publishOrThrow(org: BenchOrg, bulletin: BenchBulletin): Promise<void> {
  const response = await org.client.raw("POST", "/v1/bulletins", { body: { jws: bulletin.jws } });
  if (response.status !== 201) {
    throw new Error(`publish failed: ${response.status} ${response.text}`);
  }
}

/** The administrator of an in-process hub (local/hub.ts), signing as `hub-admin`. */
export function inProcessAdmin(hub: LocalHub): Transport {
  return new Transport({
    baseUrl: hub.url,
    orgId: "hub-admin",
    key: adminKeyOf(hub),
    audience: hub.deps.audience,
    retries: 1,
  });
}
