/**
 * Sealing of webhook secrets at rest (DESIGN §6): on AWS with KMS, locally with an
 * AES-256-GCM key kept in the data folder. The context (the subscription id) is bound
 * into the ciphertext, so a sealed secret cannot be moved to another subscription.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

const LOCAL_PREFIX = "aesgcm1.";

export class AesGcmSecretBox implements SecretBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error("the local sealing key must be 32 bytes");
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return LOCAL_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  async open(sealed: string, context: string): Promise<string> {
    if (!sealed.startsWith(LOCAL_PREFIX)) throw new Error("not a locally sealed secret");
    const raw = Buffer.from(sealed.slice(LOCAL_PREFIX.length), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }
}
