"""Run a command against a private, throw-away PostgreSQL cluster (used by `make test`).

Usage: ``python -m tests.emulator.pg_cluster -- COMMAND...``. initdb runs as the `postgres` user
(through ``runuser`` when we are root) in a temp dir, the server listens on a free loopback port,
``STIGG_TEST_DATABASE_URL`` points the command at it, and the cluster is stopped and deleted after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.processes import free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *command]
    return command


def main(argv: list[str]) -> int:
    """Start the cluster, run `argv`, stop the cluster; returns the command's exit code."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m tests.emulator.pg_cluster -- COMMAND...", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="stigg-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, PG_USER, PG_USER)
    os.chmod(root, 0o700)
    log = root / "server.log"
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    PG_USER,
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = {
            **os.environ,
            "STIGG_TEST_DATABASE_URL": f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/postgres",
        }
        return subprocess.run(argv, env=env).returncode
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
