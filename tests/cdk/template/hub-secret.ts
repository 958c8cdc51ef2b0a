/** The hub secret: a retained secret under its own rotating key, filled at the first deploy by a custom resource. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { defaultStack, logicalIdOf } from "../fixture.js";

describe("the hub secret resources", () => {
  const hub = defaultStack();
  const { template, stack } = hub;
  const secretId = logicalIdOf(hub, stack.hubSecret.secret);

  it("is encrypted with its own rotating key and retained with the stack's data", () => {
    template.hasResource("AWS::SecretsManager::Secret", {
      Properties: {
        KmsKeyId: { "Fn::GetAtt": [logicalIdOf(hub, stack.hubSecret.key), "Arn"] },
        GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("is initialised by a custom resource that is given only the secret's ARN", () => {
    template.hasResourceProperties("Custom::CordonHubSecret", {
      SecretId: { Ref: secretId },
      ServiceToken: Match.objectLike({ "Fn::GetAtt": Match.anyValue() }),
    });
    const custom = Object.values(template.findResources("Custom::CordonHubSecret"));
    expect(Object.keys(custom[0]?.Properties ?? {}).sort()).toEqual(["SecretId", "ServiceToken"]);
  });
});
