/**
 * Publish: signed bulletins of 10 indicators posted at concurrency 8, against its
 * floor — per bulletin, the hub's two Ed25519 verifications (request token, bulletin)
 * and as many raw writes as a publish really makes (counted in the costs stage).
 */
import { publicJwkOf } from "../../shared/signatures/keys.js";
import type { StageContext } from "../context.js";
import { type BenchBulletin, type BenchOrg, publishOrThrow, signedBulletin } from "../fixtures.js";
import { type FloorBulletin, publishFloor, type WriteMix } from "../floors.js";
import { type Summary, summarise, timedPool } from "../stats.js";

export interface PublishResult {
  count: number;
  concurrency: number;
  indicators: number;
  hub: { per_second: number; latency_ms: Summary; elapsed_ms: number };
  floor: {
    per_second: number;
    latency_ms: Summary;
    elapsed_ms: number;
    verifications_per_bulletin: number;
    writes_per_bulletin: WriteMix;
    /** The verifications alone, and what the writes added. */
    verify_only_ms: number;
    writes_ms: number;
  };
  /** Every bulletin published, for the screening and feed stages. */
  bulletins: BenchBulletin[];
}

const WARM_UP = 16;

export async function publishStage(
  ctx: StageContext,
  publisher: BenchOrg,
  mix: WriteMix,
): Promise<PublishResult> {
  const { publishCount: count, publishConcurrency: concurrency } = ctx.config;
  const indicators = ctx.config.indicatorsPerBulletin;
  const warm = await Promise.all(
    Array.from({ length: WARM_UP }, () => signedBulletin(publisher, indicators)),
  );
  const bulletins = await Promise.all(
    Array.from({ length: count }, () => signedBulletin(publisher, indicators)),
  );
  await timedPool(warm.length, concurrency, (i) =>
    publishOrThrow(publisher, warm[i] as BenchBulletin),
  );

  const hub = await timedPool(count, concurrency, (i) =>
    publishOrThrow(publisher, bulletins[i] as BenchBulletin),
  );
  ctx.progress(
    `publish: hub ${(count / (hub.elapsedMs / 1000)).toFixed(1)} bulletins/s; measuring the floor`,
  );

  // The floor, on the same bulletins (and request tokens of the same size).
  const encoder = new TextEncoder();
  const toFloor = async (bulletin: BenchBulletin): Promise<FloorBulletin> => ({
    id: bulletin.id,
    jws: bulletin.jws,
    normalised: bulletin.normalised,
    token: await publisher.client.token(
      "POST",
      "/v1/bulletins",
      encoder.encode(JSON.stringify({ jws: bulletin.jws })),
    ),
  });
  const floorWarm = await Promise.all(warm.map(toFloor));
  const floorBulletins = await Promise.all(bulletins.map(toFloor));
  const publicJwk = publicJwkOf(publisher.key.privateJwk);
  await publishFloor(ctx.floor, floorWarm, publicJwk, mix, concurrency);
  const floor = await publishFloor(ctx.floor, floorBulletins, publicJwk, mix, concurrency);

  return {
    count,
    concurrency,
    indicators,
    hub: {
      per_second: count / (hub.elapsedMs / 1000),
      latency_ms: summarise(hub.latencies),
      elapsed_ms: hub.elapsedMs,
    },
    floor: {
      per_second: count / (floor.elapsedMs / 1000),
      latency_ms: summarise(floor.latencies),
      elapsed_ms: floor.elapsedMs,
      verifications_per_bulletin: 2,
      writes_per_bulletin: mix,
      verify_only_ms: floor.verifyOnlyMs,
      writes_ms: floor.writeOnlyMs,
    },
    bulletins: [...warm, ...bulletins],
  };
}
