// Run tests/pyodide/engine_summary.py under Pyodide in Node, offline: the wheels named on the command line are
// unpacked into site-packages (no micropip, no network), the register is copied into Pyodide's file system.
// Usage: node run_in_pyodide.mjs PYODIDE_DIR SUMMARY_PY REGISTER WHEEL...
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const [pyodideDir, summaryPath, registerPath, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(`${pyodideDir}/pyodide.mjs`);
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/` });
process.stderr.write(`pyodide ${pyodide.version}\n`);
pyodide.FS.mkdirTree("/wheels");
for (const wheel of wheels) {
  pyodide.FS.writeFile(`/wheels/${basename(wheel)}`, readFileSync(wheel));
}
pyodide.FS.writeFile("/register.xlsx", readFileSync(registerPath));
pyodide.runPython(`
import os, site, sys, zipfile
target = site.getsitepackages()[0]
for name in sorted(os.listdir("/wheels")):
    zipfile.ZipFile("/wheels/" + name).extractall(target)
print("python", sys.version.split()[0], sys.platform, file=sys.stderr)
`);
pyodide.globals.set("SUMMARY_SOURCE", readFileSync(summaryPath, "utf8"));
const output = pyodide.runPython(`
import json
namespace = {"__name__": "engine_summary"}
exec(SUMMARY_SOURCE, namespace)
json.dumps(namespace["summary"]("/register.xlsx"), sort_keys=True)
`);
process.stdout.write(output + "\n");
