import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";
import type { Logger } from "./logger.ts";
import { errorMessage } from "./logger.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.ts";
/** A JSON object as Prisma writes it (a task's result, a scored input). */
export type Json = Prisma.InputJsonObject;
export type { Task, Model, Schedule, User } from "./generated/prisma/client.ts";

export interface DbOptions {
  url: string;
  poolSize?: number;
  logger: Logger;
}

interface PgConnection {
  stream: { writable: boolean; write(buffer: Buffer): boolean };
  _send(buffer: Buffer): boolean;
  end(): unknown;
}

/**
 * pg writes each message of a query (parse, bind, describe, execute, sync) to the socket on its
 * own, and under Bun every write is a send(2): 18% of the API's CPU on GET /tasks/:id. This client
 * gathers the messages written in one tick and sends them as one buffer (same bytes, same order).
 */
export class CoalescingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const connection = (this as unknown as { connection: PgConnection }).connection;
    let pending: Buffer[] = [];
    const flush = () => {
      const buffers = pending;
      pending = [];
      if (buffers.length > 0 && connection.stream.writable) {
        connection.stream.write(buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers));
      }
    };
    connection._send = (buffer) => {
      if (!connection.stream.writable) return false;
      if (pending.length === 0) process.nextTick(flush);
      pending.push(buffer);
      return true;
    };
    // Terminate writes straight to the socket: whatever is gathered goes first.
    const end = connection.end.bind(connection);
    connection.end = () => {
      flush();
      return end();
    };
  }
}

export function createDb({ url, poolSize = 10, logger }: DbOptions): Db {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000, Client: CoalescingClient },
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

/**
 * PostgreSQL's SQLSTATE for an error of a query, whichever way it was sent: Prisma keeps the
 * driver's code under `meta.driverAdapterError` (P2003 from a model query, P2010 from a raw one).
 */
export function sqlState(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | undefined)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === "string" ? code : undefined;
}
