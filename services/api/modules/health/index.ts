import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { type Db, sqlOf } from "../../../shared/db.ts";
import type { Redis } from "../../../shared/redis.ts";
import { within } from "../../../shared/within.ts";
import { operation } from "../../openapi.ts";

const LIVE = JSON.stringify({ status: "ok" });

const up = Type.Union([Type.Literal("up"), Type.Literal("down")]);
const HealthModel = {
  live: Type.Object({ status: Type.Literal("ok") }, { $id: "Liveness" }),
  ready: Type.Object(
    { status: Type.Union([Type.Literal("ready"), Type.Literal("unavailable")]), checks: Type.Object({ postgres: up, redis: up }) },
    { $id: "Readiness" },
  ),
};

/** Liveness has no dependencies (a restart would not fix them); readiness checks both stores. */
export const healthRoutes = (db: Db, redis: Redis) => {
  const sql = sqlOf(db); // not Prisma: readiness alone would load its query compiler (~30 MB) at start
  return new Elysia({ prefix: "/health", detail: { tags: ["operations"] } })
    // A constant, serialised once: JSON serialisation was ~30% of GET /health's CPU in a profile.
    .get("", ({ set }) => {
      set.headers["content-type"] = "application/json";
      return LIVE;
    }, {
      detail: operation({ operationId: "getLiveness", summary: "Liveness", public: true, unlimited: true, ok: { 200: [HealthModel.live, "the process answers"] } }),
    })
    .get(
      "/ready",
      async ({ set }) => {
        const [postgres, redisCheck] = await Promise.allSettled([within(sql.query`SELECT 1`, 1_000), within(redis.ping(), 1_000)]);
        const checks = { postgres: postgres.status === "fulfilled" ? "up" : "down", redis: redisCheck.status === "fulfilled" ? "up" : "down" };
        const ready = checks.postgres === "up" && checks.redis === "up";
        if (!ready) set.status = 503;
        return { status: ready ? "ready" : "unavailable", checks };
      },
      {
        detail: operation({
          operationId: "getReadiness",
          summary: "Readiness: PostgreSQL and Redis reachable",
          public: true,
          unlimited: true,
          ok: { 200: [HealthModel.ready, "both answer"], 503: [HealthModel.ready, "one of them does not"] },
        }),
      },
    );
};
