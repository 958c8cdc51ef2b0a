/**
 * Where webhooks may go (DESIGN §6): `https` only, and never to loopback, private,
 * link-local, CGNAT, metadata or other non-public addresses. The check runs when a
 * subscription is made and again when connecting — resolve, check, then connect to
 * the checked address — so a DNS answer that changes in between (rebinding) cannot
 * pass. The local runtime may allow `http` and loopback or private targets, but never
 * link-local, carrier-grade NAT or cloud metadata addresses.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export interface UrlPolicy {
  allowInsecure: boolean;
}

export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

const MAX_URL_LENGTH = 2048;

/** Parses and checks a webhook URL's form (no DNS). Throws UnsafeUrlError. */
export function parseWebhookUrl(raw: string, policy: UrlPolicy): URL {
  if (raw.length > MAX_URL_LENGTH)
    throw new UnsafeUrlError(`a webhook URL is at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("not an absolute URL");
  }
  const schemes = policy.allowInsecure ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) throw new UnsafeUrlError("a webhook URL must use https");
  if (url.username !== "" || url.password !== "")
    throw new UnsafeUrlError("a webhook URL must not carry credentials");
  if (url.hash !== "") throw new UnsafeUrlError("a webhook URL has no fragment");
  if (url.hostname === "") throw new UnsafeUrlError("a webhook URL needs a host");
  return url;
}

/** The host as a connection would use it: IPv6 literals without brackets. */
export function connectHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Resolves the host and answers the addresses a connection may use. Every address
 * must be allowed: a name that also resolves to a private address is refused whole.
 */
export async function resolveAllowed(
  host: string,
  policy: UrlPolicy,
  resolver: Resolver,
): Promise<LookupAddress[]> {
  const addresses =
    isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await resolver(host);
  if (addresses.length === 0) throw new UnsafeUrlError("the host has no address");
  for (const { address } of addresses) {
    if (!isAllowedAddress(address, policy)) {
      throw new UnsafeUrlError("the host resolves to an address webhooks may not reach");
    }
  }
  return addresses;
}

/** IP literals never reach a lookup hook, so they are checked on their own. */
export function assertAllowedLiteral(host: string, policy: UrlPolicy): void {
  if (isIP(host) !== 0 && !isAllowedAddress(host, policy)) {
    throw new UnsafeUrlError("the address is one webhooks may not reach");
  }
}

/** Checks a URL completely, DNS included: for subscription time. */
export async function checkWebhookUrl(
  raw: string,
  policy: UrlPolicy,
  resolver: Resolver = systemResolver,
): Promise<URL> {
  const url = parseWebhookUrl(raw, policy);
  try {
    await resolveAllowed(connectHost(url), policy, resolver);
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw error;
    throw new UnsafeUrlError("the host name does not resolve");
  }
  return url;
}

/**
 * Only globally routable unicast addresses. IPv4-mapped and other IPv6 forms that
 * embed IPv4 are judged by the IPv4 address inside.
 */
export function isAllowedAddress(address: string, policy: UrlPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === "unicast") return !isSpecialPurpose(parsed);
  // The local runtime talks to receivers on the same machine or private network — never
  // to link-local space (169.254.169.254, fe80::/10), carrier-grade NAT (Alibaba's
  // 100.100.100.200) or the private addresses cloud providers keep for their metadata
  // services (AWS's fd00:ec2::254), where a hub running on a cloud host would be answered.
  if (policy.allowInsecure) return LOCAL_RANGES.includes(range) && !isCloudMetadata(parsed);
  return false;
}

/** What the local runtime may reach beyond public unicast. */
const LOCAL_RANGES = ["loopback", "private", "uniqueLocal"];

/**
 * Private-looking addresses that cloud providers use for instance metadata and DNS:
 * AWS's IPv6 block fd00:ec2::/32 (IMDS fd00:ec2::254, DNS fd00:ec2::253). The IPv4
 * ones (169.254.169.254, 100.100.100.200, 192.0.0.192) are already outside LOCAL_RANGES.
 */
const METADATA_V6 = ["fd00:ec2::/32"].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

function isCloudMetadata(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return (
    address.kind() === "ipv6" && METADATA_V6.some((cidr) => (address as ipaddr.IPv6).match(cidr))
  );
}

/** IPv4 blocks ipaddr.js calls unicast that are still not for webhooks (documentation, benchmarking). */
const SPECIAL_V4 = [
  "192.0.0.0/24",
  "192.0.2.0/24",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));

/**
 * IPv6 blocks ipaddr.js calls unicast that still embed an IPv4 address: the deprecated
 * IPv4-compatible form `::a.b.c.d` (RFC 4291 §2.5.5.1), e.g. `[::127.0.0.1]` or
 * `[::a9fe:a9fe]` for the metadata service. Nothing legitimate uses it.
 */
const SPECIAL_V6 = ["::/96"].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

function isSpecialPurpose(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === "ipv6")
    return SPECIAL_V6.some((cidr) => (address as ipaddr.IPv6).match(cidr));
  const v4 = address as ipaddr.IPv4;
  return SPECIAL_V4.some((cidr) => v4.match(cidr));
}
