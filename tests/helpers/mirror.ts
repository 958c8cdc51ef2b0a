/** Mirrors (cli/sdk/mirror) of test organisations, against a test hub, in temporary files. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CordonClient } from "../../cli/sdk/client.js";
import { type Mirror, type OpenMirrorOptions, openMirror } from "../../cli/sdk/mirror/index.js";
import type { TestHub, TestOrg } from "./hub.js";

export function clientOf(
  t: TestHub,
  org: Pick<TestOrg, "id" | "key">,
  fetchFn?: typeof fetch,
): CordonClient {
  return new CordonClient({
    baseUrl: t.hub.url,
    orgId: org.id,
    key: org.key,
    audience: t.hub.deps.audience,
    retries: 1,
    ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
  });
}

/** A folder for mirror files that removes itself. */
export async function mirrorFolder(): Promise<{
  path(name: string): string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "cordon-mirror-"));
  return {
    path: (name) => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export function openTestMirror(
  t: TestHub,
  org: Pick<TestOrg, "id" | "key">,
  path: string,
  options: Omit<OpenMirrorOptions, "path" | "client"> & { fetch?: typeof fetch } = {},
): Mirror {
  const { fetch: fetchFn, ...rest } = options;
  return openMirror({ ...rest, path, client: clientOf(t, org, fetchFn) });
}

/** The hub's `POST /v1/screen` answer (status and body) for `org`. */
export async function hubScreen(
  org: TestOrg,
  indicators: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await org.client.raw("POST", "/v1/screen", { body: { indicators } });
  return { status: response.status, body: response.body };
}
