"""Big lists (issue 13, target 3): the table is drawn as plain lines a page of rows at a time
(FitTable.draw), byte for byte what Rich draws for the same table, with the same rows as --json
in the same order."""

from __future__ import annotations

import io
from typing import Any

import pytest

from pipecli.render.tables import Column, FitTable
from tests.cli.helpers import data, ok
from tests.conftest import Pipe


def _console(width: int, terminal: bool, file: Any) -> Any:
    from rich.console import Console

    return Console(file=file, width=width, force_terminal=terminal, color_system="standard",
                   highlight=False, soft_wrap=False)  # fmt: skip


def _table(n: int) -> FitTable:
    """Cells that fit, CJK ones, ones that must wrap (long words too), an empty column and
    right-aligned amounts: everything FitTable lays out."""
    titles = ["Acme – 40 seats", "正泰商贸 – 70 个席位",
              "a very long title that has to wrap somewhere in a narrow terminal",
              "averyveryveryverylongwordthatmustfold ok", ""]  # fmt: skip
    accounts = ["Acme Inc", "苏州正泰商贸股份有限公司", "武汉金桥建设有限公司"]
    ids = [str(i + 1) for i in range(n)]
    return FitTable(None, [
        Column("ID", "ID", ids, text=False),
        Column("Title", "Title", [titles[i % len(titles)] for i in range(n)], text=True, least=24),
        Column("Account", "Account", [accounts[i % 3] for i in range(n)], text=True),
        Column("Empty", "Empty", [""] * n, text=True),
        Column("Amount", "Amount", [f"{(i * 1234) % 99999:,}.00 USD" for i in range(n)],
               text=False, right=True),
        Column("Close", "Close", ["2026-01-31"] * n, text=False),
        Column("Owner", "Owner", ["王芳" if i % 2 else "Ann Lee" for i in range(n)], text=True),
    ], drop=["Owner", "Account", "Close"])  # fmt: skip


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("width", [30, 44, 60, 80, 120, 250])
def test_draw_prints_what_rich_prints(
    width: int, terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rich_out, drawn = io.StringIO(), io.StringIO()
    _console(width, terminal, rich_out).print(_table(60))

    def no_rich(*_: Any) -> Any:
        raise AssertionError("draw left the rows to Rich")

    monkeypatch.setattr(FitTable, "__rich_console__", no_rich)
    _table(60).draw(_console(width, terminal, drawn), page=7)
    assert drawn.getvalue() == rich_out.getvalue()
    assert "\n60 " in drawn.getvalue()


class _Writes(io.StringIO):
    """A file that keeps each write and the number of flushes made before it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, int]] = []
        self.flushes = 0

    def write(self, s: str) -> int:
        self.writes.append((s, self.flushes))
        return super().write(s)

    def flush(self) -> None:
        self.flushes += 1


def test_rows_are_written_a_page_at_a_time() -> None:
    out = _Writes()
    _table(2_000).draw(_console(250, False, out), page=500)
    pages = [w for w, _ in out.writes if w.split(" ", 1)[0].isdigit()]
    assert len(pages) == 4
    first = [line.split(" ", 1)[0] for line in pages[0].splitlines()]
    assert first == [str(i) for i in range(1, 501)]  # the first rows, and only them
    # each page is flushed before the next is formatted
    flushed = [f for w, f in out.writes if w in pages]
    assert flushed == sorted(set(flushed)) and len(set(flushed)) == 4
    rich_out = io.StringIO()
    _console(250, False, rich_out).print(_table(2_000))
    assert out.getvalue() == rich_out.getvalue()


def test_big_list_prints_the_json_rows_in_order(
    pipe: Pipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest-xdist workers set COLUMNS=80
    ok(pipe("demo", "--deals", "2000", "--seed", "7"))
    args = ("list", "deals", "--status", "all", "--limit", "0")
    rows = data(pipe(*args, "--json"))
    out = ok(pipe(*args)).stdout.splitlines()
    header = [h.strip() for h in out[0].split("┃")]
    assert header[:2] == ["ID", "Title"] and "Amount" in header and "Close" in header
    assert set(out[1]) <= {"━", "╇"}
    body = [[cell.strip() for cell in line.split("│")] for line in out[2:]]
    assert len(rows) == len(body) == 2000
    amount, close = header.index("Amount"), header.index("Close")
    for row, cells in zip(rows, body, strict=True):
        assert cells[0] == str(row["id"])
        assert cells[1] == row["title"]
        assert cells[amount].replace(",", "").startswith(row["amount"])
        assert cells[amount].endswith(row["currency"])
        assert cells[close] == _close_cell(row)


def _close_cell(row: dict[str, Any]) -> str:
    """A deal's Close cell: the day a won or lost deal closed (local time), else its expected
    close, marked "!" once passed (today: the tests' NOW)."""
    from datetime import datetime

    from tests.conftest import NOW

    if row["status"] in ("won", "lost"):
        return datetime.fromisoformat(row["closed_at"]).astimezone().date().isoformat()
    if row["close"] is None:
        return ""
    return ("!" if row["close"] < NOW.date().isoformat() else "") + str(row["close"])
