/**
 * Runs the log fixture server on its own, to point Go's verifier (or anything else) at:
 *
 *   npx tsx tests/log-interop/fixture-server.ts --sizes 1000,1500 [--misbehave fork]
 *     [--origin cordon/v1/log] [--receipts receipts.txt]
 *
 * It prints one JSON line, {url, origin, verifierKey}, and serves until SIGINT or
 * SIGTERM; `POST <url>/fixture/advance` serves the next size's checkpoint.
 */

import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  LOG_MISBEHAVIOURS,
  type LogMisbehaviour,
  startLogFixture,
} from "../helpers/log-fixture.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,1500" },
    misbehave: { type: "string", default: "none" },
    origin: { type: "string", default: "cordon/v1/log" },
    receipts: { type: "string" },
  },
});
const sizes = values.sizes.split(",").map(Number);
if (sizes.some((size) => !Number.isSafeInteger(size) || size < 0)) {
  throw new Error("--sizes is a comma-separated list of tree sizes");
}
if (!(LOG_MISBEHAVIOURS as readonly string[]).includes(values.misbehave)) {
  throw new Error(`--misbehave is one of ${LOG_MISBEHAVIOURS.join(", ")}`);
}
const fixture = await startLogFixture({
  sizes,
  origin: values.origin,
  misbehave: values.misbehave as LogMisbehaviour,
});
if (values.receipts !== undefined)
  writeFileSync(values.receipts, `${fixture.receipts.join("\n")}\n`);
console.log(
  JSON.stringify({ url: fixture.url, origin: fixture.origin, verifierKey: fixture.verifierKey }),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fixture.stop().then(() => process.exit(0));
  });
}
