"""The checkout activation delay (the billing webhook's lag) defaults to 2 seconds everywhere.

The billing suites run with a short delay, so nothing else would notice a changed default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stigg_emulator import cli, server
from stigg_emulator.server import build_state
from stigg_emulator.settings import Settings
from tests.emulator.billing.helpers import BILLING_CATALOG
from tests.support.emulators import fresh_database_url

DEFAULT_DELAY_S = 2.0


def test_cli_parser_defaults_to_two_seconds() -> None:
    assert cli.parser().parse_args(["serve"]).checkout_activation_delay == DEFAULT_DELAY_S
    given = cli.parser().parse_args(["serve", "--checkout-activation-delay", "0.25"])
    assert given.checkout_activation_delay == 0.25


def test_settings_and_app_state_default_to_two_seconds(tmp_path: Path) -> None:
    assert Settings().checkout_activation_delay == DEFAULT_DELAY_S
    state = build_state(
        Settings(catalog=BILLING_CATALOG, database_url=fresh_database_url(tmp_path))
    )
    try:
        assert state.checkout_activation_delay == DEFAULT_DELAY_S
    finally:
        state.domain.db.dispose()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [([], DEFAULT_DELAY_S), (["--checkout-activation-delay", "7.5"], 7.5)],
)
def test_cli_passes_the_delay_to_the_server(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: float
) -> None:
    started: list[Settings] = []
    monkeypatch.setattr(server, "serve", started.append)
    cli.main(["serve", *argv])
    [settings] = started
    assert settings.checkout_activation_delay == expected
