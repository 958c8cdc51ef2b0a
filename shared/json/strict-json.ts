/**
 * Strict JSON (I-JSON, RFC 7493) for everything Cordon reads from a partner: request
 * bodies, token headers and claims, bulletin payloads. `JSON.parse` silently keeps the
 * last of two members with the same name, so two parties could read one signed
 * document differently; here a duplicate name, an unpaired surrogate or bytes that
 * are not UTF-8 are refused, and the refusal names where it happened.
 */

export type StrictJsonFailure =
  | { ok: false; kind: "encoding"; pointer: ""; message: string }
  | { ok: false; kind: "syntax"; pointer: ""; message: string }
  | { ok: false; kind: "depth"; pointer: ""; message: string }
  | { ok: false; kind: "duplicate" | "surrogate"; pointer: string; message: string };

export type StrictJsonResult = { ok: true; value: unknown } | StrictJsonFailure;

/**
 * The deepest nesting accepted. Nothing Cordon reads nests beyond a handful of
 * levels; a document thousands deep only exists to exhaust a recursive reader
 * (JSON.stringify of it overflows the stack), so it is refused as unreadable.
 */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes UTF-8 bytes (no BOM) and parses them strictly. */
export function parseStrictJsonBytes(bytes: Uint8Array): StrictJsonResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, kind: "encoding", pointer: "", message: "The document is not UTF-8." };
  }
  if (text.charCodeAt(0) === 0xfeff) {
    return { ok: false, kind: "encoding", pointer: "", message: "The document starts with a BOM." };
  }
  return parseStrictJson(text);
}

export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: "syntax", pointer: "", message: "The document is not valid JSON." };
  }
  const problem = findDuplicateOrSurrogate(text);
  return problem ?? { ok: true, value };
}

interface Frame {
  kind: "object" | "array";
  keys: Set<string>;
  /** Pointer of this container. */
  pointer: string;
  /** Object: the member name just read, awaiting its value. Array: the next index. */
  pendingKey: string | undefined;
  index: number;
}

/**
 * Walks text that `JSON.parse` has already accepted, so it only has to follow
 * nesting and string tokens, not report syntax errors.
 */
function findDuplicateOrSurrogate(text: string): StrictJsonFailure | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      const decoded = JSON.parse(text.slice(i, end + 1)) as string;
      const top = stack[stack.length - 1];
      const isKey =
        top?.kind === "object" &&
        top.pendingKey === undefined &&
        nextNonSpace(text, end + 1) === ":";
      if (LONE_SURROGATE.test(decoded)) {
        const where =
          top === undefined
            ? ""
            : isKey
              ? `${top.pointer}/${escapePointer(decoded)}`
              : valuePointer(top);
        return {
          ok: false,
          kind: "surrogate",
          pointer: where,
          message: "A string holds an unpaired surrogate.",
        };
      }
      if (isKey && top !== undefined) {
        if (top.keys.has(decoded)) {
          return {
            ok: false,
            kind: "duplicate",
            pointer: `${top.pointer}/${escapePointer(decoded)}`,
            message: `The member name "${decoded}" appears twice.`,
          };
        }
        top.keys.add(decoded);
        top.pendingKey = decoded;
      }
      i = end + 1;
      continue;
    }
    if (ch === "{" || ch === "[") {
      if (stack.length >= MAX_JSON_DEPTH) {
        return {
          ok: false,
          kind: "depth",
          pointer: "",
          message: `The document nests deeper than ${MAX_JSON_DEPTH} levels.`,
        };
      }
      const parent = stack[stack.length - 1];
      stack.push({
        kind: ch === "{" ? "object" : "array",
        keys: new Set(),
        pointer: parent === undefined ? "" : valuePointer(parent),
        pendingKey: undefined,
        index: 0,
      });
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    } else if (ch === ",") {
      const top = stack[stack.length - 1];
      if (top?.kind === "object") top.pendingKey = undefined;
      else if (top !== undefined) top.index += 1;
    }
    i += 1;
  }
  return undefined;
}

function valuePointer(frame: Frame): string {
  return frame.kind === "object"
    ? `${frame.pointer}/${escapePointer(frame.pendingKey ?? "")}`
    : `${frame.pointer}/${frame.index}`;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") i += 2;
    else if (ch === '"') return i;
    else i += 1;
  }
  return text.length - 1;
}

function nextNonSpace(text: string, from: number): string | undefined {
  let i = from;
  while (
    i < text.length &&
    (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")
  )
    i += 1;
  return text[i];
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Builds a JSON pointer from path segments (as zod reports them). */
export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${escapePointer(String(segment))}`).join("");
}
