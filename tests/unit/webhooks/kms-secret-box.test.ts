import { DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { KmsSecretBox } from "../../../shared/webhooks/kms-secret-box.js";

const kms = mockClient(KMSClient);

describe("KmsSecretBox", () => {
  afterEach(() => {
    kms.reset();
  });

  it("seals under the subscription's context and opens a burst with one Decrypt", async () => {
    kms.on(EncryptCommand).callsFake((input) => ({
      CiphertextBlob: Buffer.concat([
        Buffer.from(`${input.EncryptionContext.subscription}|`),
        Buffer.from(input.Plaintext),
      ]),
    }));
    kms.on(DecryptCommand).callsFake((input) => {
      const [context, ...rest] = Buffer.from(input.CiphertextBlob).toString().split("|");
      if (context !== input.EncryptionContext.subscription) throw new Error("wrong context");
      return { Plaintext: Buffer.from(rest.join("|")) };
    });
    const box = new KmsSecretBox(new KMSClient({ region: "eu-central-1" }), "key-id");
    const sealed = await box.seal("whsec_x", "sub_1");
    const opened = await Promise.all([1, 2, 3].map(() => box.open(sealed, "sub_1")));
    expect(opened).toEqual(["whsec_x", "whsec_x", "whsec_x"]);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    await expect(box.open(sealed, "sub_2")).rejects.toThrow("wrong context");
  });
});
