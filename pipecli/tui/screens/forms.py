"""Small modal forms: lose (reason and note), quick-add deal, add task, filter, log, snooze.

Each is a ModalScreen that dismisses with what was typed (or None on escape); validation is the
core's, run when the action is carried out, so a form accepts and refuses what the CLI does.
Date fields show the date the CLI's grammar (core.dates) resolves as you type.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pipecli.core import dates
from pipecli.core.errors import PipeError
from pipecli.core.services.listing import Filter


def resolved(text: str, today: date, fys: int, with_time: bool = False) -> str:
    """What date text means, for the live hint under a date field."""
    if not text.strip():
        return ""
    try:
        if with_time:
            when = dates.parse_when(text, today, fiscal_year_start=fys)
            return f"→ {when.date:%a %Y-%m-%d}" + (f" {when.time:%H:%M}" if when.time else "")
        return f"→ {dates.parse_date(text, today, fiscal_year_start=fys):%a %Y-%m-%d}"
    except PipeError as exc:
        return f"✗ {exc}"


class Form(ModalScreen[Any]):
    """A column of labelled inputs; enter in the last one (or ctrl+s) submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+s", "submit", "save"),
    ]
    DEFAULT_CSS = """
    Form { align: center middle; }
    Form > Vertical { width: 64; height: auto; border: thick $accent; background: $surface;
                      padding: 0 1; }
    Form .hint { color: $text-muted; height: 1; }
    """
    TITLE_TEXT = ""
    FIELDS: tuple[tuple[str, str], ...] = ()  # (id, label)
    DATE_FIELDS: ClassVar[dict[str, bool]] = {}  # id -> with time

    def __init__(self, today: date, fys: int = 1, values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.today, self.fys = today, fys
        self.values = values or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.TITLE_TEXT)
            for fid, label in self.FIELDS:
                yield Label(label)
                yield Input(value=self.values.get(fid, ""), id=fid)
                if fid in self.DATE_FIELDS:
                    yield Static("", classes="hint", id=f"{fid}-hint", markup=False)

    @on(Input.Changed)
    def _live(self, event: Input.Changed) -> None:
        fid = event.input.id or ""
        if fid in self.DATE_FIELDS:
            hint = resolved(event.value, self.today, self.fys, self.DATE_FIELDS[fid])
            self.query_one(f"#{fid}-hint", Static).update(hint)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        ids = [f for f, _ in self.FIELDS]
        at = ids.index(event.input.id or ids[-1])
        if at + 1 < len(ids):
            self.query_one(f"#{ids[at + 1]}", Input).focus()
        else:
            self.action_submit()

    def field(self, fid: str) -> str:
        return self.query_one(f"#{fid}", Input).value

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        self.dismiss({fid: self.field(fid) for fid, _ in self.FIELDS})


class LoseForm(Form):
    TITLE_TEXT = "Lose the deal"
    FIELDS = (("reason", "Reason (price, competitor, timing...)"), ("note", "Note"))


class QuickAddForm(Form):
    TITLE_TEXT = "Add a deal"
    FIELDS = (
        ("title", "Title"),
        ("account", "Account (found or created)"),
        ("amount", "Amount (12000, €5,000, 1.5m)"),
        ("close", "Expected close (eoq, fri, +3w, 2026-12-20)"),
    )
    DATE_FIELDS: ClassVar[dict[str, bool]] = {"close": False}


class EditDealForm(Form):
    TITLE_TEXT = "Edit the deal (a field left as it is stays; an emptied one is cleared)"
    FIELDS = (
        ("title", "Title"),
        ("account", "Account"),
        ("amount", "Amount"),
        ("currency", "Currency"),
        ("close", "Expected close"),
        ("probability", "Probability (0-100, or auto)"),
        ("owner", "Owner (me or a name)"),
        ("source", "Source"),
        ("product", "Product"),
    )
    DATE_FIELDS: ClassVar[dict[str, bool]] = {"close": False}


def changed_fields(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """The fields of an edit form the user changed (what `pipe edit deal` would be given)."""
    return {k: v.strip() for k, v in after.items() if v.strip() != before.get(k, "").strip()}


class TaskForm(Form):
    TITLE_TEXT = "Add a task"
    FIELDS = (("title", "Task"), ("due", "Due (today, fri 10am, +2d)"))
    DATE_FIELDS: ClassVar[dict[str, bool]] = {"due": True}


class SnoozeForm(Form):
    TITLE_TEXT = "Snooze the task to"
    FIELDS = (("due", "Due (+1d, mon, next fri)"),)
    DATE_FIELDS: ClassVar[dict[str, bool]] = {"due": True}


class LogForm(Form):
    TITLE_TEXT = "Log an activity"
    FIELDS = (("kind", "Kind (call, email, meeting, note)"), ("subject", "What happened"))


class FilterForm(Form):
    TITLE_TEXT = "Filter: text, and the CLI's --owner, --tag, --close-from, --close-to"
    FIELDS = (("filter", "e.g.  acme --owner me --tag hot --close-to eoq"),)


@dataclass(frozen=True)
class FilterWords:
    text: str
    flt: Filter


OPTIONS = {"--owner": "owner", "--tag": "tag", "--close-from": "date_from",
           "--close-to": "date_to", "--search": "search"}  # fmt: skip


def parse_filter(text: str) -> Filter:
    """`acme --owner me --close-to eoq` as the listing's Filter (what `pipe list deals` would
    take); words that are not options are the search text."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        from pipecli.core.errors import Invalid

        raise Invalid("filter", text, str(exc)) from None
    values: dict[str, Any] = {}
    search: list[str] = []
    while words:
        word = words.pop(0)
        name, eq, inline = word.partition("=")
        if name in OPTIONS:
            if not eq and not words:
                from pipecli.core.errors import Invalid

                raise Invalid("filter", text, f"{name} needs a value")
            values[OPTIONS[name]] = inline if eq else words.pop(0)
        else:
            search.append(word)
    if search:
        values["search"] = " ".join([values.get("search", ""), *search]).strip()
    return Filter(limit=None, **values)
