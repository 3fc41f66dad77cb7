// A system filled through its API the way users fill it, and what the API serves back: the
// restore drill's "before" and "after" (test/reliability/restore-drill.test.ts). Written against the
// API as it is (each user in their personal workspace, which holds their models, tasks and
// schedules); when the API changes shape, only this file follows it.
import { type Account, expectStatus, type HttpClient, registerAndLogin } from "./http.ts";
import { eventually } from "./polling.ts";
import { freePort } from "./ports.ts";
import { ServiceProcess } from "./processes.ts";

export interface FilledSystem {
  accounts: Account[];
  /** Tasks left unfinished (queued, and one that was running when its worker died): they must still run. */
  unfinished: string[];
}

interface TaskView { id: string; status: string }

const FINAL = ["succeeded", "failed", "cancelled"];
const USERS = 3;

/** Rows of a logistic model on two features: churned = 1 when tickets outweigh tenure. */
const churnRows = (n: number) => Array.from({ length: n }, (_, i) => {
  const tenure = i % 48;
  const tickets = (i * 7) % 9;
  return { tenure, tickets, churned: tickets * 6 > tenure ? 1 : 0 };
});

/**
 * Three users, each with: two versions of a logistic model and one of a linear model (trained),
 * predictions, a batch prediction and a drift check (succeeded), a prediction missing one of the
 * model's features (failed), a cancelled task, queued tasks, and two schedules (one disabled). One task
 * is left running: its worker is killed mid-training, as a node that dies would.
 */
export async function fillThroughApi(api: HttpClient, workerEnv: Record<string, string>): Promise<FilledSystem> {
  const accounts = await Promise.all(Array.from({ length: USERS }, () => registerAndLogin(api)));
  const submit = async (account: Account, type: string, payload: object, priority?: number) =>
    expectStatus(await api<TaskView>("POST", "/tasks", { token: account.token, body: { type, payload, ...(priority ? { priority } : {}) } }), 202, `submit ${type}`).id;
  const settle = async (account: Account, id: string, status: string) => {
    const task = expectStatus(await api<TaskView>("GET", `/tasks/${id}?wait=30`, { token: account.token }), 200, "wait");
    if (task.status !== status) throw new Error(`task ${id} ended ${task.status}, expected ${status}: ${JSON.stringify(task)}`);
  };

  const worker = await ServiceProcess.start("worker", { ...workerEnv, WORKER_PORT: String(freePort()) });
  await Promise.all(accounts.map(async (account, i) => {
    const churn = `churn-${i}`;
    const train = (model: string, algorithm: string, label: string, rows: object[]) => submit(account, "train", { model, algorithm, label, rows });
    for (const id of [await train(churn, "logistic", "churned", churnRows(60)), await train(churn, "logistic", "churned", churnRows(120))]) await settle(account, id, "succeeded");
    const demand = await train(`demand-${i}`, "linear", "units", Array.from({ length: 30 }, (_, x) => ({ price: x, units: 100 - 2 * x })));
    await settle(account, demand, "succeeded");
    const scored = [
      await submit(account, "predict", { model: churn, input: { tenure: 2, tickets: 5 } }),
      await submit(account, "batch-predict", { model: churn, version: 1, inputs: churnRows(20).map(({ tenure, tickets }) => ({ tenure, tickets })) }),
    ];
    for (const id of scored) await settle(account, id, "succeeded");
    await settle(account, await submit(account, "drift-check", { model: churn }), "succeeded");
    await settle(account, await submit(account, "predict", { model: churn, input: { tenure: 1 } }), "failed");
    // A yearly schedule (never fires during a test) and a disabled hourly one (an interval fires at once when enabled).
    const yearly = expectStatus(await api<{ id: string }>("POST", "/schedules", { token: account.token, body: { name: "yearly-retrain", cron: "0 3 1 1 *", task: { type: "train", payload: { model: churn, algorithm: "logistic", label: "churned", rows: churnRows(60) } } } }), 201, "schedule");
    expectStatus(await api("PATCH", `/schedules/${yearly.id}`, { token: account.token, body: { cron: "0 4 1 1 *" } }), 200, "move schedule");
    expectStatus(await api("POST", "/schedules", { token: account.token, body: { name: "hourly-score", every: 3_600_000, enabled: false, task: { type: "predict", payload: { model: churn, input: { tenure: 3, tickets: 1 } } } } }), 201, "schedule");
  }));

  // A training long enough to catch running, on a worker that then dies without finishing it.
  const [first] = accounts as [Account, ...Account[]];
  const running = await submit(first, "train", { model: "churn-0", algorithm: "logistic", label: "churned", rows: churnRows(5_000), options: { epochs: 5_000 } });
  const seen = await eventually(() => api<TaskView>("GET", `/tasks/${running}`, { token: first.token }), (reply) => reply.body.status !== "queued", 15_000, 20);
  if (seen.body.status !== "running") throw new Error(`the long training was ${seen.body.status} before the worker could be killed`);
  worker.killNow();
  await worker.child.exited();

  // With no worker left, these stay queued; one per user is cancelled while queued.
  const unfinished = [running];
  await Promise.all(accounts.map(async (account, i) => {
    const queued = [
      await submit(account, "predict", { model: `churn-${i}`, input: { tenure: 10, tickets: 2 } }, 8),
      await submit(account, "batch-predict", { model: `churn-${i}`, inputs: churnRows(5).map(({ tenure, tickets }) => ({ tenure, tickets })) }),
      await submit(account, "train", { model: `demand-${i}`, algorithm: "linear", label: "units", rows: [{ price: 1, units: 98 }, { price: 2, units: 96 }, { price: 3, units: 94 }] }),
    ];
    const cancelled = await submit(account, "predict", { model: `churn-${i}`, input: { tenure: 1, tickets: 9 } });
    expectStatus(await api("POST", `/tasks/${cancelled}/cancel`, { token: account.token }), 200, "cancel");
    unfinished.push(...queued);
  }));
  return { accounts, unfinished };
}

/** Everything the API serves about the filled system: each user's tasks, schedules, models and versions. */
export async function apiView(api: HttpClient, accounts: Account[]) {
  const get = async <T>(path: string, token: string) => expectStatus(await api<T>("GET", path, { token }), 200, `GET ${path}`);
  const users = await Promise.all(accounts.map(async ({ email, token }) => {
    const tasks: TaskView[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await get<{ items: TaskView[]; nextCursor?: string | null }>(`/tasks?limit=100${cursor ? `&cursor=${cursor}` : ""}`, token);
      tasks.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const models = await get<{ items: { name: string }[] }>("/models", token);
    const versions = await Promise.all(models.items.map(async ({ name }) => {
      const listed = await get<{ versions: { version: number }[] }>(`/models/${name}`, token);
      return { listed, details: await Promise.all(listed.versions.map(({ version }) => get(`/models/${name}/versions/${version}`, token))) };
    }));
    return { email, tasks: tasks.sort((a, b) => a.id.localeCompare(b.id)), schedules: await get<unknown>("/schedules", token), models, versions };
  }));
  return { users };
}

/** The statuses of `ids`, read through the API, until every one is final (or `timeoutMs`). */
export async function waitUntilFinal(api: HttpClient, accounts: Account[], ids: string[], timeoutMs = 60_000): Promise<Record<string, string>> {
  const read = async () => {
    const statuses: Record<string, string> = {};
    for (const account of accounts) {
      for (const id of ids.filter((id) => !(id in statuses))) {
        const reply = await api<TaskView>("GET", `/tasks/${id}`, { token: account.token });
        if (reply.status === 200) statuses[id] = reply.body.status;
      }
    }
    return statuses;
  };
  return eventually(read, (statuses) => ids.every((id) => FINAL.includes(statuses[id] ?? "")), timeoutMs, 250);
}
