"""`python -m bench` (what `make bench` runs): run benchmarks, print tables, write JSON results."""

from __future__ import annotations

import argparse
import json
import sys

import bench.change_propagation
import bench.check_cost
import bench.dead_click
import bench.emulator_throughput
import bench.import_time
import bench.page_load
import bench.paywall_load
import bench.reliability  # noqa: F401 - registers the benchmark (the others, too)
from bench.core import REGISTRY, Options
from bench.machine import describe
from bench.report import table, write
from bench.services import Services


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all of {sorted(REGISTRY)})"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per measurement (median reported)"
    )
    parser.add_argument("--page", default="/", help="demo page path for page_load")
    args = parser.parse_args(argv)
    names = args.names or sorted(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s): {unknown}")
    machine = describe()
    print("machine: " + json.dumps(machine), flush=True)
    options = Options(runs=args.runs, page=args.page)
    failed: list[str] = []
    with Services() as services:
        for name in names:
            result = REGISTRY[name](options, services)
            path = write(result, machine, args.runs)
            print(table(result), flush=True)
            for key, value in result.details.items():
                print(f"  {key}: {json.dumps(value, ensure_ascii=False)}", flush=True)
            print(f"  written to {path.relative_to(path.parents[2])}\n", flush=True)
            failed += [f"FAILED {name}: {reason}" for reason in result.failures]
    # Pass/fail benchmarks (the reliability load run) fail the whole command, after every
    # benchmark has run and written its results.
    for line in failed:
        print(line, file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
