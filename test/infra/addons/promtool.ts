// Runs Prometheus's own rule checker on generated files. CI installs it with the Debian package.
export function promtool(...args: string[]): { ok: boolean; output: string } {
  const bin = Bun.which("promtool");
  if (!bin) throw new Error("promtool is not installed: `apt-get install -y prometheus` (Debian package) provides it");
  const run = Bun.spawnSync([bin, ...args]);
  return { ok: run.exitCode === 0, output: `${run.stdout.toString()}${run.stderr.toString()}` };
}
