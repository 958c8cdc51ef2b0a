/**
 * Imported first by main.tsx, before any schema exists: zod compiles object parsers
 * with `new Function` unless told not to, and probing for it is itself a CSP
 * violation under the console's policy (no 'unsafe-eval').
 */
import * as z from "zod";

z.config({ jitless: true });
