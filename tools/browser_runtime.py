"""Assemble the browser runtime the demo site serves, into git-ignored `build/runtime/`.

Layout (every path segment that names a version or a content hash is immutable):

    build/runtime/
      manifest.json                      what demo_site needs: URLs, versions, package names
      pyodide/<version>/                 Pyodide core from node_modules/pyodide
        pyodide-lock.json                our own lock: exactly the wheels below
        wheels/<pinned wheel files>      from PyPI, pinned in tools/browser-wheels.json
        sdk/<sha256[:16]>/<sdk wheel>    the stigg-client wheel, built here
      pyscript/<version>/                @pyscript/core dist

Idempotent: unchanged inputs are not copied, downloaded, built or compressed again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from runtime_compress import precompress_tree
from runtime_lock import ServedWheel, build_lock
from runtime_pyc import Job, compile_archives
from runtime_repack import repack
from runtime_wheels import ensure_wheel, load_pins, sha256_of

REPO = Path(__file__).resolve().parents[1]
RUNTIME = REPO / "build" / "runtime"
WHEEL_CACHE = REPO / ".cache" / "wheels"
PYC_CACHE = REPO / ".cache" / "pyc"
SITE_PACKAGES = "/lib/python3.14/site-packages/"
STDLIB_DIR = "/lib/python314.zip/"
HOT_MODULES = Path(__file__).with_name("browser-hot-modules.json")
# Left out of what the browser downloads: what cannot work in a page, programs and developer
# tools, what the browser does itself, tests and packaging data. Nothing served imports a left-out
# module (import statements anywhere: Pyodide's own packages, the stdlib, the wheels, PyScript's
# stdlib, the page scripts) except code a page cannot reach, such as Windows-only branches,
# `help()` or process pools; tests/e2e/test_runtime_tools.py checks this and lists those.
# The SDK wheel's emulator, server-key client (`StiggServer`) and the widgets' build-time prerender
# CLI do not belong in a page; its widget docs and static assets are served to the browser by URL,
# never read by Python.
NOT_IN_BROWSER = (
    "stigg_emulator/",
    "stigg_client/server/",
    "stigg_client/transport/graphql_ws.py",
    "stigg_client/README.md",
    "widgets/prerender.py",
    "widgets/README.md",
    "widgets/static/",
)
PINNED_WHEEL_DROPS = (
    "pydantic/v1/",  # the pydantic 1 API: nothing imports it unless a user does explicitly
    "pydantic/mypy.py",  # a mypy plugin, loaded by mypy only
    # Opt-in experimental API (pipeline, arguments schema, MISSING): imported by nothing in
    # pydantic, its `__init__` lazy attributes included, nor by the SDK or widgets.
    "pydantic/experimental/",
    "annotated_types/test_cases.py",  # the package's test data
    "certifi/tests/",  # the package's tests
    "certifi/__main__.py",  # `python -m certifi`
    "charset_normalizer/cli/",  # the `normalizer` command line...
    "charset_normalizer/__main__.py",  # ...and its `python -m` entry
    "idna/cli.py",  # the `idna` command line...
    "idna/__main__.py",  # ...and its `python -m` entry
)
WHEEL_SBOMS = "sboms/"  # under each pinned wheel's .dist-info/ (see wheel_drops)
# Pyodide's zip itself already leaves out curses, tkinter, turtle, idlelib, venv, ensurepip and
# pydoc_data (every entry here must match something: tests/e2e/test_runtime_tools.py).
STDLIB_DROPS = (
    # Cannot work in a page: processes, listening sockets, mail and FTP protocols, terminals,
    # Windows/macOS/AIX-only modules, modules needing what Pyodide does not build.
    "multiprocessing/",
    "concurrent/futures/process.py",
    "asyncio/windows_events.py",
    "asyncio/windows_utils.py",
    "wsgiref/",
    "xmlrpc/",
    "http/server.py",
    "socketserver.py",
    "smtplib.py",
    "imaplib.py",
    "poplib.py",
    "ftplib.py",
    "getpass.py",
    "tty.py",
    "pty.py",
    "webbrowser.py",
    "shelve.py",  # needs `dbm`, which Pyodide does not ship
    "nturl2path.py",  # Windows paths; urllib.request imports it only when os.name == "nt"
    "encodings/mbcs.py",  # Windows code pages: their codec functions exist on Windows only
    "encodings/oem.py",
    "ctypes/macholib/",  # macOS dylib lookup
    "ctypes/_aix.py",  # AIX shared-object lookup
    # Programs, command lines and developer tools (REPL, debugger, profilers, test runners,
    # pydoc, compilers): a page has no command line, and the runtime ships its bytecode built.
    "_pyrepl/",
    "asyncio/__main__.py",  # the asyncio REPL
    "asyncio/tools.py",  # `python -m asyncio ps/pstree` inspects other processes
    "json/__main__.py",
    "json/tool.py",
    "zipfile/__main__.py",
    "sqlite3/__main__.py",  # the sqlite3 shell
    "sysconfig/__main__.py",
    "__phello__/",
    "__hello__.py",  # frozen-module test fixtures
    "pdb.py",
    "bdb.py",
    "cmd.py",  # terminal command loops (pdb's base)
    "pydoc.py",
    "doctest.py",
    "unittest/",
    "cProfile.py",
    "profile.py",
    "pstats.py",
    "timeit.py",
    "trace.py",
    "symtable.py",  # compiler symbol tables: an introspection tool
    "pickletools.py",
    "compileall.py",
    "tabnanny.py",
    "pyclbr.py",
    "modulefinder.py",
    "zipapp.py",
    "argparse.py",  # command-line parsing: only the stdlib's own `main()`s import it
    "optparse.py",
    "fileinput.py",  # iterates the files named on the command line, or stdin
    "this.py",
    "antigravity.py",
    # Pure-Python fallbacks of modules Pyodide builds in C.
    "_pyio.py",  # the C `_io` is built in
    "_pydatetime.py",  # the C `_datetime` is built in
    # What the browser does for a page: it parses XML and HTML (DOMParser, the DOM itself), and
    # a page's settings arrive as JSON (PyScript config, the stigg-config element), not as TOML
    # files (configparser stays: logging.config.fileConfig uses it). Mail composition and mail
    # boxes are useless without a mail protocol; robots.txt is for crawlers.
    "xml/dom/",
    "xml/sax/",
    "xml/etree/",
    "html/parser.py",
    "_markupbase.py",  # html.parser's base class
    "tomllib/",
    "email/mime/",
    "mailbox.py",
    "urllib/robotparser.py",
)
SDK_DIST = REPO / ".cache" / "sdk-dist"
PYODIDE_NPM = REPO / "node_modules" / "pyodide"
PYSCRIPT_NPM = REPO / "node_modules" / "@pyscript" / "core"
PYODIDE_CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB_ZIP = "python_stdlib.zip"
SDK_SOURCES = ("stigg_client", "widgets", "stigg_emulator", "pyproject.toml", "README.md")
# What the demo pages ask PyScript for: the SDK (its lock entry pulls in pydantic), plus the
# sync transport used in PyScript workers.
MAIN_PACKAGES = ("stigg-client",)
WORKER_PACKAGES = ("stigg-client", "pyodide-http", "requests")


def log(message: str) -> None:
    """Progress line on stderr."""
    print(f"[runtime] {message}", file=sys.stderr, flush=True)


def npm_version(package_dir: Path) -> str:
    """The version in an installed npm package's package.json."""
    return str(json.loads((package_dir / "package.json").read_text())["version"])


def sync_file(source: Path, target: Path) -> bool:
    """Copy `source` to `target` unless identical content is already there."""
    same_size = target.is_file() and target.stat().st_size == source.stat().st_size
    if same_size and sha256_of(target) == sha256_of(source):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    partial.replace(target)
    return True


def prune(directory: Path, keep: set[str]) -> None:
    """Remove entries of `directory` whose names are not in `keep`."""
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        if entry.name not in keep:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def hot_modules(kind: str) -> frozenset[str]:
    """Member names of `kind` ("stdlib" or "site-packages") pages import at start-up."""
    return frozenset(json.loads(HOT_MODULES.read_text())[kind])


def bytecode(job: Job) -> Path:
    """`job`'s archive with bytecode in place of sources (tools/runtime_pyc.py)."""
    return compile_archives([job], PYODIDE_NPM, PYC_CACHE)[0]


def copy_pyodide(target: Path, root: Path) -> None:
    """Copy the Pyodide core files (not its lock: ours replaces it); the stdlib zip compiled."""
    changed = [name for name in PYODIDE_CORE_FILES if sync_file(PYODIDE_NPM / name, target / name)]
    job = Job(PYODIDE_NPM / STDLIB_ZIP, STDLIB_DIR, STDLIB_DROPS, hot_modules("stdlib"))
    stdlib = bytecode(job)
    if repack(stdlib, target / STDLIB_ZIP, root):
        changed.append(STDLIB_ZIP + " (compiled, stored)")
    if changed:
        log(f"pyodide core copied: {', '.join(changed)}")


def copy_pyscript(target: Path) -> None:
    """Copy the @pyscript/core dist (source maps left out)."""
    dist = PYSCRIPT_NPM / "dist"
    names = {p.name for p in dist.iterdir() if p.is_file() and not p.name.endswith(".map")}
    changed = [name for name in sorted(names) if sync_file(dist / name, target / name)]
    variants = {n + s for n in names for s in (".br", ".gz", ".br.skip", ".gz.skip")}
    prune(target, names | variants)
    if changed:
        log(f"pyscript copied: {len(changed)} files")


def source_digest() -> str:
    """A digest of everything that goes into the SDK wheel."""
    digest = hashlib.sha256()
    for name in SDK_SOURCES:
        root = REPO / name
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(REPO)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_sdk_wheel() -> Path:
    """Build the stigg-client wheel with the standard backend, once per source digest."""
    out = SDK_DIST / source_digest()
    existing = sorted(out.glob("stigg_client-*.whl"))
    if existing:
        return existing[0]
    log("building the stigg-client wheel")
    with tempfile.TemporaryDirectory(dir=REPO / ".cache") as tmp:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp, REPO],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        built = sorted(Path(tmp).glob("stigg_client-*.whl"))
        if len(built) != 1:
            raise RuntimeError(f"expected one stigg_client wheel, got {built}")
        out.mkdir(parents=True, exist_ok=True)
        shutil.move(built[0], out / built[0].name)
    prune(SDK_DIST, {out.name})
    return out / built[0].name


def wheel_drops(filename: str) -> tuple[str, ...]:
    """Member prefixes left out of the pinned wheel `filename`: PINNED_WHEEL_DROPS and its
    software bill of materials (PEP 770 `.dist-info/sboms/`, read by supply-chain tools only;
    the verified original stays in the wheel cache)."""
    name, version = filename.split("-")[:2]
    return (*PINNED_WHEEL_DROPS, f"{name}-{version}.dist-info/{WHEEL_SBOMS}")


def serve_wheels(pyodide_dir: Path, root: Path) -> list[ServedWheel]:
    """Place the pinned wheels and the SDK wheel (its browser part) beside pyodide.mjs, compiled
    to bytecode and stored."""
    pins = load_pins()
    served: list[ServedWheel] = []
    cached = [ensure_wheel(pins, pin, WHEEL_CACHE) for pin in pins.wheels]
    built = build_sdk_wheel()
    hot = hot_modules("site-packages")
    jobs = [Job(wheel, SITE_PACKAGES, wheel_drops(wheel.name), hot) for wheel in cached]
    jobs.append(Job(built, SITE_PACKAGES, NOT_IN_BROWSER))
    *compiled, sdk = compile_archives(jobs, PYODIDE_NPM, PYC_CACHE)
    for pin, wheel in zip(pins.wheels, compiled, strict=True):
        target = pyodide_dir / "wheels" / pin.filename
        repack(wheel, target, root)
        served.append(ServedWheel(target, f"wheels/{pin.filename}", sha256_of(target)))
    prune(pyodide_dir / "wheels", _with_variants({p.filename for p in pins.wheels}))
    sdk_sha = sha256_of(sdk)
    sdk_dir = pyodide_dir / "sdk" / sdk_sha[:16]
    sync_file(sdk, sdk_dir / sdk.name)
    prune(pyodide_dir / "sdk", {sdk_dir.name})
    served.append(ServedWheel(sdk_dir / sdk.name, f"sdk/{sdk_dir.name}/{sdk.name}", sdk_sha))
    return served


def _with_variants(names: set[str]) -> set[str]:
    return names | {n + s for n in names for s in (".br", ".gz", ".br.skip", ".gz.skip")}


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it (keeps mtimes, and so compression, stable)."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def assemble(root: Path = RUNTIME) -> dict[str, Any]:
    """Build or refresh the whole runtime under `root`; return the manifest."""
    started = time.monotonic()
    pyodide_version = npm_version(PYODIDE_NPM)
    pyscript_version = npm_version(PYSCRIPT_NPM)
    pyodide_dir = root / "pyodide" / pyodide_version
    pyscript_dir = root / "pyscript" / pyscript_version
    prune(root / "pyodide", {pyodide_version})
    prune(root / "pyscript", {pyscript_version})
    copy_pyodide(pyodide_dir, root)
    copy_pyscript(pyscript_dir)
    served = serve_wheels(pyodide_dir, root)
    core_lock = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text())
    lock = build_lock(core_lock, served)
    if write_if_changed(pyodide_dir / "pyodide-lock.json", json.dumps(lock, indent=1) + "\n"):
        log(f"pyodide-lock.json written: {len(lock['packages'])} packages")
    precompress_tree(root)
    sdk = next(w for w in served if w.file_name.startswith("sdk/"))
    manifest: dict[str, Any] = {
        "pyodide_version": pyodide_version,
        "pyscript_version": pyscript_version,
        "python": core_lock["info"]["python"],
        "pyodide_mjs": f"pyodide/{pyodide_version}/pyodide.mjs",
        "pyodide_lock": f"pyodide/{pyodide_version}/pyodide-lock.json",
        "pyscript_js": f"pyscript/{pyscript_version}/core.js",
        "pyscript_css": f"pyscript/{pyscript_version}/core.css",
        "sdk_wheel": f"pyodide/{pyodide_version}/{sdk.file_name}",
        "sdk_sha256": sdk.sha256,
        "main_packages": list(MAIN_PACKAGES),
        "worker_packages": list(WORKER_PACKAGES),
        "packages": {k: v["version"] for k, v in lock["packages"].items()},
    }
    write_if_changed(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    log(f"ready in {time.monotonic() - started:.1f}s: {root.relative_to(REPO)}")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (`make runtime`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=RUNTIME, help="output folder")
    args = parser.parse_args(argv)
    (REPO / ".cache").mkdir(exist_ok=True)
    assemble(args.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
