/**
 * One HTTP request exactly as a hostile client would send it: any method, any path
 * and query (sent as is, never re-encoded), repeated or odd headers, and body bytes
 * that need not be UTF-8 or JSON. Answers the status, headers, body and how long the
 * hub took, measured from the first byte sent to the last byte read.
 */
import { Agent, type IncomingHttpHeaders, request } from "node:http";

export interface RawRequest {
  method: string;
  /** Path and query, sent byte for byte (Latin-1 for characters above 0x7f). */
  path: string;
  /** Name and value pairs; a name given twice is sent twice. */
  headers?: readonly (readonly [string, string])[];
  body?: Uint8Array | string;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Sends `raw` to `baseUrl` (http://host:port) and answers what came back. */
export function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body =
    raw.body === undefined
      ? undefined
      : typeof raw.body === "string"
        ? Buffer.from(raw.body, "utf8")
        : Buffer.from(raw.body);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of raw.headers ?? []) {
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] =
      previous === undefined
        ? value
        : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  if (body !== undefined && headers["content-length"] === undefined)
    headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers,
        agent,
        // Header values are checked by the hub, not refused here.
        insecureHTTPParser: true,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: parse(text),
            ms,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
