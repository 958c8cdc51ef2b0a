/**
 * The analyst console's security headers (DESIGN §16), one definition for every host
 * of its static files: the local runtime (local/console-site.ts) and, on AWS, the
 * CloudFront response headers policy. The console's HTML loads one script and one
 * stylesheet from its own origin and talks only to the API on that origin, so the
 * policy allows nothing else: no inline script or style, no eval, no frames, no
 * plug-ins, no `<base>`, no form posts, no third-party origin.
 */

/** Content-Security-Policy directives, in the order they are sent. */
export const CONSOLE_CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ["default-src", "'none'"],
  ["script-src", "'self'"],
  ["style-src", "'self'"],
  ["img-src", "'self'"],
  ["font-src", "'self'"],
  ["connect-src", "'self'"],
  ["manifest-src", "'self'"],
  ["base-uri", "'none'"],
  ["form-action", "'none'"],
  ["frame-ancestors", "'none'"],
  ["object-src", "'none'"],
];

export const CONSOLE_CSP = CONSOLE_CSP_DIRECTIVES.map(
  ([directive, sources]) => `${directive} ${sources}`,
).join("; ");

/** Sent with every console file (HTML, JS, CSS, icon). */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};
