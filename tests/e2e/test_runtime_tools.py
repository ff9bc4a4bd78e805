"""The runtime build steps: wheel download and verification, lock generation, precompression."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import re
import sys
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import brotli
import pytest

from demo_site.assets import accepted_encodings
from demo_site.settings import REPO

sys.path.insert(0, str(REPO / "tools"))

import runtime_compress
import runtime_repack
from browser_runtime import (
    NOT_IN_BROWSER,
    PINNED_WHEEL_DROPS,
    STDLIB_DROPS,
    STDLIB_ZIP,
    WHEEL_SBOMS,
    wheel_drops,
)
from runtime_lock import ServedWheel, build_lock, pyodide_environment, wheel_imports
from runtime_wheels import PinFile, WheelPin, ensure_wheel, file_url, load_pins

CORE_INFO = {"abi_version": "2026_0", "arch": "wasm32", "platform": "emscripten_5_0_3"}
CORE_LOCK = {"info": {**CORE_INFO, "python": "3.14.2"}, "packages": {"numpy": {}}}


def make_wheel(
    directory: Path, name: str, version: str, requires: list[str], files: list[str]
) -> Path:
    """A minimal wheel with METADATA and the given module files."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = directory / f"{dist}-py3-none-any.whl"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    meta += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{dist}.dist-info/METADATA", "\n".join(meta) + "\n")
        archive.writestr(f"{dist}.dist-info/RECORD", "")
        for file in files:
            archive.writestr(file, "")
    return path


def served(path: Path) -> ServedWheel:
    return ServedWheel(path, f"wheels/{path.name}", hashlib.sha256(path.read_bytes()).hexdigest())


def test_lock_depends_come_from_metadata_evaluated_for_pyodide(tmp_path: Path) -> None:
    app = make_wheel(
        tmp_path,
        "my-app",
        "1.0",
        [
            "dep-a>=1",
            'httpx>=0.28; sys_platform != "emscripten"',
            'extra-only; extra == "server"',
            'py314-only; python_version >= "3.14"',
            'old-python; python_version < "3.12"',
        ],
        ["my_app/__init__.py", "my_app/core.py", "helper.py", "my_app-1.0.data/x"],
    )
    dep_a = make_wheel(tmp_path, "Dep_A", "1.2", [], ["dep_a.py"])
    py314 = make_wheel(tmp_path, "py314-only", "0.1", [], ["py314_only/__init__.py"])
    lock = build_lock(CORE_LOCK, [served(app), served(dep_a), served(py314)])
    assert lock["info"] == CORE_LOCK["info"]
    assert set(lock["packages"]) == {"my-app", "dep-a", "py314-only"}
    entry = lock["packages"]["my-app"]
    assert entry["depends"] == ["dep-a", "py314-only"]
    assert entry["imports"] == ["helper", "my_app"]
    assert entry["file_name"] == f"wheels/{app.name}"
    assert entry["sha256"] == hashlib.sha256(app.read_bytes()).hexdigest()
    assert entry["install_dir"] == "site"


def test_lock_refuses_a_missing_or_out_of_range_dependency(tmp_path: Path) -> None:
    app = make_wheel(tmp_path, "app", "1.0", ["dep>=2"], ["app.py"])
    with pytest.raises(ValueError, match="not served"):
        build_lock(CORE_LOCK, [served(app)])
    old = make_wheel(tmp_path, "dep", "1.5", [], ["dep.py"])
    with pytest.raises(ValueError, match=r"served 1\.5"):
        build_lock(CORE_LOCK, [served(app), served(old)])


def test_pyodide_environment_is_emscripten_314() -> None:
    env = pyodide_environment("3.14.2")
    assert env["sys_platform"] == "emscripten"
    assert env["python_version"] == "3.14"
    assert env["platform_machine"] == "wasm32"


def test_wheel_imports_of_the_real_pydantic_core_wheel() -> None:
    pins = json.loads((REPO / "tools" / "browser-wheels.json").read_text())["wheels"]
    core = next(p for p in pins if p["project"] == "pydantic-core")
    cached = REPO / ".cache" / "wheels" / core["filename"]
    if not cached.is_file():
        pytest.skip("runtime not built yet")
    assert wheel_imports(cached) == ["pydantic_core"]


class _Index(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def local_index(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tiny PyPI-like index on loopback: /pypi/<project>/json and files at relative URLs."""
    root = tmp_path / "index"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Index, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def publish(root: Path, project: str, version: str, wheel: Path, listed_sha: str) -> None:
    files = root / "packages" / "ab"
    files.mkdir(parents=True, exist_ok=True)
    (files / wheel.name).write_bytes(wheel.read_bytes())
    entry = {
        "filename": wheel.name,
        "url": f"../../packages/ab/{wheel.name}",
        "digests": {"sha256": listed_sha},
    }
    doc = {"releases": {version: [entry]}, "urls": []}
    (root / "pypi" / project).mkdir(parents=True, exist_ok=True)
    (root / "pypi" / project / "json").write_text(json.dumps(doc))


def test_wheel_found_by_name_resolved_relative_and_verified(
    tmp_path: Path, local_index: tuple[str, Path]
) -> None:
    base, root = local_index
    wheel = make_wheel(tmp_path, "tiny", "1.0", [], ["tiny.py"])
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    publish(root, "tiny", "1.0", wheel, digest)
    pins = PinFile(index=base + "/pypi/{project}/json", wheels=())
    pin = WheelPin("tiny", "1.0", wheel.name, digest)
    cache = tmp_path / "cache"
    fetched = ensure_wheel(pins, pin, cache)
    assert fetched.read_bytes() == wheel.read_bytes()
    (root / "packages" / "ab" / wheel.name).write_bytes(b"changed upstream")
    assert ensure_wheel(pins, pin, cache) == fetched  # served from the verified cache
    fetched.write_bytes(b"corrupt")
    with pytest.raises(RuntimeError, match="downloaded sha256"):
        ensure_wheel(pins, pin, cache)


def test_pin_disagreeing_with_the_index_is_refused() -> None:
    pin = WheelPin("tiny", "1.0", "tiny-1.0-py3-none-any.whl", "a" * 64)
    doc = {
        "releases": {
            "1.0": [{"filename": pin.filename, "url": "x", "digests": {"sha256": "b" * 64}}]
        }
    }
    with pytest.raises(RuntimeError, match="PyPI lists"):
        file_url("https://example.invalid/pypi/tiny/json", doc, pin)
    good = {
        "releases": {"1.0": [{"filename": pin.filename, "url": "../../p/t.whl", "digests": {}}]}
    }
    assert file_url("https://h.invalid/pypi/tiny/json", good, pin) == "https://h.invalid/p/t.whl"


def test_precompress_keeps_only_worthwhile_variants(tmp_path: Path) -> None:
    text = tmp_path / "app.js"
    text.write_bytes(b"console.log('stigg');\n" * 500)
    noise = tmp_path / "noise.wasm"
    noise.write_bytes(
        b"".join(hashlib.sha256(bytes([i % 256, i // 256])).digest() for i in range(4000))
    )
    assert runtime_compress.precompress_tree(tmp_path) == 2
    assert brotli.decompress((tmp_path / "app.js.br").read_bytes()) == text.read_bytes()
    assert gzip.decompress((tmp_path / "app.js.gz").read_bytes()) == text.read_bytes()
    assert not (tmp_path / "noise.wasm.br").exists()
    assert (tmp_path / "noise.wasm.br.skip").exists()
    before = (tmp_path / "app.js.br").stat().st_mtime_ns
    assert runtime_compress.precompress_tree(tmp_path) == 2
    assert (tmp_path / "app.js.br").stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("GZIP ; q=1.0", {"gzip"}),
        ("br;q=oops", set()),
        ("", set()),
    ],
)
def test_accept_encoding_parsing(header: str, expected: set[str]) -> None:
    assert accepted_encodings(header) == expected


def test_restored_wheel_keeps_members_and_is_written_once(tmp_path: Path) -> None:
    source = tmp_path / "src" / "pkg-1.0-py3-none-any.whl"
    source.parent.mkdir()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/__init__.py", "x = 1\n" * 200)
        archive.writestr("pkg-1.0.dist-info/METADATA", "Name: pkg\nVersion: 1.0\n")
    root = tmp_path / "runtime"
    target = root / "wheels" / source.name
    assert runtime_repack.repack(source, target, root) is True
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target) as after:
        assert before.namelist() == after.namelist()
        assert all(i.compress_type == zipfile.ZIP_STORED for i in after.infolist())
        assert all(before.read(n) == after.read(n) for n in before.namelist())
    assert runtime_repack.repack(source, target, root) is False
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr("pkg/extra.py", "")
    assert runtime_repack.repack(source, target, root) is True


# What the runtime leaves out (tools/browser_runtime.py): absent from what is served, imported by
# nothing served, and none of it among the modules the pages were recorded importing.

PYODIDE_STDLIB = REPO / "node_modules" / "pyodide" / STDLIB_ZIP
PYSCRIPT_STDLIB = REPO / "node_modules" / "@pyscript" / "core" / "src" / "stdlib"
IMPORT = re.compile(
    r"^([ \t]*)(?:import[ \t]+([\w., \t]+)"
    r"|from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+))",
    re.M,
)
IMPORT_MODULE = re.compile(r"""(?:import_module|__import__)\(\s*['"]([\w.]+)['"]""")
# Code a page never runs: command-line entry points, `python -m` blocks, type-checking blocks.
NEVER_RUN = re.compile(
    r"[ \t]*(?:(?:async[ \t]+)?def[ \t]+(?:main|_main|_parse_args|_test)\b"
    r"|if[ \t]+__name__[ \t]*==|if[ \t]+(?:typing\.)?TYPE_CHECKING\b)"
)
# Where something served imports a left-out module anyway, and why a page never gets there.
UNREACHABLE_IMPORTS = {
    "_pydatetime": {"datetime"},  # the fallback if the built-in C `_datetime` fails
    "_pyrepl.main": {"site"},  # the interactive REPL (no console in a page)
    "_pyrepl.readline": {"site"},
    "_pyrepl.unix_console": {"site"},
    "_pyrepl.windows_console": {"site"},
    "asyncio.windows_events": {"asyncio", "asyncio.events"},  # sys.platform == "win32"
    "concurrent.futures.process": {"concurrent.futures"},  # ProcessPoolExecutor: processes
    "ctypes._aix": {"ctypes.util"},  # sys.platform.startswith("aix")
    "ctypes.macholib.dyld": {"ctypes.util"},  # sys.platform == "darwin"
    "ftplib": {"urllib.request"},  # ftp:// URLs
    "multiprocessing.queues": {"logging.config"},  # multiprocessing queues: processes
    "pydantic.v1": {"pydantic._internal._generate_schema"},  # only for pydantic 1 models
    "pydoc": {"_sitebuiltins"},  # help(), for the interactive REPL
    "smtplib": {"logging.handlers"},  # SMTPHandler: mail
    "socketserver": {"logging.config"},  # logging.config.listen(): a listening socket
}


def module_of(member: str) -> tuple[str, bool]:
    """(`pkg.mod`, is a package) of the archive member `pkg/mod.py` or `pkg/__init__.py`."""
    name = member.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__"), name.endswith(".__init__")


def runs_in_a_page(lines: list[str], line_no: int, indent: int) -> bool:
    """Whether the import at `line_no` (indented `indent`) is outside NEVER_RUN blocks."""
    for line in reversed(lines[:line_no]):
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        if stripped and not stripped.startswith("#") and depth < indent:
            if NEVER_RUN.match(line):
                return False
            indent = depth
            if depth == 0:
                break
    return True


def imports_of(source: str, module: str, is_package: bool) -> set[str]:
    """Modules `source` may import where a page can run it (`from m import x` counts as `m.x`
    too, since x may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    lines = source.splitlines()
    found: set[str] = set(IMPORT_MODULE.findall(source))
    for match in IMPORT.finditer(source):
        line_no = source.count("\n", 0, match.start())
        if not runs_in_a_page(lines, line_no, len(match.group(1))):
            continue
        if match.group(2):
            found.update(part.split()[0] for part in match.group(2).split(",") if part.split())
            continue
        target, names = match.group(3), match.group(4)
        dots = len(target) - len(target.lstrip("."))
        if dots:
            base = package.split(".")[: len(package.split(".")) - dots + 1]
            target = ".".join([*base, target[dots:]] if target[dots:] else base)
        found.add(target)
        for name in names.strip("()").replace("\n", " ").split(","):
            if name.split():
                found.add(f"{target}.{name.split()[0]}")
    return found


def archive_sources(path: Path, drop: tuple[str, ...]) -> Iterator[tuple[str, bool, str]]:
    """(member, left out, source) of the Python modules in the zip or wheel `path`."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".py") and ".dist-info/" not in name:
                yield name, name.startswith(drop), archive.read(name).decode("utf-8", "replace")


def tree_sources(
    root: Path, drop: tuple[str, ...], prefix: str = ""
) -> Iterator[tuple[str, bool, str]]:
    """The same for the modules in a folder, named `prefix` + their path in it."""
    for path in sorted(root.rglob("*.py")):
        name = prefix + path.relative_to(root).as_posix()
        yield name, name.startswith(drop), path.read_text()


def served_names(path: Path) -> set[str]:
    """Member names of a served archive, compiled members under their source names."""
    with zipfile.ZipFile(path) as archive:
        return {n[:-1] if n.endswith(".pyc") else n for n in archive.namelist()}


@pytest.fixture(scope="module")
def served_members(built_runtime: Path) -> dict[str, set[str]]:
    """Member names (source names) of each archive the runtime serves, by file name."""
    manifest = json.loads((built_runtime / "manifest.json").read_text())
    core = built_runtime / "pyodide" / manifest["pyodide_version"]
    archives = [core / STDLIB_ZIP, built_runtime / manifest["sdk_wheel"]]
    archives += [core / "wheels" / pin.filename for pin in load_pins().wheels]
    return {path.name: served_names(path) for path in archives}


def test_left_out_parts_are_absent_from_what_is_served(served_members: dict[str, set[str]]) -> None:
    served = dict(served_members)
    stdlib = served.pop(STDLIB_ZIP)
    assert not {n for n in stdlib if n.startswith(STDLIB_DROPS)}
    sdk = next(name for name in served if name.startswith("stigg_client-"))
    assert not {n for n in served.pop(sdk) if n.startswith(NOT_IN_BROWSER)}
    assert {"stigg_client/client/stigg.py", "widgets/browser/app.py"} <= served_members[sdk]
    for pin in load_pins().wheels:
        assert not {n for n in served[pin.filename] if n.startswith(wheel_drops(pin.filename))}
    # Each rule leaves something out of the original archives (none is a stale no-op).
    with zipfile.ZipFile(PYODIDE_STDLIB) as archive:
        originals = archive.namelist()
    assert all(any(n.startswith(drop) for n in originals) for drop in STDLIB_DROPS)
    wheel_members = set()
    for pin in load_pins().wheels:
        with zipfile.ZipFile(REPO / ".cache" / "wheels" / pin.filename) as wheel:
            wheel_members |= set(wheel.namelist())
    assert all(any(n.startswith(drop) for n in wheel_members) for drop in PINNED_WHEEL_DROPS)
    assert any(WHEEL_SBOMS in n and ".dist-info/" in n for n in wheel_members)
    assert not any(WHEEL_SBOMS in n for names in served.values() for n in names)
    # What pages and users reach stays: BaseModel.dict()/json() import pydantic.deprecated.
    pydantic = next(served[p.filename] for p in load_pins().wheels if p.project == "pydantic")
    assert {"pydantic/deprecated/json.py", "pydantic/deprecated/copy_internals.py"} <= pydantic
    assert {"encodings/cp1252.py", "configparser.py", "logging/config.py", "difflib.py"} <= stdlib


def test_the_pages_recorded_imports_are_all_served(served_members: dict[str, set[str]]) -> None:
    """`python -m bench.hot_modules` recorded what /pricing, / and /worker import up to
    interactive in Chromium: all of it is still served, none of it is left out."""
    recorded = json.loads((REPO / "tools" / "browser-hot-modules.json").read_text())
    served = dict(served_members)
    stdlib = served.pop(STDLIB_ZIP)
    assert len(recorded["stdlib"]) > 100
    assert set(recorded["stdlib"]) <= stdlib
    assert not {n for n in recorded["stdlib"] if n.startswith(STDLIB_DROPS)}
    wheels = set().union(*served.values())
    assert {"pydantic/main.py", "pydantic_core/core_schema.py"} <= set(recorded["site-packages"])
    assert set(recorded["site-packages"]) <= wheels


def test_nothing_served_imports_a_left_out_module(built_runtime: Path) -> None:
    """The import statements of everything a page can run (Pyodide's packages and the stdlib,
    the wheels, the SDK and widgets, PyScript's stdlib, the page scripts), imports inside
    functions included, reach no left-out module but where UNREACHABLE_IMPORTS says."""
    sources = [archive_sources(PYODIDE_STDLIB, STDLIB_DROPS)]
    for pin in load_pins().wheels:
        wheel = REPO / ".cache" / "wheels" / pin.filename
        sources.append(archive_sources(wheel, wheel_drops(pin.filename)))
    for folder in ("stigg_client", "widgets", "demo_site/browser"):
        sources.append(tree_sources(REPO / folder, (), prefix=f"{folder}/"))
    sources.append(tree_sources(PYSCRIPT_STDLIB, ()))
    left_out: set[str] = set()
    kept: list[tuple[str, bool, str]] = []
    for member, dropped, source in (item for group in sources for item in group):
        module, is_package = module_of(member)
        if member.startswith(NOT_IN_BROWSER):
            continue  # the server-key client and the prerender CLI are left out on purpose
        if dropped:
            left_out.add(module)
        else:
            kept.append((module, is_package, source))
    assert {"xml.etree.ElementTree", "argparse", "pydantic.experimental.pipeline"} <= left_out
    found: dict[str, set[str]] = {}
    for module, is_package, source in kept:
        for name in imports_of(source, module, is_package) & left_out:
            found.setdefault(name, set()).add(module)
    assert found == UNREACHABLE_IMPORTS


def test_import_scan_sees_lazy_and_relative_imports_and_skips_code_a_page_never_runs() -> None:
    source = """
import os, xml.dom as dom
from . import sibling
from ..up import (
    a,
    b as c,
)
if TYPE_CHECKING:
    import typing_only

def helper():
    import argparse
    return importlib.import_module("tomllib")

def main():
    import optparse

if __name__ == "__main__":
    import json.tool
import after
"""
    assert imports_of(source, "pkg.sub.mod", is_package=False) == {
        "os",
        "xml.dom",
        "pkg.sub",
        "pkg.sub.sibling",
        "pkg.up",
        "pkg.up.a",
        "pkg.up.b",
        "argparse",
        "tomllib",
        "after",
    }
