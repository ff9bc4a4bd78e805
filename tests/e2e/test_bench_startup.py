"""The start-up breakdown `make bench` reports (bench/startup.py)."""

from bench.startup import PHASES, breakdown


def test_phases_add_up_to_the_time_to_interactive() -> None:
    times = {
        "core_fetched": 900.0,
        "wheels_fetched": 950.0,
        "py:ready": 2000.0,
        "first_api_start": 2600.0,
        "api_fetched": 2700.0,
        "interactive": 2900.0,
    }
    phases = breakdown(times)
    assert list(phases) == [label for label, _ in PHASES]
    assert phases["interpreter + package load"] == 1050.0
    assert sum(phases.values()) == 2900.0


def test_a_download_that_overlaps_an_earlier_phase_counts_there() -> None:
    phases = breakdown({"core_fetched": 900.0, "wheels_fetched": 600.0, "interactive": 1000.0})
    assert phases == {"runtime download": 900.0, "package download": 0.0, "first render": 100.0}


def test_a_missing_mark_merges_into_the_next_phase() -> None:
    phases = breakdown({"py:ready": 1500.0, "interactive": 1800.0})
    assert phases == {"interpreter + package load": 1500.0, "first render": 300.0}
