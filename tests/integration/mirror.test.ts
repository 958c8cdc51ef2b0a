import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mirror } from "../../cli/sdk/mirror/index.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { hubScreen, mirrorFolder, openTestMirror } from "../helpers/mirror.js";

const evm = (address: string) => ({
  type: "crypto_address" as const,
  chain: "ethereum" as const,
  address,
});

describe("the mirror against a local hub", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let kraken: TestOrg;
  let folder: Awaited<ReturnType<typeof mirrorFolder>>;
  const addresses = Array.from({ length: 6 }, randomEvmAddress);

  beforeAll(async () => {
    t = await startTestHub();
    folder = await mirrorFolder();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish", "screen"] });
    binance = await t.onboard("binance", { roles: ["screen"], groups: ["exchanges"] });
    kraken = await t.onboard("kraken", { roles: ["screen"] });
    const tlps = [
      { tlp: "green" },
      { tlp: "amber", audience: ["group:exchanges"] },
      { tlp: "amber+strict", audience: ["kraken"] },
      { tlp: "red", audience: ["binance"] },
      { tlp: "clear" },
      { tlp: "red", audience: ["kraken"] },
    ] as const;
    for (const [i, shape] of tlps.entries()) {
      const response = await publish(
        trm,
        bulletinPayload("trm", {
          ...shape,
          audience: "audience" in shape ? [...shape.audience] : undefined,
          indicators: [evm(addresses[i] as string)],
        }),
      );
      expect(response.status, response.text).toBe(201);
    }
  });
  afterAll(async () => {
    await t.stop();
    await folder.remove();
  });

  it("answers what the hub answers, for each organisation", async () => {
    const inputs = [...addresses.map(evm), evm(randomEvmAddress()), { type: "nope" }];
    for (const org of [trm, binance, kraken]) {
      const mirror: Mirror = openTestMirror(t, org, folder.path(`${org.id}.sqlite`));
      try {
        const report = await mirror.sync();
        expect(report.caught_up).toBe(true);
        const hub = await hubScreen(org, inputs);
        expect(hub.status).toBe(200);
        expect(mirror.screen(inputs)).toEqual(hub.body);
        expect(mirror.status().unverifiable).toBe(0);
      } finally {
        mirror.close();
      }
    }
  });
});
