// Compile Python archives to bytecode inside Pyodide running on Node.js, so the .pyc files carry
// exactly the browser interpreter's magic number. Usage:
//   node tools/runtime_pyc.mjs <pyodide dir> <work dir>
// <work dir>/jobs.json lists {source, target, kind, site, drop} (paths relative to <work dir>);
// tools/runtime_pyc.py writes it and the Python program (compile.py) this runs.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, workDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
// No column ranges in code objects (tracebacks keep their line numbers, lose the ^^^ markers):
// measured a quarter smaller bytecode after brotli.
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdout: console.log,
  env: { PYTHONNODEBUGRANGES: "1" },
});
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(workDir) }, "/work");
const program = pyodide.FS.readFile("/work/compile.py", { encoding: "utf8" });
await pyodide.runPythonAsync(program);
