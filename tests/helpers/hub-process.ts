/**
 * Runs the hub as a child process, to kill it for real: `local/main.ts` through tsx
 * (what `npm start` bundles and runs), or `npm start` itself. At
 * $CORDON_DYNAMODB_ENDPOINT its table is named after its data folder, so a restart
 * finds it; `discardHubData` (test-tables.ts) removes both.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Transport } from "../../cli/sdk/transport.js";
import { parsePrivateJwk } from "../../shared/signatures/keys.js";
import { hubProcessTableEnv } from "./test-tables.js";

export interface HubProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  admin(): Promise<Transport>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startHubProcess(
  dataDir: string,
  env: Record<string, string> = {},
  how: "source" | "npm-start" = "source",
): Promise<HubProcess> {
  const [command, args] =
    how === "npm-start"
      ? ["npm", ["start"]]
      : [process.execPath, ["--import", "tsx", "local/main.ts"]];
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: "0",
      CORDON_DATA_DIR: dataDir,
      CORDON_LOG_LEVEL: "warn",
      ...hubProcessTableEnv(dataDir),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const url = await new Promise<string>((resolve, reject) => {
    // `npm start` builds the hub's bundle and the console's first.
    const limit = how === "npm-start" ? 90_000 : 30_000;
    const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${output}`)), limit);
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the hub exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return {
    url,
    child,
    output: () => output,
    admin: async () => {
      const key = parsePrivateJwk(JSON.parse(await readFile(join(dataDir, "admin.jwk"), "utf8")));
      return new Transport({ baseUrl: url, orgId: "hub-admin", key, retries: 1 });
    },
    kill: async (signal = "SIGKILL") => {
      child.kill(signal);
      return exited;
    },
  };
}
