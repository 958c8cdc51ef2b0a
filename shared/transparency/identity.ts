/**
 * Who the hub's log is (DESIGN §14): its origin — the audience without its URL scheme,
 * then `/v1/log` — its note verifier key (the hub's current Ed25519 key, named by the
 * origin), and the signers of its checkpoints (every published hub key, so a key
 * rotation never leaves an auditor unable to verify). Imported keys are made once per
 * key set.
 */

import type { HubDeps } from "../hub/deps.js";
import { logOrigin } from "../log/checkpoint.js";
import { hubNoteSigners, hubVerifierKey } from "../log/hub-signer.js";
import type { NoteSigner } from "../log/note.js";
import type { HubKeySet } from "../signatures/hub-keys.js";

export interface LogIdentity {
  origin: string;
  /** What `GET /v1/log/key` answers: `<origin>+<key id>+<base64 key>`. */
  verifierKey: string;
  /** The checkpoint signers, the current key's first. */
  signers(): Promise<NoteSigner[]>;
}

const identities = new WeakMap<HubKeySet, Map<string, LogIdentity>>();

export function logIdentity(deps: Pick<HubDeps, "audience" | "hubKeys">): LogIdentity {
  let byAudience = identities.get(deps.hubKeys);
  if (byAudience === undefined) {
    byAudience = new Map();
    identities.set(deps.hubKeys, byAudience);
  }
  let identity = byAudience.get(deps.audience);
  if (identity === undefined) {
    const origin = logOrigin(deps.audience);
    let signers: Promise<NoteSigner[]> | undefined;
    identity = {
      origin,
      verifierKey: hubVerifierKey(origin, deps.hubKeys.current),
      signers: () => {
        signers ??= hubNoteSigners(origin, deps.hubKeys).catch((error: unknown) => {
          signers = undefined;
          throw error;
        });
        return signers;
      },
    };
    byAudience.set(deps.audience, identity);
  }
  return identity;
}
