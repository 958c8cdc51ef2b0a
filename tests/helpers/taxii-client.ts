/**
 * A small TAXII 2.1 client for tests: GETs with a chosen Authorization and the TAXII
 * media type, and the paging loops TAXII clients run (`next` until `more` is false).
 */
import type { RawResponse } from "../../cli/sdk/transport.js";
import type { StixObject } from "../../shared/interop/stix/types.js";
import type { TestOrg } from "./hub.js";

export const TAXII_ACCEPT = "application/taxii+json;version=2.1";
export const COLLECTION = "/taxii2/cordon/collections/4e1b7c1a-6f52-4c55-9d39-8a7c5b0e3f10";

export interface Envelope {
  more: boolean;
  next?: string;
  objects?: StixObject[];
}

export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type: string;
}

export class TaxiiReader {
  /** `authorization: undefined` signs a request token as the organisation. */
  constructor(
    readonly org: TestOrg,
    readonly authorization: string | undefined,
  ) {}

  get(
    path: string,
    params: Record<string, string | number | undefined> = {},
  ): Promise<RawResponse> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) query.set(name, String(value));
    }
    const text = query.toString();
    return this.org.client.raw("GET", `${path}${text === "" ? "" : `?${text}`}`, {
      headers: { accept: TAXII_ACCEPT },
      ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
    });
  }

  /** Every page of a listing from `params`, following `next`; each page's answer kept. */
  async walk(
    resource: "objects" | "manifest",
    params: Record<string, string | number | undefined> = {},
  ): Promise<{ pages: RawResponse[]; items: (StixObject | ManifestRecord)[] }> {
    const pages: RawResponse[] = [];
    const items: (StixObject | ManifestRecord)[] = [];
    let next: string | undefined;
    for (let guard = 0; guard < 10_000; guard++) {
      const page = await this.get(`${COLLECTION}/${resource}/`, { ...params, next });
      if (page.status !== 200) throw new Error(`${page.status} ${page.text}`);
      pages.push(page);
      const body = page.body as Envelope & { objects?: (StixObject | ManifestRecord)[] };
      items.push(...(body.objects ?? []));
      if (!body.more) return { pages, items };
      if (body.next === undefined) throw new Error("more without next");
      next = body.next;
    }
    throw new Error("the walk did not end");
  }
}
