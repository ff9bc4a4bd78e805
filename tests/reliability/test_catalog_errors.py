"""Catalog mistakes are reported as one `file:line: reason` CatalogError at the line of the
mistake, never a traceback: bad numbers (NaN, infinities, negatives, wrong types — never an
accepted infinite price), duplicate ids in every section, and references to unknown products,
plans, parent plans, add-ons and features."""

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


def with_inserted(before: str | None, block: str) -> tuple[str, int]:
    """The test catalog with `block` inserted before the first line matching `before` (at the
    end when None); and the line number of the block's first line."""
    lines = TEST_CATALOG.read_text().splitlines(keepends=True)
    at = len(lines)
    if before is not None:
        at = next(n for n, line in enumerate(lines) if re.search(before, line))
    return "".join([*lines[:at], block, *lines[at:]]), at + 1


# (the mistake: regex and replacement, or None to insert; where; the reason reported)
DUPLICATES = [
    ((r"(  - id: )product-workspaces\b", "product-stigg"), "product #2", "product-stigg"),
    ((r"(  - id: )feature-demo-02\b", "feature-demo-01"), "feature #2", "feature-demo-01"),
    ((r"(  - id: )plan-stigg-pro\b", "plan-stigg-starter"), "plan #2", "plan-stigg-starter"),
    ((r"(  - id: )coupon-five-off\b", "coupon-stigg30"), "coupon #2", "coupon-stigg30"),
]
# (regex matching one reference, the id it is replaced with, what the error calls it)
UNKNOWN_REFERENCES = [
    (r"(    downgradePlan: )plan-stigg-starter\b", "plan-gone", "plan"),  # product
    (r"(    product: )product-workspaces\b", "product-gone", "product"),  # plan
    (r"(    parent: )plan-stigg-pro\b", "plan-gone", "parent plan"),
    (r"(compatibleAddons: \[)addon-extra-requests", "addon-gone", "add-on"),
    (r"(      - feature: )feature-api-calls\b", "feature-gone", "feature"),  # entitlement
    (r"(PER_UNIT, feature: )feature-seats\b", "feature-gone", "feature"),  # per-unit price
    (r"(      - plan: )plan-stigg-starter\b", "plan-gone", "plan"),  # customer subscription
]


def load_error(tmp_path: Path, text: str) -> CatalogError:
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert "\n" not in str(raised.value)
    return raised.value


@pytest.mark.parametrize(("mistake", "where", "ref"), DUPLICATES)
def test_duplicate_ids_are_reported_at_the_second_one(
    tmp_path: Path, mistake: tuple[str, str], where: str, ref: str
) -> None:
    text, line = with_mistake(*mistake)
    error = load_error(tmp_path, text)
    assert str(error) == f"{tmp_path / 'catalog.yaml'}:{line}: {where}: duplicate id {ref!r}"


@pytest.mark.parametrize(
    ("before", "block", "where", "ref"),
    [
        (
            "^coupons:",
            "  - id: addon-extra-requests\n    product: product-stigg\n",
            "add-on #2",
            "addon-extra-requests",
        ),
        (None, "  - id: customer-demo-01\n    name: Again\n", "customer #2", "customer-demo-01"),
    ],
)
def test_duplicate_add_on_and_customer_ids_are_reported(
    tmp_path: Path, before: str | None, block: str, where: str, ref: str
) -> None:
    text, line = with_inserted(before, block)
    error = load_error(tmp_path, text)
    assert str(error) == f"{tmp_path / 'catalog.yaml'}:{line}: {where}: duplicate id {ref!r}"


@pytest.mark.parametrize(("pattern", "missing", "kind"), UNKNOWN_REFERENCES)
def test_unknown_references_are_reported_with_file_line_and_reason(
    tmp_path: Path, pattern: str, missing: str, kind: str
) -> None:
    text, line = with_mistake(pattern, missing)
    error = load_error(tmp_path, text)
    assert str(error).startswith(f"{tmp_path / 'catalog.yaml'}:{line}: "), (str(error), line)
    assert error.message.endswith(f": unknown {kind} {missing!r}"), error.message
