/**
 * A captured webhook request as a file, so a delivery can be verified later or by
 * someone else (`cordon listen --save DIR`, `cordon verify-webhook < FILE`): the
 * HTTP/1.1 message itself — request line, headers, a blank line, the body — or a JSON
 * object `{"headers": {…}, "body": "…"}`. The body must stay byte for byte what the
 * hub sent, so `content-length` decides where it ends when present.
 */
import { parseStrictJson } from "../shared/json/strict-json.js";
import { InputError } from "./sdk/errors.js";

export interface CapturedRequest {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** The request as an HTTP/1.1 message, ready to be written to a file. */
export function formatHttpMessage(request: CapturedRequest): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === "content-length") continue;
    lines.push(`${name}: ${value}`);
  }
  lines.push(`content-length: ${request.body.length}`, "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "utf8"), request.body]);
}

/** Reads either form. Without `content-length`, one final line break (an editor's) is dropped. */
export function parseHttpMessage(bytes: Buffer): CapturedRequest {
  const json = asJsonForm(bytes);
  if (json !== undefined) return json;

  const separator = findHeaderEnd(bytes);
  if (separator === undefined) {
    throw new InputError(
      "The request file needs its headers, a blank line, then the body exactly as received.",
    );
  }
  const head = bytes.subarray(0, separator.index).toString("utf8").split(/\r?\n/);
  let method = "POST";
  let path = "/";
  const requestLine = /^([A-Z]+) (\S+) HTTP\/\d(?:\.\d)?$/.exec(head[0] ?? "");
  if (requestLine !== null) {
    method = requestLine[1] ?? method;
    path = requestLine[2] ?? path;
    head.shift();
  }
  const headers: Record<string, string> = {};
  for (const line of head) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new InputError(`Not a header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]} ${value}`;
  }
  let body = bytes.subarray(separator.index + separator.length);
  const length = headers["content-length"];
  if (length !== undefined && /^\d+$/.test(length) && Number(length) <= body.length) {
    body = body.subarray(0, Number(length));
  } else if (body.subarray(-2).toString() === "\r\n") body = body.subarray(0, -2);
  else if (body.subarray(-1).toString() === "\n") body = body.subarray(0, -1);
  return { method, path, headers, body: Buffer.from(body) };
}

function findHeaderEnd(bytes: Buffer): { index: number; length: number } | undefined {
  const crlf = bytes.indexOf("\r\n\r\n");
  const lf = bytes.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function asJsonForm(bytes: Buffer): CapturedRequest | undefined {
  const text = bytes.toString("utf8").trim();
  if (!text.startsWith("{")) return undefined;
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return undefined;
  const value = parsed.value as { headers?: unknown; body?: unknown };
  if (typeof value.headers !== "object" || value.headers === null) return undefined;
  if (typeof value.body !== "string") return undefined;
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value.headers as Record<string, unknown>)) {
    if (typeof header === "string") headers[name.toLowerCase()] = header;
  }
  return { method: "POST", path: "/", headers, body: Buffer.from(value.body, "utf8") };
}
