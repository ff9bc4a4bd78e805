"""Precompress served assets once: `X.br` (brotli, max quality) and `X.gz` beside `X`.

A variant is kept only when it saves at least 3 % (the stdlib zip and wheels are already
deflated); a marker file records that a variant was judged not worth keeping, so re-runs skip it.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from pathlib import Path

import brotli

COMPRESSIBLE = (".wasm", ".mjs", ".js", ".zip", ".whl", ".json", ".css", ".py", ".html", ".svg")
MIN_SIZE = 1024
MIN_SAVING = 0.03

# A 16 MiB brotli window pays off for stored archives (members repeat across the file); it
# measured slightly worse than the default 4 MiB for the wasm binary.
LARGE_WINDOW = (".zip", ".whl")


def _brotli(data: bytes, suffix: str) -> bytes:
    return bytes(brotli.compress(data, quality=11, lgwin=24 if suffix in LARGE_WINDOW else 22))


def _gzip(data: bytes, suffix: str) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


ENCODINGS: dict[str, Callable[[bytes, str], bytes]] = {".br": _brotli, ".gz": _gzip}


def _fresh(variant: Path, source: Path) -> bool:
    return variant.exists() and variant.stat().st_mtime >= source.stat().st_mtime


def precompress(source: Path) -> list[Path]:
    """Write the worthwhile compressed variants of `source`; return those that exist."""
    kept: list[Path] = []
    data: bytes | None = None
    for suffix, compress in ENCODINGS.items():
        variant = source.with_name(source.name + suffix)
        skipped = source.with_name(source.name + suffix + ".skip")
        if _fresh(variant, source):
            kept.append(variant)
            continue
        if _fresh(skipped, source):
            continue
        data = source.read_bytes() if data is None else data
        packed = compress(data, source.suffix)
        variant.unlink(missing_ok=True)
        skipped.unlink(missing_ok=True)
        if len(packed) <= len(data) * (1 - MIN_SAVING):
            variant.write_bytes(packed)
            kept.append(variant)
        else:
            skipped.write_bytes(b"")
    return kept


def candidates(root: Path) -> Iterable[Path]:
    """Files under `root` worth considering for precompression."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_SIZE:
            yield path


def precompress_tree(root: Path) -> int:
    """Precompress every candidate under `root`; return how many variants exist."""
    return sum(len(precompress(path)) for path in candidates(root))
