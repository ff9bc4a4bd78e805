"""Ship bytecode instead of source: the stdlib zip and the wheels, compiled by Pyodide itself.

Pyodide's npm stdlib zip and the PyPI wheels hold `.py` sources only, so every page visit used to
compile each imported module from source in WebAssembly (measured: Python start-up and the
SDK/widgets imports were most of the time to interactive). A selected `X.py` member becomes
`X.pyc` (unchecked-hash pyc, the sourceless layout that zipimport and the path finder load),
compiled by the same Pyodide on Node.js (`tools/runtime_pyc.mjs`) so the magic number matches.
Code objects carry no column ranges (PYTHONNODEBUGRANGES): a quarter smaller; bytecode is still
~1.4x larger than source after brotli, so only the modules pages import at start-up are compiled
(`tools/browser-hot-modules.json`, recorded by `python -m bench.hot_modules`); the rest stays
source. Wheels get a fresh RECORD, METADATA without its long description and no `.pyi` stubs;
members under `drop` prefixes are left out (e.g. the SDK wheel's `stigg_emulator/`). Results are
cached by input digest under `.cache/pyc/`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from runtime_wheels import sha256_of

HERE = Path(__file__).resolve().parent
# Bump when the transformation changes, so cached outputs are rebuilt.
FORMAT = "pyc-3"

COMPILE_PROGRAM = r"""
import base64, csv, hashlib, io, json, zipfile
import importlib.util
from importlib._bootstrap_external import _code_to_hash_pyc

def to_pyc(data, filename):
    code = compile(data, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))

probe = compile("x = 1", "probe", "exec")
if next(probe.co_positions())[2] is not None:
    raise SystemExit("PYTHONNODEBUGRANGES did not take effect: bytecode would carry columns")

def record_row(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, "sha256=" + digest, str(len(data))]

def transform(job):
    prefix = job["site"]
    drop = tuple(job["drop"])
    only = None if job["only"] is None else set(job["only"])
    out = []
    with zipfile.ZipFile("/work/" + job["source"]) as src:
        for info in src.infolist():
            name = info.filename
            if drop and name.startswith(drop):
                continue
            data = src.read(info)
            if name.endswith(".pyi") and job["wheel"]:
                continue  # type stubs: never read at run time
            if name.endswith(".dist-info/METADATA"):
                # The headers only: the long description (a README) is never read at run time.
                data = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0] + b"\n"
            hot = only is None or name in only
            if hot and name.endswith(".py") and ".dist-info/" not in name:
                try:
                    data, name = to_pyc(data, prefix + name), name + "c"
                except SyntaxError:
                    pass  # kept as source: Python reports the error if it is ever imported
            out.append((info, name, data))
    record = next((n for _, n, _ in out if n.endswith(".dist-info/RECORD")), None)
    if record is not None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for _, name, data in out:
            writer.writerow([record, "", ""] if name == record else record_row(name, data))
        out = [(i, n, buffer.getvalue().encode() if n == record else d) for i, n, d in out]
    with zipfile.ZipFile("/work/" + job["target"], "w", zipfile.ZIP_STORED) as dst:
        for info, name, data in out:
            member = zipfile.ZipInfo(name, date_time=info.date_time)
            member.external_attr = info.external_attr
            member.create_system = info.create_system
            dst.writestr(member, data)

for job in json.load(open("/work/jobs.json")):
    transform(job)
"""


@dataclass(frozen=True)
class Job:
    """Compile the archive `source` (a zip or a wheel)."""

    source: Path
    site: str  # the directory its members land in, for the code objects' file names
    drop: tuple[str, ...] = ()
    only: frozenset[str] | None = None  # member names to compile (None: every module)


def cached_path(job: Job, cache_dir: Path) -> Path:
    """Where the compiled archive of `job` is kept (same file name as its source)."""
    selection = json.dumps([sorted(job.drop), None if job.only is None else sorted(job.only)])
    digest = hashlib.sha256(selection.encode()).hexdigest()[:16]
    return cache_dir / f"{FORMAT}-{sha256_of(job.source)[:24]}-{digest}" / job.source.name


def compile_archives(jobs: list[Job], pyodide_dir: Path, cache_dir: Path) -> list[Path]:
    """The compiled archive of each job (built in one Node.js run for those not cached)."""
    outputs = [cached_path(job, cache_dir) for job in jobs]
    pending = [(job, out) for job, out in zip(jobs, outputs, strict=True) if not out.is_file()]
    if pending:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
            work = Path(tmp)
            specs = []
            for index, (job, _) in enumerate(pending):
                shutil.copyfile(job.source, work / f"in-{index}.zip")
                specs.append(
                    {
                        "source": f"in-{index}.zip",
                        "target": f"out-{index}.zip",
                        "site": job.site,
                        "drop": list(job.drop),
                        "only": None if job.only is None else sorted(job.only),
                        "wheel": job.source.suffix == ".whl",
                    }
                )
            (work / "jobs.json").write_text(json.dumps(specs))
            (work / "compile.py").write_text(COMPILE_PROGRAM)
            subprocess.run(
                ["node", str(HERE / "runtime_pyc.mjs"), str(pyodide_dir), str(work)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for index, (_, out) in enumerate(pending):
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(work / f"out-{index}.zip", out)
    return outputs
