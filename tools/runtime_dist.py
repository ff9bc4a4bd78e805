"""`make dist`: write the hostable runtime folder a static site loads Python and the widgets from.

    dist/stigg-runtime/
      manifest.json                versions and paths (as build/runtime/manifest.json)
      pyodide/<version>/…          Pyodide core, our pyodide-lock.json, the pinned wheels, the SDK
      pyscript/<version>/…         PyScript
      stigg-elements.js            the element shim (it finds stigg-widgets.css next to itself)
      stigg-widgets.css

It is `build/runtime` (built first by `tools/browser_runtime.py`) plus the widget assets, with the
precompressed `.br`/`.gz` variants kept for hosts that serve them. README "Use it on your own
site" says how to host it and which headers it needs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_runtime import REPO, RUNTIME, assemble

DIST = REPO / "dist" / "stigg-runtime"
WIDGET_ASSETS = ("stigg-elements.js", "stigg-widgets.css")


def write_dist(target: Path = DIST, runtime: Path = RUNTIME) -> Path:
    """(Re)build the runtime, then replace `target` with it plus the widget assets."""
    assemble(runtime)
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(runtime, staging)
    for name in WIDGET_ASSETS:
        shutil.copy2(REPO / "widgets" / "static" / name, staging / name)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DIST, help=f"folder to write (default {DIST})")
    args = parser.parse_args(argv)
    out = write_dist(args.out.resolve())
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB with compressed variants)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
