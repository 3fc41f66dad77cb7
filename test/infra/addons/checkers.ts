// Prometheus's and Alertmanager's own checkers, run on generated files. CI installs them with the
// Debian packages named here (.ci/run).
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
