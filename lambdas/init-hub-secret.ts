/**
 * Deploy-time custom resource (the CDK Provider framework's onEvent handler) that gives
 * a new deployment its hub secret. On Create, when the Secrets Manager secret does not
 * yet hold a hub-secret document the runtime accepts, it generates the hub's Ed25519
 * signing key and pseudonym key here, inside the account, and stores them. It never
 * replaces a valid document, does nothing on Delete, and never logs secret material.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import {
  generateHubSecret,
  hubSecretToJson,
  parseHubSecretText,
} from "../shared/hub/hub-secret.js";

/** Where the hub secret lives; Secrets Manager on AWS, a fake in tests. */
export interface SecretStore {
  /** The current string value, or undefined when the secret holds none. */
  read(secretId: string): Promise<string | undefined>;
  write(secretId: string, value: string): Promise<void>;
}

/** What the provider framework hands back to CloudFormation. */
export interface InitResponse {
  PhysicalResourceId: string;
}

type InitOutcome = "created" | "kept" | "nothing to do";

/** Writes a new hub secret unless the secret already holds one the runtime would accept. */
export async function ensureHubSecret(
  store: SecretStore,
  secretId: string,
): Promise<"created" | "kept"> {
  const current = await store.read(secretId);
  if (current !== undefined && holdsHubSecret(current)) return "kept";
  const secret = await generateHubSecret();
  await store.write(secretId, JSON.stringify(hubSecretToJson(secret)));
  return "created";
}

/** The same check lambdas/runtime.ts makes when it loads the secret. */
function holdsHubSecret(value: string): boolean {
  try {
    parseHubSecretText(value);
    return true;
  } catch {
    return false;
  }
}

function secretIdOf(properties: Record<string, unknown> | undefined): string {
  const secretId = properties?.SecretId;
  if (typeof secretId !== "string" || secretId === "") {
    throw new Error("The custom resource needs a SecretId property");
  }
  return secretId;
}

export async function handleInitEvent(
  event: CloudFormationCustomResourceEvent,
  store: SecretStore,
): Promise<InitResponse> {
  const secretId = secretIdOf(event.ResourceProperties);
  let outcome: InitOutcome = "nothing to do";
  let physicalResourceId: string;
  switch (event.RequestType) {
    case "Create":
      outcome = await ensureHubSecret(store, secretId);
      physicalResourceId = secretId;
      break;
    case "Update":
      // Only a replaced secret (a new SecretId) is initialised, and then only if it
      // holds no hub secret yet; an update never touches the keys in use.
      if (secretIdOf(event.OldResourceProperties) !== secretId) {
        outcome = await ensureHubSecret(store, secretId);
      }
      physicalResourceId = secretId;
      break;
    case "Delete":
      // The secret is retained with the stack's data; its keys verify past signatures.
      physicalResourceId = event.PhysicalResourceId;
      break;
  }
  // The secret's ARN is not secret; its value is never logged.
  console.log(
    JSON.stringify({
      message: "hub secret initialiser",
      request: event.RequestType,
      outcome,
      secretId,
    }),
  );
  return { PhysicalResourceId: physicalResourceId };
}

export function secretsManagerStore(client: SecretsManagerClient): SecretStore {
  return {
    async read(secretId) {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return output.SecretString;
    },
    async write(secretId, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    },
  };
}

const store = secretsManagerStore(new SecretsManagerClient({}));

export const handler = (event: CloudFormationCustomResourceEvent): Promise<InitResponse> =>
  handleInitEvent(event, store);
