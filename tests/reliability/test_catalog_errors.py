"""Catalog mistakes in numbers (NaN, infinities, negatives, wrong types) are reported as one
`file:line: reason` CatalogError at the line of the mistake, never a traceback or an accepted
infinite price."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.yaml_lines import CatalogError
from tests.conftest import TEST_CATALOG

BAD_NUMBERS = [".nan", ".inf", "-.inf", "-1", "abc", "true", "[1]", "{a: 1}"]
# (regex matching one numeric field on a line of the test catalog, which field it is)
FIELDS = [
    (r"(usageLimit: )100\b", "usageLimit"),
    (r"(billingPeriod: MONTHLY, amount: )12\b", "amount"),
    (r"(country: DK, amount: )90\b", "amount"),
    (r"(minUnitQuantity: )1\b", "minUnitQuantity"),
    (r"(percentOff: )\d+", "percentOff"),
]


def with_mistake(pattern: str, bad: str) -> tuple[str, int]:
    """The test catalog with the first match of `pattern` replaced by `bad`; and its line."""
    lines = TEST_CATALOG.read_text().splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if re.search(pattern, line):
            lines[number - 1] = re.sub(pattern, lambda m: m.group(1) + bad, line, count=1)
            return "".join(lines), number
    raise AssertionError(f"no line matches {pattern}")


CATALOG_SETTINGS = settings(
    max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@CATALOG_SETTINGS
@given(field=st.sampled_from(FIELDS), bad=st.sampled_from(BAD_NUMBERS))
def test_bad_numbers_are_reported_with_file_line_and_reason(
    tmp_path_factory: pytest.TempPathFactory, field: tuple[str, str], bad: str
) -> None:
    pattern, name = field
    text, line = with_mistake(pattern, bad)
    path = tmp_path_factory.mktemp("catalog") / "catalog.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    error = raised.value
    assert str(error).startswith(f"{path}:{line}: "), (str(error), line)
    assert name in error.message, error.message
    assert "\n" not in str(error)


def test_the_unmodified_catalog_loads() -> None:
    catalog = load_catalog(Path(TEST_CATALOG))
    assert catalog.plans and catalog.features
