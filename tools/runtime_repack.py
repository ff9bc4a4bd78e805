"""Re-store zip archives (the stdlib zip, pinned wheels) without per-member deflate.

Members keep their names, bytes, dates and permissions, so a wheel stays the same wheel (its
RECORD hashes are of member contents). Stored archives compress far better as a whole with
brotli over HTTP (cross-file redundancy): the stdlib zip goes 2.5 MB → 1.6 MB on the wire.
The lock carries the sha256 of the re-stored file, which is the file Pyodide verifies.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from runtime_wheels import sha256_of

STATE_NAME = ".repacked.json"


def restore_stored(source: Path, target: Path) -> None:
    """Write `source`'s members to `target` uncompressed, in the same order."""
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.external_attr = info.external_attr
            member.create_system = info.create_system
            member.compress_type = zipfile.ZIP_STORED
            dst.writestr(member, src.read(info))
    partial.replace(target)


def repack(source: Path, target: Path, state_dir: Path) -> bool:
    """Re-store `source` into `target` unless done for this exact source; True if written."""
    state_file = state_dir / STATE_NAME
    state: dict[str, str] = json.loads(state_file.read_text()) if state_file.is_file() else {}
    key = str(target.relative_to(state_dir))
    source_sha = sha256_of(source)
    if target.is_file() and state.get(key) == source_sha:
        return False
    restore_stored(source, target)
    state[key] = source_sha
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    return True
