/**
 * A naive RFC 6962 reference for the log's property tests: MTH, PATH and PROOF written
 * as the RFC's recursive definitions over the whole list of leaves, with node:crypto's
 * SHA-256 — nothing shared with shared/log but the definitions themselves.
 */

import { createHash } from "node:crypto";

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function referenceLeafHash(data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), data);
}

function referenceNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

/** The largest power of two strictly less than n (n > 1). */
function k(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

/**
 * RFC 6962's definitions over one fixed list of leaves, each range's MTH remembered so
 * thousands of proofs stay fast; the recursion is still the RFC's, word for word.
 */
export class ReferenceTree {
  readonly leaves: readonly Uint8Array[];
  readonly #roots = new Map<string, Uint8Array>();

  constructor(leaves: readonly Uint8Array[]) {
    this.leaves = leaves;
  }

  /** MTH(D[start:end]) of RFC 6962 §2.1. */
  root(start = 0, end = this.leaves.length): Uint8Array {
    const key = `${start}:${end}`;
    let hash = this.#roots.get(key);
    if (hash === undefined) {
      const n = end - start;
      if (n === 0) hash = sha256();
      else if (n === 1) hash = referenceLeafHash(this.leaves[start] as Uint8Array);
      else hash = referenceNodeHash(this.root(start, start + k(n)), this.root(start + k(n), end));
      this.#roots.set(key, hash);
    }
    return hash;
  }

  /** PATH(m, D[start:end]) of RFC 6962 §2.1.1, m relative to start. */
  path(m: number, start = 0, end = this.leaves.length): Uint8Array[] {
    const n = end - start;
    if (n <= 1) return [];
    const split = k(n);
    if (m < split) return [...this.path(m, start, start + split), this.root(start + split, end)];
    return [...this.path(m - split, start + split, end), this.root(start, start + split)];
  }

  /** PROOF(m, D[0:end]) of RFC 6962 §2.1.2, for 0 < m < end. */
  consistency(m: number, end = this.leaves.length): Uint8Array[] {
    return this.#subproof(m, 0, end, true);
  }

  #subproof(m: number, start: number, end: number, complete: boolean): Uint8Array[] {
    const n = end - start;
    if (m === n) return complete ? [] : [this.root(start, end)];
    const split = k(n);
    if (m <= split) {
      return [...this.#subproof(m, start, start + split, complete), this.root(start + split, end)];
    }
    return [
      ...this.#subproof(m - split, start + split, end, false),
      this.root(start, start + split),
    ];
  }
}

/** Distinct, reproducible leaf data: the 32-byte digest a receipt would give. */
export function leafData(i: number, salt = "cordon"): Uint8Array {
  return sha256(new TextEncoder().encode(`${salt}:${i}`));
}

export function leafDataList(count: number, salt?: string): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafData(i, salt));
}
