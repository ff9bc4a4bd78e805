"""Edge reads and their GraphQL twins give the SDKs the same data (README §4).

Each read runs once through the edge port and once with ``enableEdge: false``. The GraphQL answer
holds exactly the fields the SDK selects, so every one of them must also be in the edge JSON with
the same value (the edge may carry more).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

READS = [
    ("node", "getEntitlements"),
    ("node", "getMeteredEntitlement"),
    ("node", "getActiveSubscriptionsList"),
    ("node", "getPaywall"),
    ("browser", "getEntitlements"),
    ("browser", "getActiveSubscriptionsList"),
    ("browser", "getPaywall"),
]


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("edge_parity.mjs", emulator_params(emulator, run_prefix), interop_workdir)


def missing_or_different(graphql: Any, edge: Any, path: str = "$") -> list[str]:
    """Paths where `edge` lacks or contradicts a value present in `graphql`."""
    if isinstance(graphql, dict):
        if not isinstance(edge, dict):
            return [f"{path}: edge has {type(edge).__name__}, GraphQL an object"]
        problems: list[str] = []
        for key, value in graphql.items():
            if key not in edge:
                problems.append(f"{path}.{key}: missing at the edge (GraphQL: {value!r:.80})")
            else:
                problems += missing_or_different(value, edge[key], f"{path}.{key}")
        return problems
    if isinstance(graphql, list):
        if not isinstance(edge, list) or len(edge) != len(graphql):
            return [f"{path}: GraphQL list of {len(graphql)}, edge {edge!r:.80}"]
        return [
            problem
            for index, (g, e) in enumerate(zip(graphql, edge, strict=True))
            for problem in missing_or_different(g, e, f"{path}[{index}]")
        ]
    return [] if graphql == edge else [f"{path}: GraphQL {graphql!r:.80} != edge {edge!r:.80}"]


def test_both_paths_initialize(run: ScenarioRun) -> None:
    for mode in ("edge", "graphql"):
        assert run.value(f"node.{mode}.waitForInitialization") == "ready"
        assert run.value(f"browser.{mode}.waitForInitialization") == {"isCustomerLoaded": True}


@pytest.mark.parametrize(("sdk", "read"), READS, ids=[f"{s}-{r}" for s, r in READS])
def test_edge_serves_what_graphql_serves(run: ScenarioRun, sdk: str, read: str) -> None:
    graphql = run.value(f"{sdk}.graphql.{read}")
    edge = run.value(f"{sdk}.edge.{read}")
    assert graphql, f"{sdk} {read} returned nothing over GraphQL"
    problems = missing_or_different(graphql, edge)
    assert not problems, f"{sdk} {read}:\n" + "\n".join(problems[:30])
