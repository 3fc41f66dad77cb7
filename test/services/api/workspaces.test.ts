// Workspaces: everything outside the caller's workspaces answers exactly as a missing id does
// (reads, predictions, trainings and drift of another workspace's models included), roles decide
// what a member may do, and a removed or demoted member loses access within WORKSPACE_ROLE_CACHE_MS.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { eventually } from "../../../testing/polling.ts";
import { features, separable, stackForFile, versionKey } from "../worker/helpers.ts";

setDefaultTimeout(30_000);

const ROLE_CACHE_MS = 500;
const { stack, queues, token: alice, workspaceId: alicePersonal } = await stackForFile({ worker: true, env: { WORKSPACE_ROLE_CACHE_MS: String(ROLE_CACHE_MS) } });
const bob = await stack.user();
const carol = await stack.user();

const as = (token: string, workspaceId?: string): { token: string; headers: Record<string, string> } => ({
  token,
  headers: workspaceId ? { "workspace-id": workspaceId } : {},
});
const submitIn = (token: string, workspaceId: string | undefined, type: string, payload: object) =>
  stack.http("POST", "/tasks", { ...as(token, workspaceId), body: { type, payload } });
/** Submits and waits for the final state, acting in the workspace. */
async function runIn(token: string, workspaceId: string | undefined, type: string, payload: object) {
  const reply = await submitIn(token, workspaceId, type, payload);
  expect(reply.status).toBe(202);
  return (await stack.http("GET", `/tasks/${reply.body.id}?wait=10`, as(token, workspaceId))).body;
}
const trainIn = (token: string, workspaceId: string | undefined, model: string, seed: number) =>
  runIn(token, workspaceId, "train", { model, algorithm: "logistic", label: "y", rows: separable(seed, 200) });

describe("another user's personal workspace", () => {
  test("its models are invisible, and the same name in mine is mine alone: reads, predictions, trainings, drift", async () => {
    expect((await trainIn(alice, undefined, "churn", 1)).status).toBe("succeeded");
    const notFound = async (path: string) => {
      const [theirs, missing] = [await stack.http("GET", path, as(bob.token)), await stack.http("GET", path.replace("churn", "never-was"), as(bob.token))];
      expect([path, theirs.status, theirs.body]).toEqual([path, 404, { error: { code: "not_found", message: missing.body.error.message.replace("never-was", "churn") } }]);
    };
    await notFound("/models/churn");
    await notFound("/models/churn/versions/1");
    expect((await stack.http("GET", "/models", as(bob.token))).body).toEqual({ items: [] });

    // Predicting or checking drift with it: the same answer as for a model that does not exist.
    for (const [type, payload] of [["predict", { model: "churn", input: { x1: 9, x2: -9 } }], ["drift-check", { model: "churn" }]] as const) {
      const reply = await submitIn(bob.token, undefined, type, payload);
      expect([type, reply.status, reply.body.error.message]).toEqual([type, 422, '/payload/model: model "churn" does not exist']);
    }

    // Bob training "churn" makes his own version 1 and leaves Alice's model and predictions alone.
    const bobs = await trainIn(bob.token, undefined, "churn", 2);
    expect(bobs.result.version).toBe(1);
    const alices = await stack.db.model.findMany({ where: { workspaceId: alicePersonal, name: "churn" } });
    expect(alices.map((m) => m.version)).toEqual([1]);
    const predicted = await runIn(alice, undefined, "predict", { model: "churn", input: { x1: 0.5, x2: -0.5 } });
    expect(predicted.result).toMatchObject({ version: 1 });
    expect(predicted.modelVersion).toBe(1);

    // Bob's outliers are scored by his model: Alice's drift check never sees them.
    expect((await runIn(bob.token, undefined, "batch-predict", { model: "churn", inputs: features(3, 300, { x1: 8 }) })).status).toBe("succeeded");
    expect((await runIn(alice, undefined, "batch-predict", { model: "churn", inputs: features(4, 300) })).status).toBe("succeeded");
    const [aliceDrift, bobDrift] = [await runIn(alice, undefined, "drift-check", { model: "churn" }), await runIn(bob.token, undefined, "drift-check", { model: "churn" })];
    expect(aliceDrift.result).toMatchObject({ compared: 301, verdict: "stable" });
    expect(bobDrift.result).toMatchObject({ compared: 300, verdict: "major" });
  });

  test("naming it in the Workspace-Id header → 404, exactly as a workspace that does not exist", async () => {
    const theirs = await stack.http("GET", "/tasks", as(bob.token, alicePersonal));
    const missing = await stack.http("GET", "/tasks", as(bob.token, crypto.randomUUID()));
    expect([theirs.status, theirs.body]).toEqual([404, missing.body]);
    expect(missing.body).toEqual({ error: { code: "not_found", message: "workspace not found" } });
    expect((await stack.http("GET", "/tasks", as(bob.token, "not-a-uuid"))).status).toBe(422);
    expect((await stack.http("GET", `/workspaces/${alicePersonal}`, as(bob.token))).status).toBe(404);
  });

  test("a personal workspace has no other members", async () => {
    const reply = await stack.http("POST", `/workspaces/${alicePersonal}/members`, { token: alice, body: { email: bob.email, role: "viewer" } });
    expect(reply.status).toBe(409);
  });
});

describe("a shared workspace", () => {
  let team: string;

  test("its creator is admin; members are added by email with a role, and see its tasks and models", async () => {
    const created = await stack.http("POST", "/workspaces", { token: alice, body: { name: "Churn team" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Churn team", personal: false, role: "admin" });
    team = created.body.id;
    for (const [who, role] of [[bob, "member"], [carol, "viewer"]] as const) {
      const added = await stack.http("POST", `/workspaces/${team}/members`, { token: alice, body: { email: who.email, role } });
      expect([added.status, added.body.role]).toEqual([201, role]);
    }
    expect((await stack.http("POST", `/workspaces/${team}/members`, { token: alice, body: { email: bob.email, role: "viewer" } })).status).toBe(409);
    expect((await stack.http("POST", `/workspaces/${team}/members`, { token: alice, body: { email: "nobody@example.com", role: "viewer" } })).status).toBe(404);

    const mine = await stack.http("GET", "/workspaces", { token: bob.token });
    expect(mine.body.items.map((w: { personal: boolean; role: string }) => [w.personal, w.role])).toEqual([[true, "admin"], [false, "member"]]);
    const details = await stack.http("GET", `/workspaces/${team}`, { token: carol.token });
    expect(details.body.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [expect.stringContaining("@"), "admin"], [bob.email, "member"], [carol.email, "viewer"],
    ]);

    const trained = await trainIn(bob.token, team, "shared-model", 5);
    expect(trained.status).toBe("succeeded");
    expect((await stack.http("GET", `/tasks/${trained.id}`, as(carol.token, team))).status).toBe(200);
    expect((await stack.http("GET", "/models", as(carol.token, team))).body.items.map((m: { name: string }) => m.name)).toEqual(["shared-model"]);
    // The same task from the personal workspace: not found there.
    expect((await stack.http("GET", `/tasks/${trained.id}`, as(bob.token))).status).toBe(404);
    const version = await stack.db.model.findUniqueOrThrow({ where: versionKey(team, "shared-model", 1) });
    expect(version.trainedById).toBe(bob.id);
  });

  test("a viewer reads but cannot submit, cancel or schedule; a member cannot move aliases or delete versions (403)", async () => {
    const refused = [
      await submitIn(carol.token, team, "predict", { model: "shared-model", input: { x1: 1, x2: 1 } }),
      await stack.http("POST", "/schedules", { ...as(carol.token, team), body: { name: "nightly", cron: "0 3 * * *", task: { type: "drift-check", payload: { model: "shared-model" } } } }),
      await stack.http("PUT", "/models/shared-model/aliases/production", { ...as(bob.token, team), body: { version: 1 } }),
      await stack.http("DELETE", "/models/shared-model/versions/1", as(bob.token, team)),
      await stack.http("POST", `/workspaces/${team}/members`, { token: bob.token, body: { email: "x@example.com", role: "admin" } }),
    ];
    expect(refused.map((reply) => [reply.status, reply.body.error.code])).toEqual(Array(refused.length).fill([403, "forbidden"]));
    expect(refused[0]!.body.error.message).toBe("this needs the member role in the workspace (to submit and cancel tasks, manage schedules); you are a viewer");
    expect((await stack.http("PUT", "/models/shared-model/aliases/production", { ...as(alice, team), body: { version: 1 } })).status).toBe(200);
  });

  test("a demoted member loses the right within the role cache's time on every replica, a removed one loses the workspace", async () => {
    // A second API replica, whose role cache the change through the first cannot reach.
    const viaReplica = await stack.startReplica();
    const predictBody = { model: "shared-model", input: { x1: 1, x2: 1 } };
    const submitThere = () => viaReplica("POST", "/tasks", { ...as(bob.token, team), body: { type: "predict", payload: predictBody } });
    expect((await submitThere()).status).toBe(202); // its cache now holds "member"
    const demoted = await stack.http("PATCH", `/workspaces/${team}/members/${bob.id}`, { token: alice, body: { role: "viewer" } });
    expect([demoted.status, demoted.body.role]).toEqual([200, "viewer"]);
    const since = performance.now();
    expect((await submitIn(bob.token, team, "predict", predictBody)).status).toBe(403); // the replica that made the change: at once
    const refused = await eventually(submitThere, (reply) => reply.status === 403, 5_000, 50);
    expect(refused.status).toBe(403);
    expect(performance.now() - since).toBeLessThan(ROLE_CACHE_MS + 500);
    expect((await viaReplica("GET", "/tasks", as(bob.token, team))).status).toBe(200); // still a viewer

    expect((await stack.http("DELETE", `/workspaces/${team}/members/${bob.id}`, { token: alice })).status).toBe(204);
    const removedAt = performance.now();
    const gone = await eventually(() => viaReplica("GET", "/tasks", as(bob.token, team)), (reply) => reply.status === 404, 5_000, 50);
    expect(gone.body).toEqual({ error: { code: "not_found", message: "workspace not found" } });
    expect(performance.now() - removedAt).toBeLessThan(ROLE_CACHE_MS + 500);
    expect((await stack.http("GET", "/workspaces", { token: bob.token })).body.items).toHaveLength(1);
  });

  test("a workspace always keeps an admin", async () => {
    const alone = await stack.http("PATCH", `/workspaces/${team}/members/${(await stack.http("GET", `/workspaces/${team}`, { token: alice })).body.members[0].userId}`, { token: alice, body: { role: "member" } });
    expect([alone.status, alone.body.error.code]).toEqual([409, "conflict"]);
  });

  test("a schedule whose creator left the workspace stops submitting", async () => {
    const dave = await stack.user();
    await stack.http("POST", `/workspaces/${team}/members`, { token: alice, body: { email: dave.email, role: "member" } });
    const schedule = await stack.db.schedule.create({
      data: { id: Bun.randomUUIDv7(), workspaceId: team, ownerId: dave.id, name: "left behind", everyMs: 3_600_000n, taskType: "drift-check", payload: { model: "shared-model" } },
    });
    await stack.http("DELETE", `/workspaces/${team}/members/${dave.id}`, { token: alice });
    await Bun.sleep(ROLE_CACHE_MS + 100);
    // A firing, as its job scheduler would add it.
    const job = await queues.schedules.add("fire", { scheduleId: schedule.id }, { jobId: `firing-${schedule.id}` });
    expect(await eventually(() => job.getState(), (state) => state === "completed")).toBe("completed");
    expect(await stack.db.task.count({ where: { scheduleId: schedule.id } })).toBe(0);
  });
});
