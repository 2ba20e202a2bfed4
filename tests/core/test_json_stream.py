"""JSON lists are read one record at a time, with numbers kept exact (never floats)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from pipecli.core.errors import Invalid
from pipecli.core.io import readers


@pytest.fixture(autouse=True)
def _tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "_CHUNK", 7)  # every record spans several reads


def _items(text: str) -> list[object]:
    return list(readers._json_items(io.StringIO(text), "f.json"))


def test_records_across_chunk_boundaries_and_exact_numbers() -> None:
    records = [{"title": f"deal {i}", "amount": "x" * (i * 5)} for i in range(20)]
    text = "\ufeff \n[ " + " ,\n ".join(json.dumps(r) for r in records) + " ]\n"
    assert _items(text) == records
    assert _items('[{"amount": 12345678901234.57}]') == [{"amount": Decimal("12345678901234.57")}]


def test_empty_list_and_wrapped_object() -> None:
    assert _items("  [ ]  ") == []
    assert _items('{"deals": [{"title": "A"}]}') == [{"title": "A"}]


@pytest.mark.parametrize("text", ['[{"a": 1}', '[{"a": 1} {"b": 2}]', '[{"a": }]', "nonsense"])
def test_broken_json_is_refused_naming_the_file(text: str) -> None:
    with pytest.raises(Invalid) as err:
        _items(text)
    assert err.value.field == "file" and err.value.value == "f.json"


def test_reading_is_lazy() -> None:
    """The first record arrives before the rest of the file has been read."""
    stream = io.StringIO('[{"n": 1},' + '{"n": 2},' * 1000 + '{"n": 3}]')
    first = next(readers._json_items(stream, "f.json"))
    assert first == {"n": 1}
    assert stream.tell() < 100
