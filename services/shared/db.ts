import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import type { Logger } from "./logger.ts";
import { errorMessage } from "./logger.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.ts";
export type { Task, Model, Schedule, User, TaskStatus } from "./generated/prisma/client.ts";

export interface DbOptions {
  url: string;
  poolSize?: number;
  logger: Logger;
}

export function createDb({ url, poolSize = 10, logger }: DbOptions): Db {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 },
    {
      // Without these listeners a dropped connection (PostgreSQL restart) is an uncaught error
      // that takes the process down (prisma#27641). The pool replaces the connection on next use.
      onPoolError: (error) => logger.warn("postgres pool error", { error: errorMessage(error) }),
      onConnectionError: (error) => logger.warn("postgres connection error", { error: errorMessage(error) }),
    },
  );
  return new PrismaClient({ adapter });
}

/** True when `error` is Prisma's unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
