/** Where the CLI finds hub, organisation and key: flags, environment, profiles, defaults. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profilePath, resolveConfig, writeProfileFile } from "../../../cli/config.js";
import { InputError } from "../../../cli/sdk/errors.js";

describe("resolveConfig", () => {
  let home: string;
  const context = (env: Record<string, string> = {}) => ({ env, cwd: "/work", homedir: home });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "cordon-home-"));
    await writeProfileFile(profilePath(context()), {
      default: "trm",
      profiles: {
        trm: {
          hub: "https://hub.example/",
          org: "trm",
          key_file: "~/keys/trm.jwk",
          audience: "https://hub.example",
        },
        binance: { org: "binance", key_file: "binance.jwk" },
      },
    });
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("uses the local defaults when nothing is configured", async () => {
    const config = await resolveConfig(
      {},
      { env: { CORDON_CONFIG: "/nonexistent/profiles.json" }, cwd: "/work", homedir: home },
    );
    expect(config).toMatchObject({
      hubUrl: "http://127.0.0.1:8080",
      audience: "cordon",
      orgId: undefined,
      keyFile: undefined,
    });
  });

  it("reads the default profile, expanding ~ and resolving paths against the profile file's folder", async () => {
    const config = await resolveConfig({}, context());
    expect(config).toMatchObject({
      hubUrl: "https://hub.example",
      orgId: "trm",
      keyFile: join(home, "keys/trm.jwk"),
      audience: "https://hub.example",
      profile: "trm",
    });
    const binance = await resolveConfig({ profile: "binance" }, context());
    expect(binance.keyFile).toBe(join(home, ".config", "cordon", "binance.jwk"));
  });

  it("lets the environment override the profile, and flags override both", async () => {
    const env = {
      CORDON_ORG: "kraken",
      CORDON_KEY_FILE: "k.jwk",
      CORDON_HUB_URL: "http://env:1",
      CORDON_PROFILE: "binance",
    };
    const fromEnv = await resolveConfig({}, context(env));
    expect(fromEnv).toMatchObject({
      orgId: "kraken",
      keyFile: "/work/k.jwk",
      hubUrl: "http://env:1",
      profile: "binance",
    });
    const fromFlags = await resolveConfig(
      { org: "nbt-fmd", key: "/abs/n.jwk", hub: "http://flag:2/" },
      context(env),
    );
    expect(fromFlags).toMatchObject({
      orgId: "nbt-fmd",
      keyFile: "/abs/n.jwk",
      hubUrl: "http://flag:2",
    });
  });

  it("names the profiles there are when asked for one that is not", async () => {
    const error = await resolveConfig({ profile: "nope" }, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("trm, binance");
  });

  it("refuses a profile file that is not one", async () => {
    const file = join(home, "bad.json");
    await writeFile(file, JSON.stringify({ profiles: { x: { hub: "ftp://x" } } }));
    await expect(resolveConfig({}, context({ CORDON_CONFIG: file }))).rejects.toThrow(InputError);
    expect(JSON.parse(await readFile(profilePath(context()), "utf8")).default).toBe("trm");
  });
});
