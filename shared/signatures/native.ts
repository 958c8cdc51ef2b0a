/**
 * Node's native implementations, where the code runs on Node: the hub and the CLI
 * hash and encode with them (an order of magnitude faster than JavaScript on large
 * bodies), while the same modules run unchanged in a browser (the SDK in the analyst
 * console), where these are undefined and the portable @noble/@scure code is used.
 * `process.getBuiltinModule` (Node ≥ 20.16) exists for exactly this: no `node:`
 * import, so a browser bundle never meets one.
 */

type NodeCrypto = typeof import("node:crypto");

interface MaybeNode {
  process?: { getBuiltinModule?: (id: "node:crypto") => NodeCrypto | undefined };
  Buffer?: typeof Buffer;
}

const host = globalThis as MaybeNode;

/** node:crypto on Node, undefined elsewhere. */
export const nodeCrypto: NodeCrypto | undefined = host.process?.getBuiltinModule?.("node:crypto");

/** Node's Buffer on Node, undefined elsewhere. */
export const NodeBuffer: typeof Buffer | undefined = host.Buffer;
