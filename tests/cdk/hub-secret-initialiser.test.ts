/**
 * The hub secret initialiser (lambdas/init-hub-secret.ts): it creates the hub secret
 * once, never overwrites one, does nothing on Delete, and never logs the secret.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ensureHubSecret,
  handleInitEvent,
  type SecretStore,
  secretsManagerStore,
} from "../../lambdas/init-hub-secret.js";
import { generateHubSecret, hubSecretToJson, parseHubSecret } from "../../shared/hub/hub-secret.js";

/** A Secrets Manager stand-in that records writes. */
class FakeSecrets implements SecretStore {
  readonly writes: string[] = [];
  constructor(private value: string | undefined) {}
  async read(): Promise<string | undefined> {
    return this.value;
  }
  async write(_secretId: string, value: string): Promise<void> {
    this.writes.push(value);
    this.value = value;
  }
}

const SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:HubSecret-AbCdEf";

function event(
  requestType: "Create" | "Update" | "Delete",
  secretId = SECRET_ARN,
  oldSecretId = SECRET_ARN,
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: "arn:aws:lambda:eu-central-1:123456789012:function:provider",
    ResponseURL: "https://cloudformation-custom-resource-response.example/",
    StackId: "arn:aws:cloudformation:eu-central-1:123456789012:stack/Cordon-dev/1",
    RequestId: "9e3c6a54-8a6f-4c64-9f4b-2f1f7f0f7d2a",
    LogicalResourceId: "HubSecretInitialisation",
    ResourceType: "Custom::CordonHubSecret",
    ResourceProperties: { ServiceToken: "token", SecretId: secretId },
  };
  if (requestType === "Create") return { ...common, RequestType: "Create" };
  if (requestType === "Update") {
    return {
      ...common,
      RequestType: "Update",
      PhysicalResourceId: oldSecretId,
      OldResourceProperties: { ServiceToken: "token", SecretId: oldSecretId },
    };
  }
  return { ...common, RequestType: "Delete", PhysicalResourceId: SECRET_ARN };
}

describe("the hub secret initialiser", () => {
  afterEach(() => vi.restoreAllMocks());

  it("replaces CloudFormation's placeholder with a hub secret the runtime accepts", async () => {
    const store = new FakeSecrets("xK3p9QzR7vT2mN8bL4wY6cF1hJ5dG0sA");
    const response = await handleInitEvent(event("Create"), store);
    expect(response).toEqual({ PhysicalResourceId: SECRET_ARN });
    expect(store.writes).toHaveLength(1);
    const written = parseHubSecret(JSON.parse(store.writes[0] ?? ""));
    expect(written.hubKeys.all).toHaveLength(1);
    expect(written.pseudonymKey).toHaveLength(32);
  });

  it("keeps a valid hub secret, even on Create (a re-created stack over a retained secret)", async () => {
    const existing = JSON.stringify(hubSecretToJson(await generateHubSecret()));
    const store = new FakeSecrets(existing);
    expect(await ensureHubSecret(store, SECRET_ARN)).toBe("kept");
    await handleInitEvent(event("Create"), store);
    expect(store.writes).toEqual([]);
  });

  it("never writes on an Update of the same secret, valid or not", async () => {
    const store = new FakeSecrets("placeholder");
    expect(await handleInitEvent(event("Update"), store)).toEqual({
      PhysicalResourceId: SECRET_ARN,
    });
    expect(store.writes).toEqual([]);
  });

  it("initialises a replacement secret named by an Update, unless it already holds one", async () => {
    const replacement = `${SECRET_ARN}-2`;
    const store = new FakeSecrets("placeholder");
    const response = await handleInitEvent(event("Update", replacement), store);
    expect(response).toEqual({ PhysicalResourceId: replacement });
    expect(store.writes).toHaveLength(1);
    await handleInitEvent(event("Update", `${SECRET_ARN}-3`, replacement), store);
    expect(store.writes).toHaveLength(1);
  });

  it("does nothing on Delete: the secret is retained", async () => {
    const store = new FakeSecrets(undefined);
    const read = vi.spyOn(store, "read");
    expect(await handleInitEvent(event("Delete"), store)).toEqual({
      PhysicalResourceId: SECRET_ARN,
    });
    expect(read).not.toHaveBeenCalled();
    expect(store.writes).toEqual([]);
  });

  it("never logs the secret it writes", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const store = new FakeSecrets(undefined);
    await handleInitEvent(event("Create"), store);
    const written = JSON.parse(store.writes[0] ?? "") as {
      signing: { keys: { d: string }[] };
      pseudonym_key: string;
    };
    const log = lines.join("\n");
    expect(log).toContain("created");
    expect(log).not.toContain(written.pseudonym_key);
    for (const key of written.signing.keys) expect(log).not.toContain(key.d);
  });

  it("refuses an event without a SecretId", async () => {
    const bad = { ...event("Create"), ResourceProperties: { ServiceToken: "token" } };
    await expect(handleInitEvent(bad, new FakeSecrets(undefined))).rejects.toThrow("SecretId");
  });

  it("reads and writes through GetSecretValue and PutSecretValue", async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "placeholder" });
    secrets.on(PutSecretValueCommand).resolves({});
    const store = secretsManagerStore(new SecretsManagerClient({ region: "eu-central-1" }));
    expect(await ensureHubSecret(store, SECRET_ARN)).toBe("created");
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ARN,
    });
    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(SECRET_ARN);
    expect(() => parseHubSecret(JSON.parse(put?.SecretString ?? ""))).not.toThrow();
    secrets.restore();
  });
});
