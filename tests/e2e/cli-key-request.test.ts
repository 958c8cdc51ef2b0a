/**
 * Key requests with the real `cordon` against a local hub: an analyst's browser made
 * a non-extractable key and a key request; an administrator onboards a new
 * organisation from it (`admin org create --request`), a key holder of an existing
 * organisation registers another (`key add --request`); both then sign as themselves.
 * A stale or foreign request is refused with a sentence saying what to do.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyRequest } from "../../cli/sdk/key-request.js";
import { Transport } from "../../cli/sdk/transport.js";
import { generateHeldSigningKey } from "../../shared/signatures/keys.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";
import { cordon } from "../unit/cli/memory-io.js";

describe("key requests through the cordon CLI", () => {
  let t: TestHub;
  let dir: string;
  const admin = (args: string[]) =>
    cordon(["--org", "hub-admin", "--key", t.hub.adminKeyFile, ...args], {
      env: { CORDON_HUB_URL: t.hub.url, CORDON_AUDIENCE: t.hub.deps.audience },
      cwd: dir,
    });
  const signsAs = async (org: string, key: Awaited<ReturnType<typeof generateHeldSigningKey>>) =>
    (await new Transport({ baseUrl: t.hub.url, orgId: org, key, retries: 1 }).raw("GET", "/v1/me"))
      .status;

  beforeAll(async () => {
    t = await startTestHub();
    dir = await mkdtemp(join(tmpdir(), "cordon-e2e-key-request-"));
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("onboards a new organisation from a key request, then another key of it is added", async () => {
    // Prepare: two analysts' browsers, each with a key of its own.
    const first = await generateHeldSigningKey();
    const second = await generateHeldSigningKey("ES256");
    await writeFile(
      join(dir, "nbt.json"),
      JSON.stringify(await createKeyRequest("nbt-fmd", first)),
    );
    await writeFile(
      join(dir, "nbt-2.json"),
      JSON.stringify(await createKeyRequest("nbt-fmd", second)),
    );
    // Act
    const created = await admin([
      "admin",
      "org",
      "create",
      "--request",
      "nbt.json",
      "--name",
      "NBT financial monitoring",
      "--type",
      "central_bank",
      "--roles",
      "subscribe,screen",
      "--groups",
      "central-banks",
    ]);
    // Assess
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("Onboarded nbt-fmd.");
    expect(await signsAs("nbt-fmd", first)).toBe(200);
    expect(await signsAs("nbt-fmd", second)).toBe(401);

    // Act: the first analyst's organisation registers the second key. The CLI signs with
    // a key file, so this organisation gets one too (through the admin, with proof).
    const keygen = await cordon(["keygen", "--out", "nbt-cli.jwk"], { cwd: dir });
    await writeFile(join(dir, "nbt-cli.pub.jwk"), keygen.stdout);
    const cliOrg = await admin([
      "admin",
      "org",
      "add",
      "--id",
      "nbt-two",
      "--name",
      "NBT 2",
      "--type",
      "central_bank",
      "--roles",
      "screen",
      "--public-jwk",
      "nbt-cli.pub.jwk",
    ]);
    expect(cliOrg.code).toBe(0);
    await writeFile(
      join(dir, "nbt-two.json"),
      JSON.stringify(await createKeyRequest("nbt-two", second)),
    );
    const added = await cordon(["key", "add", "--request", "nbt-two.json"], {
      env: {
        CORDON_HUB_URL: t.hub.url,
        CORDON_ORG: "nbt-two",
        CORDON_KEY_FILE: join(dir, "nbt-cli.jwk"),
      },
      cwd: dir,
    });
    // Assess
    expect(added.code).toBe(0);
    expect(added.stderr).toContain("can sign in to the console");
    expect(added.stdout).toContain(`Added key ${second.kid}`);
    expect(await signsAs("nbt-two", second)).toBe(200);
  });

  it("refuses a stale request, and one made for another organisation, changing nothing", async () => {
    // Prepare
    const key = await generateHeldSigningKey();
    await writeFile(
      join(dir, "stale.json"),
      JSON.stringify(await createKeyRequest("late-org", key, new Date(Date.now() - 360_000))),
    );
    await writeFile(
      join(dir, "other.json"),
      JSON.stringify(await createKeyRequest("late-org", key)),
    );
    // Act
    const stale = await admin([
      "admin",
      "org",
      "create",
      "--request",
      "stale.json",
      "--name",
      "Late",
      "--type",
      "other",
      "--roles",
      "screen",
    ]);
    const mismatch = await admin([
      "admin",
      "org",
      "create",
      "--request",
      "other.json",
      "--id",
      "someone-else",
      "--name",
      "Late",
      "--type",
      "other",
      "--roles",
      "screen",
    ]);
    // Assess
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain("more than 5 minutes old");
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toContain("is a key request for late-org, not someone-else");
    expect(await signsAs("late-org", key)).toBe(401);
  });
});
