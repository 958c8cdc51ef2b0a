/**
 * The whole synthesized template, as YAML a reviewer can read in a diff: what changed
 * in IAM, encryption, retention or alarms shows up in review, not after deploy. Asset
 * hashes and construct-path metadata are normalised away so the file changes only
 * when the infrastructure does; the cdk-nag acknowledgments (with reasons) stay in.
 * Update with `npx vitest run tests/cdk -u` after checking the diff.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { defaultStack } from "../fixture.js";

const ASSET_HASH = /[0-9a-f]{64}/g;
const NOISY_METADATA = [
  "aws:cdk:path",
  "aws:asset:path",
  "aws:asset:property",
  "aws:asset:is-bundled",
];

function normalise(value: unknown): unknown {
  if (typeof value === "string") return value.replace(ASSET_HASH, "<asset-hash>");
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !NOISY_METADATA.includes(key))
      .map(([key, inner]) => [key, normalise(inner)] as const)
      .filter(([key, inner]) => !(key === "Metadata" && isEmpty(inner)));
    return Object.fromEntries(entries);
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

describe("the synthesized template", () => {
  it("matches the reviewed snapshot", async () => {
    const template = normalise(defaultStack().template.toJSON());
    await expect(stringify(template, { lineWidth: 0 })).toMatchFileSnapshot(
      "./__snapshots__/Cordon-dev.template.yaml",
    );
  });
});
