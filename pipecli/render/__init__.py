"""CLI output only: rows from the core -> a Rich table for people, JSON or CSV for scripts.

The primitives (format, JSON/CSV emitters, messages, console) are in pipecli.render.output and
named here too; products and quotes are drawn by pipecli.render.quotes.

JSON: stable field names (pipecli.core.schema), ISO dates, decimals as strings, nulls kept.
CSV: the same fields as columns; lists joined with ';'. Data goes to stdout, messages to stderr.
Rich decides on colour itself: none when stdout is not a terminal or NO_COLOR is set. Lists are
drawn by FitTable.draw: the same table, written a page of rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pipecli.core.io.writers import as_text
from pipecli.core.rows import ConversionView, Fields
from pipecli.render.output import Fmt as Fmt
from pipecli.render.output import console as console
from pipecli.render.output import emit_csv as emit_csv
from pipecli.render.output import emit_json as emit_json
from pipecli.render.output import error as error
from pipecli.render.output import fmt_of as fmt_of
from pipecli.render.output import line as line
from pipecli.render.output import message as message
from pipecli.render.output import plain as plain
from pipecli.render.output import safe as safe
from pipecli.render.quotes import deal_quotes

Row = Fields  # a typed row (pipecli.core.rows) or a record view, read by field name


# --- human tables ----------------------------------------------------------------------------


def _money(row: Row, key: str = "amount") -> str:
    from pipecli.core.money import format_amount

    if row.get(key) is None:
        return ""
    return f"{format_amount(row[key], row['currency'])} {row['currency']}"


def _when(row: Row) -> str:
    due = row.get("due")
    if due is None:
        return ""
    return str(due.isoformat()) + (
        f" {row['due_time'].strftime('%H:%M')}" if row.get("due_time") else ""
    )


def _linked(row: Row) -> str:
    """What a task or activity is for: the record's title or name when the row has it."""
    if row.get("related"):
        return str(row["related"])
    for kind in ("deal", "lead", "contact", "account"):
        if row.get(f"{kind}_id"):
            return f"{kind} {row[f'{kind}_id']}"
    return ""


def _close(row: Row) -> Any:
    """A deal's Close: the day a won or lost deal closed (local time), else its expected close."""
    if row.get("closed_at") is not None and str(row.get("status")) in ("won", "lost"):
        return row["closed_at"].astimezone().date()
    return row.get("close")


def _task_status(row: Row) -> str:
    if row.get("done_at") is not None:
        return f"done {row['done_at'].astimezone().strftime('%Y-%m-%d')}"
    return str(row["status"])


def _stage_step(row: Row) -> str:
    before, after = row["from_stage"], row["to_stage"]
    return f"{before} → {after}" if before and before != after else after


def _local(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "deal": [
        ("ID", "id"),
        ("Title", "title"),
        ("Account", "account"),
        ("Stage", "stage"),
        ("Amount", _money),
        ("Prob", lambda r: f"{r['probability']}%"),
        ("Close", _close),
        ("Owner", "owner"),
    ],
    "lead": [
        ("ID", "id"),
        ("Name", "name"),
        ("Company", "company"),
        ("E-mail", "email"),
        ("Source", "source"),
        ("Status", "status"),
        ("Value", lambda r: _money(r, "value")),
        ("Owner", "owner"),
    ],
    "account": [
        ("ID", "id"),
        ("Name", "name"),
        ("Domain", "domain"),
        ("Industry", "industry"),
        ("Region", "region"),
        ("Owner", "owner"),
    ],
    "contact": [
        ("ID", "id"),
        ("Name", "name"),
        ("Account", "account"),
        ("E-mail", "email"),
        ("Phone", "phone"),
        ("Title", "title"),
    ],
    "task": [
        ("ID", "id"),
        ("Due", _when),
        ("Pri", "priority"),
        ("Type", "type"),
        ("Title", "title"),
        ("For", _linked),
        ("Repeat", "repeat_text"),
        ("Status", _task_status),
    ],
    "activity": [
        ("ID", "id"),
        ("When", lambda r: _local(r["at"])),
        ("Type", "type"),
        ("Subject", "subject"),
        ("By", "user"),
        ("For", _linked),
    ],
    "history": [
        ("When", lambda r: _local(r["at"])),
        ("Change", "change"),
        ("Stage", _stage_step),
        ("Amount", _money),
        ("Close", "close"),
        ("Prob", lambda r: f"{r['probability']}%"),
        ("By", "user"),
        ("Note", "note"),
    ],
    "user": [
        ("ID", "id"),
        ("Name", "name"),
        ("E-mail", "email"),
        ("Role", "role"),
        ("Deals", "open_deals"),
        ("Leads", "open_leads"),
        ("Tasks", "open_tasks"),
        ("Removed", lambda r: _local(r["removed_at"]) if r["removed_at"] else ""),
    ],
    "pipeline": [
        ("ID", "id"),
        ("Name", "name"),
        ("Default", lambda r: "yes" if r["default"] else ""),
        ("Stages", lambda r: " → ".join(r["stages"])),
        ("Open deals", "open_deals"),
    ],
    "stage": [
        ("#", "position"),
        ("Stage", "name"),
        ("Prob", lambda r: f"{r['probability']}%"),
        ("Category", "category"),
        ("Outcome", "outcome"),
        ("Rots after", lambda r: f"{r['rot_days']}d" if r["rot_days"] else ""),
        ("Deals", "deals"),
    ],
}


def _text(row: Row, getter: Any) -> str:
    value = getter(row) if callable(getter) else row.get(getter)
    return safe(as_text(value) if not isinstance(value, str) else value)


# Columns printed whole, never wrapped or cut: ids, amounts, percentages, dates and times,
# links ("deal 12"), phone numbers, counts. The others are text and wrap at spaces.
WHOLE = {"ID", "#", "Amount", "Value", "Prob", "Close", "Due", "When", "For", "Phone", "Deals",
         "Open deals", "Rots after"}  # fmt: skip
RIGHT = {"Amount", "Value"}
# The main text column of a list: not squeezed below MAIN_MIN while other columns can go instead.
MAIN = {"deal": "Title", "lead": "Name", "account": "Name", "contact": "Name", "task": "Title",
        "activity": "Subject", "pipeline": "Stages"}  # fmt: skip
MAIN_MIN = 24
# Columns given up, in this order, when a list does not fit the terminal even with its text
# wrapped (after those empty in every row; then the others from the right, never the first).
DROP: dict[str, list[str]] = {
    "deal": ["Owner", "Prob", "Account", "Close", "Stage"],
    "lead": ["Owner", "Source", "Status", "E-mail", "Company"],
    "account": ["Owner", "Region", "Industry", "Domain"],
    "contact": ["Title", "Phone", "Account", "E-mail"],
    "task": ["Repeat", "Type", "Pri", "For", "Status"],
    "activity": ["By", "Type", "For"],
    "history": ["By", "Prob", "Change", "Note", "Close"],
    "pipeline": ["Default", "Open deals"],
    "stage": ["Outcome", "Rots after", "Category", "Deals"],
}


# Trouble and outcome, marked in human tables only (JSON and CSV keep the plain values): a
# symbol before the cell, so it reads without colour (NO_COLOR, a pipe), and a colour.
OVERDUE = ("!", "red")  # a task due before today, an open deal whose close date has passed
URGENT = ("▲", "red")  # an urgent task
ROTTING = ("◷", "yellow")  # an open deal in its stage longer than the stage's rotting threshold
WON = ("✓", "green")
LOST = ("✗", "red")


def _marks(kind: str, row: Row, today: date) -> dict[str, tuple[str, str]]:
    """The marked cells of one row: column header -> (symbol, colour)."""
    marks: dict[str, tuple[str, str]] = {}
    if kind == "deal":
        status = str(row.get("status"))
        if status in ("won", "lost"):
            marks["Stage"] = WON if status == "won" else LOST
            return marks
        if row.get("close") is not None and row["close"] < today:
            marks["Close"] = OVERDUE
        entered, rot = row.get("stage_entered_at"), row.get("rot_days")
        if rot and entered is not None and (today - entered.astimezone().date()).days > rot:
            marks["Stage"] = ROTTING
    elif kind == "task" and row.get("done_at") is None:
        if row.get("due") is not None and row["due"] < today:
            marks["Due"] = OVERDUE
        if str(row.get("priority")) == "urgent":
            marks["Pri"] = URGENT
    return marks


def table(
    kind: str, rows: Sequence[Row], title: str | None = None, today: date | None = None
) -> Any:
    """`rows` as a table that fits the width it is printed at (pipecli.render.tables); with
    `today`, cells that point at trouble (or a deal's outcome) carry a symbol and a colour."""
    from pipecli.render.tables import Column, FitTable

    marks = [_marks(kind, row, today) for row in rows] if today else []
    columns = []
    for header, getter in COLUMNS[kind]:
        cells = [_text(row, getter) for row in rows]
        styles: list[str] | None = None
        if any(header in m for m in marks):
            styles = [m[header][1] if header in m else "" for m in marks]
            # the symbol is glued on: the cell is one cell wider, and never wraps apart
            pairs = zip(cells, marks, strict=True)
            cells = [f"{m[header][0]}{c}" if header in m else c for c, m in pairs]
        columns.append(
            Column(header, header, cells, header not in WHOLE, header in RIGHT,
                   MAIN_MIN if MAIN.get(kind) == header else 0, styles)
        )  # fmt: skip
    return FitTable(title, columns, DROP.get(kind, []))


def deal_totals(data: Sequence[Row]) -> str:
    """The line under a deal table: how many deals, and per currency how many and their sum
    (each currency on its own; no exchange rates)."""
    from decimal import Decimal

    from pipecli.core.money import format_amount

    sums: dict[str, tuple[int, Decimal]] = {}
    for row in data:
        if row.get("amount") is not None:
            count, total = sums.get(row["currency"], (0, Decimal(0)))
            sums[row["currency"]] = (count + 1, total + row["amount"])
    deals = f"{len(data)} deal{'' if len(data) == 1 else 's'}"
    parts = [f"{format_amount(t, c)} {c} ({n})" for c, (n, t) in sorted(sums.items())]
    return "Total: " + deals + (": " + ", ".join(parts) if parts else "")


def rows(
    kind: str,
    data: Sequence[Row],
    fmt: Fmt,
    *,
    more: int = 0,
    note: str = "",
    today: date | None = None,
) -> None:
    """A list of records in the chosen format; `more` = how many the limit left out; `note`, a
    hint for people (stderr, table output only); `today` marks trouble in a table (`table`).
    A deal table is followed by its total line (`deal_totals`, on stderr with the hints)."""
    from pipecli.core.schema import field_names

    if fmt is Fmt.json:
        emit_json(list(data))
    elif fmt is Fmt.csv:
        emit_csv(data, field_names(kind))
    elif not data:
        message(f"no {'activities' if kind == 'activity' else kind + 's'}")
    else:
        con = console()
        table(kind, data, today=today).draw(con)
        if kind == "deal":  # for the person, like the hints below: stdout stays the table
            message(deal_totals(data))
    if more > 0:
        message(f"… and {more} more (use --limit N, or --limit 0 for all)")
    if note and fmt is Fmt.table:
        message(note)


def _internal(name: str) -> bool:
    """Fields `pipe show` leaves to --json: other records' ids (their names are shown)."""
    return name.endswith("_id") and name != "external_id"


def record(kind: str, row: Row, fmt: Fmt) -> None:
    """One record with its related lists (`pipe show`)."""
    from pipecli.core.schema import field_names

    if fmt is Fmt.json:
        emit_json(row)
        return
    fields = field_names(kind)
    if fmt is Fmt.csv:
        emit_csv([row], fields)
        return
    from rich.table import Table

    con = console()
    tbl = Table(show_header=False, show_edge=False, box=None, pad_edge=False)
    tbl.add_column(style="bold")
    tbl.add_column(overflow="fold")
    for name in fields:
        value = row.get(name)
        if kind == "deal" and name == "close" and _close(row) != value:
            tbl.add_row("close", plain(safe(f"{_close(row)} (closed)")))
            if value is not None:
                tbl.add_row("expected close", plain(safe(str(value))))
            continue
        if value in (None, "", [], False) or name == "uuid" or _internal(name):
            continue
        shown = _money(row, name) if name in ("amount", "value") else _text(row, name)
        tbl.add_row(name, plain(safe(shown)))
    con.print(tbl)
    sections: tuple[tuple[str, str, str], ...] = (
        ("history", "history", "Stage history"),
        ("activities", "activity", "Activities"),
    )
    sections += (
        ("tasks", "task", "Tasks"),
        ("deals", "deal", "Deals"),
        ("contacts", "contact", "Contacts"),
    )
    for key, sub, title in sections:
        if row.get(key):
            con.print()
            con.print(table(sub, row[key], title=title))
    if row.get("quotes"):
        con.print()
        con.print(deal_quotes(row["quotes"]))


def created(kind: str, row: Row, fmt: Fmt, verb: str = "created") -> None:
    """After add/edit/move...: the record as data, or one line for a person."""
    if fmt is Fmt.json:
        emit_json(row)
    elif fmt is Fmt.csv:
        from pipecli.core.schema import field_names

        emit_csv([row], field_names(kind))
    else:
        label = row["name"] if "name" in row else row.get("title")
        extra = f" in {row['stage']}" if kind == "deal" else ""
        line(f"{verb} {kind} {row['id']}: {label}{extra}")


def conversion(result: ConversionView, as_json: bool) -> None:
    """What `pipe convert` made or linked."""
    if as_json:
        emit_json(result)
        return
    parts = []
    if result["account"]:
        how = "new" if result["account_created"] else "existing"
        parts.append(f"{how} account {result['account']['id']} {result['account']['name']!r}")
    how = "new" if result["contact_created"] else "existing"
    parts.append(f"{how} contact {result['contact']['id']} {result['contact']['name']!r}")
    if result["deal"]:
        parts.append(f"new deal {result['deal']['id']} {result['deal']['title']!r}")
    line(f"converted lead {result['lead']['id']} → " + ", ".join(parts))
