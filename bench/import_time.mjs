// Where the browser runtime's Python start-up goes, measured in Node.js with the files `make runtime`
// builds (the same stdlib zip, wheels and bytecode a page gets). Usage:
//   node bench/import_time.mjs [--runs N] [--top K] [--paywall answer.json] [--json] [runtime dir]
// Times, in a fresh process per run, Pyodide's boot, the package load, the pages' imports and, with
// --paywall (an edge `paywall.json` answer), its first and second validation; prints the medians
// and the K modules with the largest median self time (PYTHONPROFILEIMPORTTIME, i.e. `python -X
// importtime`), or with --json every run's figures. `python -m bench import_time` runs it against
// the emulator's paywall.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [, value] = args.splice(at, 2);
  return Number(value);
};
const runs = option("--runs", 3);
const top = option("--top", 15);
const once = args.includes("--once");
const asJson = args.includes("--json");
const paywallAt = args.indexOf("--paywall");
const paywall = paywallAt < 0 ? null : path.resolve(args.splice(paywallAt, 2)[1]);
const runtime = path.resolve(args.find((arg) => !arg.startsWith("--")) ?? "build/runtime");

const STEPS = `
import json, time
def _timed(statement):
    start = time.perf_counter()
    exec(statement, {})
    return round((time.perf_counter() - start) * 1000, 1)
_steps = {
    "import stigg_client": _timed("import stigg_client"),
    "from stigg_client import Stigg": _timed("from stigg_client import Stigg"),
    "from widgets.browser import mount": _timed("from widgets.browser import mount"),
}
try:
    _answer = json.loads(open("/tmp/paywall.json").read())["data"]
except FileNotFoundError:
    pass
else:
    from stigg_client.core.queries import paywall_of
    _start = time.perf_counter()
    paywall_of(_answer)
    _steps["first paywall validation"] = round((time.perf_counter() - _start) * 1000, 1)
    _start = time.perf_counter()
    paywall_of(_answer)
    _steps["second paywall validation"] = round((time.perf_counter() - _start) * 1000, 1)
json.dumps(_steps)
`;

async function measure() {
  const manifest = JSON.parse(fs.readFileSync(path.join(runtime, "manifest.json"), "utf8"));
  const mjs = path.join(runtime, manifest.pyodide_mjs);
  const { loadPyodide } = await import(pathToFileURL(mjs).href);
  const importLines = [];
  const started = performance.now();
  const pyodide = await loadPyodide({
    indexURL: path.dirname(mjs) + path.sep,
    env: { PYTHONPROFILEIMPORTTIME: "1" },
    stdout: (line) => console.log(line),
    stderr: (line) => importLines.push(line),
  });
  const booted = performance.now();
  await pyodide.loadPackage(manifest.main_packages, { messageCallback: () => {} });
  const loaded = performance.now();
  if (paywall) pyodide.FS.writeFile("/tmp/paywall.json", fs.readFileSync(paywall));
  const steps = JSON.parse(await pyodide.runPythonAsync(STEPS));
  const self = {};
  for (const line of importLines) {
    const match = /^import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)/.exec(line);
    if (match) self[match[2]] = Number(match[1]) / 1000;
  }
  const phases = { boot: booted - started, "package load": loaded - booted, ...steps };
  return { phases, self };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

if (once) {
  console.log(JSON.stringify(await measure()));
} else {
  // A fresh process per run: nothing is imported twice.
  const results = [];
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--once", runtime, ...(paywall ? ["--paywall", paywall] : [])], {
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(child.stderr);
    results.push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
  }
  if (asJson) {
    console.log(JSON.stringify(results));
    process.exit(0);
  }
  console.log(`median of ${runs} runs (ms):`);
  for (const name of Object.keys(results[0].phases)) {
    const values = results.map((result) => result.phases[name]);
    console.log(`  ${name}: ${median(values).toFixed(1)}  (${values.map((v) => v.toFixed(0)).join(", ")})`);
  }
  const modules = Object.keys(results[0].self).map((name) => [
    name,
    median(results.map((result) => result.self[name] ?? 0)),
  ]);
  modules.sort((a, b) => b[1] - a[1]);
  console.log(`largest self times (median ms), ${modules.length} modules imported:`);
  for (const [name, ms] of modules.slice(0, top)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${name}`);
}
