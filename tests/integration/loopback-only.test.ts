/**
 * The local hub and its embedded servers (HTTP, DynamoDB, SQS) listen on 127.0.0.1
 * only: none of them authenticates, so a listener on any other address would open the
 * hub's table or queues to the network. Read from the kernel's own socket tables for
 * this process (Linux: /proc/self/fd and /proc/net/tcp{,6}).
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../helpers/hub.js";

const LISTEN = "0A";

/** The local addresses (`ip:port`) of this process's listening TCP sockets. */
async function listeningAddresses(): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const addresses: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (local === undefined || state !== LISTEN || !inodes.has(inode ?? "")) continue;
      addresses.push(decodeAddress(local));
    }
  }
  return addresses;
}

/** `0100007F:1F90` → `127.0.0.1:8080`; IPv6 as its 32 hex digits. */
function decodeAddress(hex: string): string {
  const [ip = "", port = ""] = hex.split(":");
  const portNumber = Number.parseInt(port, 16);
  if (ip.length !== 8) return `[${ip}]:${portNumber}`;
  const bytes = Buffer.from(ip, "hex").reverse();
  return `${[...bytes].join(".")}:${portNumber}`;
}

describe("the local hub's listeners", () => {
  let t: TestHub | undefined;
  afterAll(async () => {
    await t?.stop();
  });

  it("are all on 127.0.0.1: the API, the embedded DynamoDB and the embedded SQS", async () => {
    // Prepare
    const before = new Set(await listeningAddresses());
    // Act
    t = await startTestHub({ inMemory: false });
    // Assess
    const opened = (await listeningAddresses()).filter((address) => !before.has(address));
    expect(opened).toContain(`127.0.0.1:${t.hub.port}`);
    // The embedded DynamoDB is one of them, unless the table is at $CORDON_DYNAMODB_ENDPOINT.
    expect(opened.length).toBeGreaterThanOrEqual(t.hub.table.embedded ? 3 : 2);
    for (const address of opened) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
