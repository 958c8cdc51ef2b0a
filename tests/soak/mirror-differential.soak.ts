/**
 * Issue 16: the mirror's differential test for many seeds. `npm test` runs three; the
 * soak lane runs the same test for CORDON_MIRROR_SEEDS (default here 12) more, each
 * seed in its test's name so that a failure replays with CORDON_MIRROR_SEED=<seed>.
 */
process.env.CORDON_MIRROR_SEEDS ??= "12";
await import("../integration/mirror-differential.test.js");
