"""Write our own `pyodide-lock.json` listing exactly the wheels the demo site serves.

The npm `pyodide` package ships only the core; its lock names ~350 packages whose files are not
there. Ours keeps the core's `info` block and lists one entry per served wheel, with the sha256 of
the served file and `depends` taken from the wheel's own METADATA, evaluated for Pyodide
(emscripten, Python 3.14) without extras.
"""

from __future__ import annotations

import email.parser
import zipfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def pyodide_environment(python: str) -> dict[str, str]:
    """PEP 508 marker environment of Pyodide running CPython `python` (e.g. "3.14.2")."""
    env = dict(default_environment())
    major_minor = ".".join(python.split(".")[:2])
    env.update(
        implementation_name="cpython",
        implementation_version=python,
        os_name="posix",
        platform_machine="wasm32",
        platform_python_implementation="CPython",
        platform_release="",
        platform_system="Emscripten",
        platform_version="",
        python_full_version=python,
        python_version=major_minor,
        sys_platform="emscripten",
    )
    return env


def wheel_metadata(path: Path) -> Message:
    """The parsed `*.dist-info/METADATA` of a wheel."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.count("/") == 1]
        meta = [n for n in names if n.endswith(".dist-info/METADATA")]
        if len(meta) != 1:
            raise ValueError(f"{path.name}: expected one dist-info/METADATA, found {meta}")
        return email.parser.BytesParser().parsebytes(archive.read(meta[0]))


def wheel_imports(path: Path) -> list[str]:
    """Top-level importable names in a wheel (packages and modules)."""
    found: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            head, _, rest = name.partition("/")
            if head.endswith((".dist-info", ".data")):
                continue
            if rest:
                if head.isidentifier():
                    found.add(head)
            elif head.endswith((".py", ".so")):
                module = head.split(".")[0]
                if module.isidentifier():
                    found.add(module)
    return sorted(found)


def browser_requirements(meta: Message, env: dict[str, str]) -> list[Requirement]:
    """Requirements that apply in the browser: markers evaluated for `env`, no extras."""
    applicable: list[Requirement] = []
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or marker.evaluate({**env, "extra": ""}):
            applicable.append(requirement)
    return applicable


@dataclass(frozen=True)
class ServedWheel:
    """A wheel file as served next to `pyodide.mjs`."""

    path: Path
    file_name: str
    sha256: str


def lock_entry(wheel: ServedWheel, env: dict[str, str]) -> tuple[dict[str, Any], list[Requirement]]:
    """One lock entry for a served wheel, plus its browser requirements for checking."""
    meta = wheel_metadata(wheel.path)
    requirements = browser_requirements(meta, env)
    entry: dict[str, Any] = {
        "name": str(meta["Name"]),
        "version": str(meta["Version"]),
        "file_name": wheel.file_name,
        "install_dir": "site",
        "sha256": wheel.sha256,
        "package_type": "package",
        "imports": wheel_imports(wheel.path),
        "depends": sorted({str(canonicalize_name(r.name)) for r in requirements}),
        "unvendored_tests": False,
        "tool": {},
    }
    return entry, requirements


def build_lock(core_lock: dict[str, Any], wheels: list[ServedWheel]) -> dict[str, Any]:
    """A complete lock for `wheels`; fails if a dependency is missing or out of range."""
    env = pyodide_environment(str(core_lock["info"]["python"]))
    packages: dict[str, dict[str, Any]] = {}
    checks: list[tuple[str, Requirement]] = []
    for wheel in wheels:
        entry, requirements = lock_entry(wheel, env)
        key = str(canonicalize_name(entry["name"]))
        if key in packages:
            raise ValueError(f"two served wheels provide {key}")
        packages[key] = entry
        checks += [(key, r) for r in requirements]
    for owner, requirement in checks:
        dep = packages.get(str(canonicalize_name(requirement.name)))
        if dep is None:
            raise ValueError(f"{owner} needs {requirement} in the browser, which is not served")
        if not requirement.specifier.contains(Version(dep["version"]), prereleases=True):
            raise ValueError(f"{owner} needs {requirement}, served {dep['version']}")
    return {"info": dict(core_lock["info"]), "packages": dict(sorted(packages.items()))}
