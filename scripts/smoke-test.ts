/**
 * A real round trip through an API: readiness, a new user, a training task, and its result.
 * Blue/green's pre-promotion analysis runs it against the preview (exit 0 = promote).
 *
 *   bun scripts/smoke-test.ts http://api-preview.mlts.svc.cluster.local
 */

/** Throws with what failed; resolves with the id of the task that succeeded. */
async function smokeTest(baseUrl: string): Promise<string> {
  const base = baseUrl.replace(/\/$/, "");
  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      signal: AbortSignal.timeout(60_000),
    });
  const expectStatus = async (response: Response, status: number, what: string): Promise<Record<string, unknown>> => {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== status) throw new Error(`${what}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  await expectStatus(await call("/health/ready"), 200, "readiness");
  const credentials = { email: `smoke-${crypto.randomUUID()}@smoke-test.internal`, password: crypto.randomUUID() };
  await expectStatus(await call("/auth/register", { method: "POST", body: JSON.stringify(credentials) }), 201, "register");
  const { token } = (await expectStatus(await call("/auth/login", { method: "POST", body: JSON.stringify(credentials) }), 200, "login")) as { token: string };
  const rows = [1, 2, 3, 24, 36, 48].map((tenure, i) => ({ tenure, churned: i < 3 ? 1 : 0 }));
  const task = { type: "train", payload: { model: `smoke-${Date.now()}`, algorithm: "logistic", label: "churned", rows } };
  const { id } = (await expectStatus(await call("/tasks", { method: "POST", token, body: JSON.stringify(task) }), 202, "submit")) as { id: string };
  const done = await expectStatus(await call(`/tasks/${id}?wait=50`, { token }), 200, "result");
  if (done.status !== "succeeded") throw new Error(`the training task ended ${String(done.status)}: ${JSON.stringify(done.error)}`);
  return id;
}

if (import.meta.main) {
  const base = process.argv[2];
  if (!base) throw new Error("usage: bun scripts/smoke-test.ts <api base url>");
  console.log(`smoke test passed: task ${await smokeTest(base)} succeeded`);
}
