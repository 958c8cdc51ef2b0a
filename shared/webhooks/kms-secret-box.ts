/**
 * Webhook secrets sealed with KMS on AWS. The subscription id is the encryption
 * context, so a ciphertext only opens for its own subscription. Opened secrets are
 * kept for a minute per container so that a burst of deliveries costs one Decrypt.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { TtlCache } from "../async/ttl-cache.js";
import type { SecretBox } from "./secret-box.js";

const PREFIX = "kms1.";
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

export class KmsSecretBox implements SecretBox {
  private readonly opened = new TtlCache<string>(CACHE_MS, CACHE_MAX);

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plaintext: string, context: string): Promise<string> {
    const output = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(plaintext, "utf8"),
        EncryptionContext: { subscription: context },
      }),
    );
    if (output.CiphertextBlob === undefined) throw new Error("KMS returned no ciphertext");
    return PREFIX + Buffer.from(output.CiphertextBlob).toString("base64url");
  }

  open(sealed: string, context: string): Promise<string> {
    return this.opened.get(`${context}\u0000${sealed}`, () => this.decrypt(sealed, context));
  }

  private async decrypt(sealed: string, context: string): Promise<string> {
    if (!sealed.startsWith(PREFIX)) throw new Error("not a KMS-sealed secret");
    const output = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(sealed.slice(PREFIX.length), "base64url"),
        EncryptionContext: { subscription: context },
      }),
    );
    if (output.Plaintext === undefined) throw new Error("KMS returned no plaintext");
    return Buffer.from(output.Plaintext).toString("utf8");
  }
}
