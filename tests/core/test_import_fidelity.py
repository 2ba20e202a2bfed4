"""Reading real exports without the CLI: encodings told with confidence, a column's decimal point
from all its values, total rows left out, every problem collected in one pass (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipecli.core import imports
from pipecli.core.errors import Invalid
from pipecli.core.io import readers


def _file(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("name\nJürgen Müller\nZoë Café\n", "cp1252", "cp1252"),
        ("名称\n北京科技有限公司\n", "gb18030", "gb18030"),
        ("名称\n东京\n", "gbk", "gb18030"),
        ("name\nJürgen\n", "utf-8", "utf-8"),
        ("name\nJürgen\n", "utf-8-sig", "utf-8-sig"),
        ("name\nJürgen\n", "utf-16", "utf-16"),
    ],
)
def test_encoding_is_told(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    path = _file(tmp_path, text, encoding)
    assert readers.detect_encoding(path) == expected
    table = readers.open_table(path)
    assert [row for _, row in table.rows()] == [
        {table.headers[0]: v} for v in text.splitlines()[1:]
    ]


def test_an_unsure_encoding_is_refused_naming_the_likely_ones(tmp_path: Path) -> None:
    path = _file(tmp_path, "title,account\nСделка,Газпром\n", "cp1251")
    with pytest.raises(Invalid) as err:
        readers.open_table(path)
    assert "likely:" in err.value.reason and "--encoding" in err.value.reason
    table = readers.open_table(path, encoding="cp1251")
    assert [row for _, row in table.rows()] == [{"title": "Сделка", "account": "Газпром"}]


def _amounts(ctx: Any, result: imports.Result) -> list[int]:
    from sqlalchemy import text

    rows = ctx.session.execute(text("SELECT amount_minor FROM deal ORDER BY id")).all()
    return [r[0] for r in rows]


def test_column_decimal_point_from_all_values(make_ctx: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, 'title,amount\nA,1.000\nB,"250,5"\nC,"1.234,56"\n')
    with make_ctx() as ctx:
        result = imports.import_file(ctx, path, imports.Options("deal"))
        assert _amounts(ctx, result) == [100000, 25050, 123456]


def test_ambiguous_column_refused_whole_even_with_skip_invalid(
    make_ctx: Any, tmp_path: Path
) -> None:
    path = _file(tmp_path, "title,amount,stage\nA,1.500,Nosuch\nB,ten,\nC,2.000,\n")
    with pytest.raises(imports.InvalidRows) as err, make_ctx() as ctx:
        imports.import_file(ctx, path, imports.Options("deal", skip_invalid=True))
    found = {(e.line, e.column) for e in err.value.errors}
    assert found == {(2, "amount"), (2, "stage"), (3, "amount")}
    assert not list(tmp_path.glob("d.csv.rejects*"))


def test_total_row_left_out(make_ctx: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, "title,amount\nA,10\nB,20\nSumme,30\n")
    with make_ctx() as ctx:
        result = imports.import_file(ctx, path, imports.Options("deal"))
        assert result.left_out == ["line 4 left out: a total row ('Summe')"]
        assert result.rows == 2 and _amounts(ctx, result) == [1000, 2000]
