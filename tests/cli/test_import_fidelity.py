"""`pipe import` reads numbers, encodings and total rows the way real exports write them, and
reports every problem of a refused file at once (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import data, ok


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _amounts(pipe: Any) -> dict[str, str]:
    rows = data(pipe("list", "deals", "--status", "all", "-n", "0", "--json"))
    return {d["title"]: d["amount"] for d in rows}


# --- decimal style per column ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (['"1.234,56"', "1.000", '"250,5"'], ["1234.56", "1000.00", "250.50"]),
        (['"1 234,56"', "1.000", "7"], ["1234.56", "1000.00", "7.00"]),
        (['"1,234.56"', "1.000", "7"], ["1234.56", "1.00", "7.00"]),
        (["1.000", '"250,5"', "3"], ["1000.00", "250.50", "3.00"]),
    ],
)
def test_a_columns_decimal_style_comes_from_all_its_values(
    pipe: Any, tmp_path: Path, amounts: list[str], expected: list[str]
) -> None:
    rows = "".join(f"D{i},{a}\n" for i, a in enumerate(amounts))
    ok(pipe("import", "deals", str(_write(tmp_path, "d.csv", "title,amount\n" + rows))))
    assert _amounts(pipe) == {f"D{i}": e for i, e in enumerate(expected)}


def test_an_ambiguous_column_is_refused_with_line_and_example(
    pipe: Any, tmp_path: Path, snapshot: Any
) -> None:
    path = _write(tmp_path, "d.csv", "title,amount\nA,100\nB,1.500\nC,2.000\n")
    before = snapshot()
    r = pipe("import", "deals", str(path), "--skip-invalid")
    assert r.exit_code == 2
    assert "line 3, column 'amount'" in r.stderr and "'1.500' is ambiguous" in r.stderr
    assert "--decimal" in r.stderr
    assert snapshot() == before
    assert not (tmp_path / "d.csv.rejects.csv").exists()  # refused whole: no rejects file
    ok(pipe("import", "deals", str(path), "--decimal", ","))
    assert _amounts(pipe) == {"A": "100.00", "B": "1500.00", "C": "2000.00"}


def test_decimal_point_forced(pipe: Any, tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", 'title,amount\nA,1.500\nB,"2,5"\n')
    r = pipe("import", "deals", str(path), "--decimal", ".")
    assert r.exit_code == 2 and "line 3, column 'amount'" in r.stderr
    assert pipe("import", "deals", str(path), "--decimal", ";").exit_code == 2


def test_typed_amounts_follow_the_same_rule(pipe: Any, tmp_path: Path) -> None:
    r = ok(pipe("add", "deal", "Euro", "--amount", "€12.000", "--json"))
    assert (data(r)["amount"], data(r)["currency"]) == ("12000.00", "EUR")
    r = pipe("add", "deal", "Vague", "--amount", "1.500")
    assert r.exit_code == 2 and "is ambiguous" in r.stderr and "[defaults] decimal" in r.stderr
    (tmp_path / "config.toml").write_text('[defaults]\ndecimal = ","\n')
    assert data(ok(pipe("add", "deal", "Comma", "--amount", "1.500", "--json")))["amount"] == (
        "1500.00"
    )
    (tmp_path / "config.toml").write_text('[defaults]\ndecimal = "."\n')
    assert data(ok(pipe("add", "deal", "Point", "--amount", "1.500", "--json")))["amount"] == (
        "1.50"
    )
    r = ok(pipe("add", "lead", "Lee", "--value", "2.500", "--json"))
    assert data(r)["value"] == "2.50"


# --- errors: one pass, every kind -----------------------------------------------------------


def test_every_problem_is_listed_with_line_and_column(
    pipe: Any, tmp_path: Path, snapshot: Any
) -> None:
    text = (
        "title,stage,amount,close\nA,Nosuch,12,2026-01-05\n"
        "B,Qualification,ten,2026-01-05\nC,Qualification,5,x\n"
    )
    path = _write(tmp_path, "d.csv", text)
    before = snapshot()
    r = pipe("import", "deals", str(path))
    assert r.exit_code == 2
    assert "line 2, column 'stage'" in r.stderr and "'Nosuch'" in r.stderr
    assert "line 3, column 'amount'" in r.stderr
    assert "line 4, column 'close'" in r.stderr
    assert snapshot() == before


def test_skip_invalid_makes_unknown_stages_rejects(pipe: Any, tmp_path: Path) -> None:
    text = "title,stage,amount\nA,Nosuch,12\nB,Qualification,ten\nC,Qualification,5\n"
    path = _write(tmp_path, "d.csv", text)
    ok(pipe("import", "deals", str(path), "--skip-invalid"))
    assert _amounts(pipe) == {"C": "5.00"}
    rejects = (tmp_path / "d.csv.rejects.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rejects[1:]] == ["2", "3"]
    assert "Nosuch" in rejects[1]


# --- encodings ------------------------------------------------------------------------------------


def _owners_and_accounts(pipe: Any) -> set[tuple[str, str]]:
    rows = data(pipe("list", "deals", "--status", "all", "-n", "0", "--json"))
    return {(d["title"], d["account"]) for d in rows}


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "title,account\nAngebot,Jürgen Müller GmbH\nRenewal,Café Noir\n"),
        ("cp1252", "title,account\nDeal,Jürgen\n"),
        ("gb18030", "标题,客户\n年度合同,北京科技有限公司\n续约,上海贸易公司\n"),
        ("utf-16", "title,account\nAngebot,Jürgen\n"),
        ("utf-8-sig", "title,account\nAngebot,Jürgen\n"),
    ],
)
def test_encodings_are_detected(pipe: Any, tmp_path: Path, encoding: str, text: str) -> None:
    ok(pipe("import", "deals", str(_write(tmp_path, "d.csv", text, encoding))))
    expected = {tuple(line.split(",")) for line in text.splitlines()[1:]}
    assert _owners_and_accounts(pipe) == expected


def test_a_file_the_detector_is_unsure_of_is_refused(
    pipe: Any, tmp_path: Path, snapshot: Any
) -> None:
    path = _write(tmp_path, "d.csv", "title,account\nСделка,Газпром\n", "cp1251")
    before = snapshot()
    r = pipe("import", "deals", str(path))
    assert r.exit_code == 2
    assert "likely:" in r.stderr and "--encoding" in r.stderr
    assert snapshot() == before
    ok(pipe("import", "deals", str(path), "--encoding", "cp1251"))
    assert _owners_and_accounts(pipe) == {("Сделка", "Газпром")}


def test_utf8_files_never_reach_the_detector(
    pipe: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipecli.core.io import readers

    def fail(path: Path) -> str:
        raise AssertionError("detector ran on UTF-8")

    monkeypatch.setattr(readers, "_detect", fail)
    path = _write(tmp_path, "d.csv", "title,account\nAngebot,Jürgen\n")
    assert readers.detect_encoding(path) == "utf-8"
    path = _write(tmp_path, "e.csv", "title,account\nAngebot,Jürgen\n", "utf-8-sig")
    assert readers.detect_encoding(path) == "utf-8-sig"


# --- total rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "why"),
    [
        ("Summe,,1500", "a total row ('Summe')"),
        ("Total:,,1500", "a total row ('Total:')"),
        ("合计,,1500", "a total row ('合计')"),
        ("Gesamt,,", "a total row ('Gesamt')"),
        ("All deals,,1500", "its amount 1500 is the sum of the rows above"),
    ],
)
def test_a_trailing_total_row_is_left_out_and_named(
    pipe: Any, tmp_path: Path, last: str, why: str
) -> None:
    text = f"title,account,amount\nA,Acme,1000\nB,Acme,500\n{last}\n"
    r = ok(pipe("import", "deals", str(_write(tmp_path, "d.csv", text))))
    assert f"d.csv: line 4 left out: {why}" in r.stderr
    assert _amounts(pipe) == {"A": "1000.00", "B": "500.00"}


def test_a_last_row_that_is_no_total_is_imported(pipe: Any, tmp_path: Path) -> None:
    text = "title,amount\nA,1000\nB,500\nC,1499\nTotal deal,7\n"
    r = ok(pipe("import", "deals", str(_write(tmp_path, "d.csv", text))))
    assert "left out" not in r.stderr
    assert len(_amounts(pipe)) == 4
    one = "title,amount\nOnly,1000\nSame,1000\n"  # one row above: no sum to speak of
    ok(pipe("import", "deals", str(_write(tmp_path, "e.csv", one))))
    assert len(_amounts(pipe)) == 6
    staged = "title,amount,stage\nF,100,Proposal\nG,200,Proposal\nH,300,Proposal\n"
    r = ok(pipe("import", "deals", str(_write(tmp_path, "f.csv", staged))))
    assert "left out" not in r.stderr and _amounts(pipe)["H"] == "300.00"  # a deal, not a sum
