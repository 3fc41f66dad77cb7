/**
 * The pipeline's baseline: BullMQ alone on the same Redis. addBulk N jobs (same options as the
 * scheduler's tasks: job id, priority, attempts, bounded history), drain them with a worker whose
 * processor does nothing, at the scheduler worker's concurrency. Times addBulk start → last completed.
 *
 *   REDIS_URL=… QUEUE_PREFIX=… bun bench/bullmq-noop.ts <jobs> <concurrency>   → JSON on stdout
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { taskJobOptions } from "../services/shared/queues.ts";

const jobs = Number(process.argv[2]);
const concurrency = Number(process.argv[3]);
const prefix = process.env.QUEUE_PREFIX!;
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const queue = new Queue("noop", { connection, prefix });
await queue.obliterate({ force: true });

let completed = 0;
const { promise: drained, resolve } = Promise.withResolvers<void>();
const worker = new Worker("noop", async () => ({ status: "succeeded" }), { connection, prefix, concurrency, autorun: false });
worker.on("completed", () => {
  if (++completed === jobs) resolve();
});

const started = performance.now();
for (let i = 0; i < jobs; i += 100) {
  const chunk = Array.from({ length: Math.min(100, jobs - i) }, () => ({
    name: "predict",
    data: {},
    opts: taskJobOptions({ id: Bun.randomUUIDv7(), priority: 5 }),
  }));
  await queue.addBulk(chunk);
  if (i === 0) void worker.run();
}
await drained;
const seconds = (performance.now() - started) / 1_000;
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
connection.disconnect();
console.log(JSON.stringify({ jobs, concurrency, seconds, jobsPerSecond: jobs / seconds }));
