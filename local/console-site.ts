/**
 * The analyst console's static files, served by the local runtime on the API's own
 * origin (DESIGN §16): `GET /` redirects to `/console/`, and `/console/…` answers the
 * files of the console's build (`npm run build:console` writes them to console/dist)
 * with the console's security headers. Nothing else is served from disk: only files
 * inside the build folder, of the few types the console has. The API's routes never
 * reach here.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { CONSOLE_SECURITY_HEADERS } from "../shared/http/console-headers.js";

export const CONSOLE_PATH = "/console/";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
};

/** Built assets carry a content hash in their names (`app-3F2K….js`): they never change. */
const HASHED_ASSET = /^assets\/[\w.-]+-[A-Z0-9]{8}\.(?:js|css)$/;

/** What the local server asks of a site served beside the API. */
export interface StaticSite {
  /** True when this request is the site's, not the API's. */
  serves(req: IncomingMessage): boolean;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function consoleSite(distDir: string): StaticSite {
  const root = normalize(distDir);
  return {
    serves: (req) => {
      const path = pathOf(req);
      return path === "/" || path === "/console" || path.startsWith(CONSOLE_PATH);
    },
    serve: async (req, res) => {
      const path = pathOf(req);
      if (req.method !== "GET" && req.method !== "HEAD") {
        answer(res, 405, "text/plain; charset=utf-8", "Method not allowed.\n", {
          allow: "GET, HEAD",
        });
        return;
      }
      if (path === "/" || path === "/console") {
        answer(res, 302, "text/plain; charset=utf-8", `${CONSOLE_PATH}\n`, {
          location: CONSOLE_PATH,
        });
        return;
      }
      const relative = path === CONSOLE_PATH ? "index.html" : safeRelative(path);
      const type = relative === undefined ? undefined : CONTENT_TYPES[extname(relative)];
      if (relative === undefined || type === undefined) {
        answer(res, 404, "text/plain; charset=utf-8", "Not found.\n");
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(join(root, relative));
      } catch {
        const hint =
          relative === "index.html"
            ? "The console is not built: run `npm run build:console` (npm start does it).\n"
            : "Not found.\n";
        answer(res, 404, "text/plain; charset=utf-8", hint);
        return;
      }
      const cache = HASHED_ASSET.test(relative)
        ? "public, max-age=31536000, immutable"
        : "no-cache";
      answer(res, 200, type, req.method === "HEAD" ? undefined : body, {
        "cache-control": cache,
        "content-length": String(body.length),
      });
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/**
 * The file a `/console/…` path names, relative to the build folder, or undefined for
 * anything that could leave it (`..`, encoded separators, absolute names) or is hidden.
 */
function safeRelative(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.slice(CONSOLE_PATH.length));
  } catch {
    return undefined;
  }
  if (decoded === "" || decoded.includes("\\") || decoded.includes("\0")) return undefined;
  const parts = decoded.split("/");
  if (parts.some((part) => part === "" || part === "." || part === ".." || part.startsWith("."))) {
    return undefined;
  }
  return parts.join(sep);
}

function answer(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...CONSOLE_SECURITY_HEADERS,
    "content-type": type,
    ...(status === 200 ? {} : { "cache-control": "no-store" }),
    ...headers,
  });
  res.end(body);
}
