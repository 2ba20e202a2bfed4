"""The CSV formula guard: text made inert, plain numbers left alone, and the importer undoing it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipecli.core.io.readers import unguard
from pipecli.core.io.writers import cell, inert


@pytest.mark.parametrize(
    "number", ["-6.9", "-1,200.50", "+3", "-0", "-.5", "+1e-3", "-1,200,000", "12"]
)
def test_plain_numbers_are_not_guarded(number: str) -> None:
    assert inert(number) == number and unguard(number) == number


@pytest.mark.parametrize(
    "text",
    ["=1+1", "-5 seats", "+86 phone", "@home", "\tcmd", "\rx", "-E5", "-1,2", "--5", "-", "+"],
)
def test_formula_text_gets_one_quote_that_import_takes_off(text: str) -> None:
    assert inert(text) == "'" + text
    assert unguard(inert(text)) == text


@pytest.mark.parametrize("text", ["'=x", "''-5", "'abc", "'", "it's", "' =x", ""])
def test_quotes_in_text_survive_the_round_trip(text: str) -> None:
    assert unguard(inert(text)) == text


def test_cells() -> None:
    assert cell(Decimal("-6.9")) == "-6.9" and cell(-3) == "-3" and cell(-2.5) == "-2.5"
    assert cell(["=x", "y"]) == "'=x;y" and cell(["'=a"]) == "''=a"
    assert unguard("  '=1+1 ") == "=1+1" and unguard("'-6.9") == "-6.9"  # older exports too
