#!/usr/bin/env node
// The `cordon` executable (package.json "bin"): runs the TypeScript CLI through tsx,
// so `npx cordon …` works from a clone without a build step.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
