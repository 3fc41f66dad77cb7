// The docs page as a person sees it: headless Chromium renders /openapi from our own assets
// (no internet here), and every route shows up.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack, type TestStack } from "../harness.ts";

const CHROMIUM = Bun.which("chromium") ?? Bun.which("chromium-browser");

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

test("Chromium renders the docs page with every operation", async () => {
  if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install chromium (CI's .ci/run does)");
  const profile = mkdtempSync(join(tmpdir(), "mlts-chromium-"));
  try {
    const chromium = Bun.spawn(
      [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        `--user-data-dir=${profile}`, "--virtual-time-budget=10000", "--dump-dom", `${stack.api.url}/openapi`,
      ],
      { stdout: "pipe", stderr: "ignore" },
    );
    const dom = await new Response(chromium.stdout).text();
    await chromium.exited;
    expect(dom).toContain("ml-task-scheduler API");
    for (const path of ["/auth/login", "/tasks", "/tasks/{id}/events", "/models/{name}", "/schedules/{id}", "/health/ready"]) {
      expect(dom).toContain(`data-path="${path}"`);
    }
    expect(dom).toContain("Submit a task");
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}, 60_000);
