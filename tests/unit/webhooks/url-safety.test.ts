import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { NodeWebhookSender } from "../../../shared/webhooks/sender.js";
import {
  checkWebhookUrl,
  isAllowedAddress,
  type Resolver,
  UnsafeUrlError,
} from "../../../shared/webhooks/url-safety.js";

const strict = { allowInsecure: false };
const local = { allowInsecure: true };
const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("webhook URL safety (SSRF)", () => {
  it.each([
    ["loopback", "https://127.0.0.1/hook"],
    ["decimal IPv4", "https://2130706433/hook"],
    ["octal IPv4", "https://0177.0.0.1/hook"],
    ["hex IPv4", "https://0x7f.0.0.1/hook"],
    ["short IPv4", "https://127.1/hook"],
    ["IPv6 loopback", "https://[::1]/hook"],
    ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/hook"],
    ["IPv4-mapped IPv6 (hex)", "https://[::ffff:7f00:1]/hook"],
    ["cloud metadata", "https://169.254.169.254/latest/meta-data"],
    ["AWS IPv6 metadata", "https://[fd00:ec2::254]/"],
    ["private 10/8", "https://10.0.0.8/"],
    ["private 172.16/12", "https://172.20.1.1/"],
    ["private 192.168/16", "https://192.168.1.1/"],
    ["CGNAT", "https://100.64.0.1/"],
    ["unspecified", "https://0.0.0.0/"],
    ["link-local IPv6", "https://[fe80::1]/"],
    ["unique-local IPv6", "https://[fc00::1]/"],
    ["NAT64 of loopback", "https://[64:ff9b::7f00:1]/"],
    ["IPv4-compatible IPv6 of loopback", "https://[::127.0.0.1]/hook"],
    ["IPv4-compatible IPv6 of metadata (hex)", "https://[::a9fe:a9fe]/"],
    ["documentation range", "https://192.0.2.10/"],
    ["broadcast", "https://255.255.255.255/"],
  ])("refuses %s (%s)", async (_label, url) => {
    await expect(checkWebhookUrl(url, strict, resolvesTo("93.184.216.34"))).rejects.toBeInstanceOf(
      UnsafeUrlError,
    );
  });

  it("refuses names that resolve to private or metadata addresses, even alongside a public one", async () => {
    await expect(
      checkWebhookUrl("https://localhost./x", strict, resolvesTo("127.0.0.1")),
    ).rejects.toThrow(UnsafeUrlError);
    await expect(
      checkWebhookUrl("https://evil.example/x", strict, resolvesTo("169.254.169.254")),
    ).rejects.toThrow(UnsafeUrlError);
    await expect(
      checkWebhookUrl("https://mixed.example/x", strict, resolvesTo("93.184.216.34", "10.1.2.3")),
    ).rejects.toThrow(UnsafeUrlError);
    // An AAAA record in the deprecated IPv4-compatible form of the metadata address.
    await expect(
      checkWebhookUrl("https://aaaa.example/x", strict, resolvesTo("::a9fe:a9fe")),
    ).rejects.toThrow(UnsafeUrlError);
  });

  it("refuses http, credentials in the URL, and unresolvable names", async () => {
    await expect(
      checkWebhookUrl("http://example.com/x", strict, resolvesTo("93.184.216.34")),
    ).rejects.toThrow("https");
    await expect(
      checkWebhookUrl("https://user:pw@example.com/x", strict, resolvesTo("93.184.216.34")),
    ).rejects.toThrow();
    const failing: Resolver = async () => {
      throw new Error("ENOTFOUND");
    };
    await expect(checkWebhookUrl("https://nowhere.invalid/x", strict, failing)).rejects.toThrow(
      UnsafeUrlError,
    );
  });

  it("accepts a public https endpoint", async () => {
    const url = await checkWebhookUrl(
      "https://hooks.example.com/cordon",
      strict,
      resolvesTo("93.184.216.34"),
    );
    expect(url.hostname).toBe("hooks.example.com");
  });

  it("lets the local runtime use http and loopback, but never link-local metadata", () => {
    expect(isAllowedAddress("127.0.0.1", local)).toBe(true);
    expect(isAllowedAddress("192.168.1.1", local)).toBe(true);
    expect(isAllowedAddress("169.254.169.254", local)).toBe(false);
    expect(isAllowedAddress("127.0.0.1", strict)).toBe(false);
  });

  it.each([
    ["AWS IMDS over IPv6", "fd00:ec2::254"],
    ["AWS DNS over IPv6", "fd00:ec2::253"],
    ["Alibaba metadata (carrier-grade NAT)", "100.100.100.200"],
    ["carrier-grade NAT", "100.64.0.1"],
    ["link-local IPv4", "169.254.0.1"],
    ["link-local IPv6", "fe80::1"],
    ["Oracle metadata", "192.0.0.192"],
    ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
    ["the unspecified address", "0.0.0.0"],
    ["multicast", "224.0.0.1"],
    ["broadcast", "255.255.255.255"],
  ])("refuses %s (%s) even where http and loopback are allowed", (_name, address) => {
    expect(isAllowedAddress(address, local)).toBe(false);
    expect(isAllowedAddress(address, strict)).toBe(false);
  });

  it("refuses a metadata literal in a URL the local runtime would otherwise take", async () => {
    await expect(checkWebhookUrl("http://[fd00:ec2::254]/", local)).rejects.toThrow(UnsafeUrlError);
    await expect(checkWebhookUrl("http://100.100.100.200/", local)).rejects.toThrow(UnsafeUrlError);
    const sender = new NodeWebhookSender(local);
    expect(await sender.post("http://[fd00:ec2::254]/latest/meta-data/", {}, "{}")).toMatchObject({
      status: null,
      error: "url_refused",
    });
    sender.close();
  });

  it("checks again when connecting: DNS that turns to loopback after the subscription is refused", async () => {
    // Prepare: a real server on loopback that must never be reached.
    let reached = false;
    const server = createServer((_req, res) => {
      reached = true;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    let answers = 0;
    // First answer public (the subscription-time check), then loopback (the rebinding).
    const rebinding: Resolver = async () => [
      { address: answers++ === 0 ? "93.184.216.34" : "127.0.0.1", family: 4 },
    ];
    await checkWebhookUrl(`https://rebind.example:${port}/x`, strict, rebinding);
    const sender = new NodeWebhookSender(strict, rebinding, { responseMs: 2000 });
    // Act
    const outcome = await sender.post(`https://rebind.example:${port}/x`, {}, "{}");
    sender.close();
    server.close();
    // Assess: the connection asked DNS again and refused what it said.
    expect(answers).toBe(2);
    expect(outcome).toMatchObject({ status: null, error: "url_refused", excerpt: null });
    expect(reached).toBe(false);
  });

  it("does not follow redirects: a 3xx is the answer", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/" });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const sender = new NodeWebhookSender(local);
    const outcome = await sender.post(`http://127.0.0.1:${port}/x`, {}, "{}");
    sender.close();
    server.close();
    expect(outcome).toMatchObject({ status: 302, error: "redirect_refused" });
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const sender = new NodeWebhookSender(local, undefined, { responseMs: 300 });
    const outcome = await sender.post(`http://127.0.0.1:${port}/x`, {}, "{}");
    sender.close();
    server.closeAllConnections();
    server.close();
    expect(outcome).toMatchObject({ status: null, error: "timeout" });
  });
});
