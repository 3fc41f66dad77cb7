// Prometheus's and Alertmanager's own checkers, run on generated files. CI installs them with the
// Debian packages named here (.ci/run).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../testing/ports.ts";
import { Child, type Owned, own } from "../../../testing/processes.ts";

function checker(command: string, debianPackage: string) {
  return (...args: string[]): { ok: boolean; output: string; stdout: string } => {
    const bin = Bun.which(command);
    if (!bin) throw new Error(`${command} is not installed: \`apt-get install -y ${debianPackage}\` (Debian package) provides it`);
    const run = Bun.spawnSync([bin, ...args]);
    return { ok: run.exitCode === 0, output: `${run.stdout.toString()}${run.stderr.toString()}`, stdout: run.stdout.toString() };
  };
}

export const promtool = checker("promtool", "prometheus");
export const amtool = checker("amtool", "prometheus-alertmanager");

/**
 * Alertmanager itself (the same Debian package's daemon) on a free loopback port with its own
 * storage, for what amtool cannot show: which firing alerts an inhibition rule suppresses.
 */
export class AlertmanagerInstance implements Owned {
  private constructor(
    private readonly child: Child,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(configFile: string): Promise<AlertmanagerInstance> {
    const bin = Bun.which("prometheus-alertmanager") ?? Bun.which("alertmanager");
    if (!bin) throw new Error("Alertmanager is not installed: `apt-get install -y prometheus-alertmanager` (Debian package) provides it");
    const dir = mkdtempSync(join(tmpdir(), "mlts-alertmanager-"));
    const port = freePort();
    const child = new Child("alertmanager", [
      bin, `--config.file=${configFile}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=",
    ], { PATH: process.env.PATH ?? "" });
    const instance = own(new AlertmanagerInstance(child, dir, `http://127.0.0.1:${port}`));
    await child.serving(`${instance.url}/-/ready`);
    return instance;
  }

  /** Fires alerts with these label sets (they stay firing for Alertmanager's resolve timeout). */
  async fire(...alerts: Record<string, string>[]): Promise<void> {
    const response = await fetch(`${this.url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(alerts.map((labels) => ({ labels }))) });
    if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
  }

  /** Resolves every alert, so the next check starts from none firing. */
  async resolveAll(): Promise<void> {
    const alerts = (await (await fetch(`${this.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
    const endsAt = new Date().toISOString();
    await fetch(`${this.url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(alerts.map(({ labels }) => ({ labels, endsAt }))) });
  }

  /** The state of each firing alert by name: `active`, or `suppressed` (inhibited or silenced). */
  async states(): Promise<Record<string, string>> {
    const alerts = (await (await fetch(`${this.url}/api/v2/alerts`)).json()) as { labels: { alertname: string }; status: { state: string } }[];
    return Object.fromEntries(alerts.map((a) => [a.labels.alertname, a.status.state]));
  }

  killNow(): void {
    this.child.proc.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async destroy(): Promise<void> {
    await this.child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
