"""The runtime build steps: wheel download and verification, lock generation, precompression."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
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
from runtime_lock import ServedWheel, build_lock, pyodide_environment, wheel_imports
from runtime_wheels import PinFile, WheelPin, ensure_wheel, file_url

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
