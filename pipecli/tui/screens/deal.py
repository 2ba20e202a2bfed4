"""The deal screen: every field, the stage history with the time spent in each stage, the
activity timeline and the deal's tasks (space completes the selected one; `l` logs an activity).

Data is `listing.deal_detail`, the row `pipe show deal` prints, read through tui/rows.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from pipecli.core.services import activities, deals, listing, tasks
from pipecli.tui import rows
from pipecli.tui.app import PipeApp, Undo
from pipecli.tui.screens import forms

FIELDS = ("title", "pipeline", "stage", "status", "amount", "currency", "probability", "close",
          "account", "contact", "owner", "source", "product", "tags", "lost_reason", "lost_note",
          "created_at", "stage_entered_at", "closed_at")  # fmt: skip


def stays(history: list[Any]) -> list[str]:
    """Days each history row's state lasted (until the next row, or now for the last)."""
    out = []
    for i, row in enumerate(history):
        start = rows.field(row, "at")
        end = rows.field(history[i + 1], "at") if i + 1 < len(history) else None
        out.append("" if end is None or not isinstance(start, datetime) else
                   f"{(end - start).days}d")  # fmt: skip
    return out


class DealScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"),
        Binding("space", "done", "complete task"),
        Binding("l", "log", "log activity"),
        Binding("t", "add_task", "add task"),
        Binding("e", "edit", "edit"),
    ]
    DEFAULT_CSS = """
    DealScreen #fields { height: auto; padding: 0 1; }
    DealScreen DataTable { height: auto; max-height: 12; margin: 0 1; }
    DealScreen Label { margin: 1 1 0 1; text-style: bold; }
    """

    def __init__(self, deal_id: int) -> None:
        super().__init__()
        self.deal_id = deal_id
        self.detail: Any = None
        self.ready = False  # the first load has been shown

    @property
    def pipe_app(self) -> PipeApp:
        assert isinstance(self.app, PipeApp)
        return self.app

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="fields", markup=False)
            yield Label("Stage history")
            yield DataTable(id="history", cursor_type="none")
            yield Label("Tasks (space completes)")
            yield DataTable(id="tasks", cursor_type="row")
            yield Label("Activities")
            yield DataTable(id="activities", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history", DataTable).add_columns(
            "when", "change", "from", "to", "amount", "close", "prob", "by", "lasted"
        )
        self.query_one("#tasks", DataTable).add_columns("id", "task", "due", "status", "owner")
        self.query_one("#activities", DataTable).add_columns("when", "type", "subject", "by")
        self.reload()

    def reload(self) -> None:
        did = self.deal_id
        self.pipe_app.db(lambda ctx: listing.deal_detail(ctx, did), then=self.show)

    def show(self, detail: Any) -> None:
        self.detail = detail
        self.sub_title = f"deal {self.deal_id}"
        shown = {n: rows.show(detail, n) for n in FIELDS}
        shown["amount"] = rows.amount(rows.field(detail, "amount"), rows.field(detail, "currency"))
        lines = [f"{name.replace('_', ' '):>17}  {value}" for name, value in shown.items()]
        self.query_one("#fields", Static).update("\n".join(lines))
        history = rows.field(detail, "history") or []
        table = self.query_one("#history", DataTable)
        table.clear()
        for h, lasted in zip(history, stays(history), strict=True):
            table.add_row(*rows.cells(
                *(rows.show(h, n) for n in ("at", "change", "from_stage", "to_stage")),
                rows.amount(rows.field(h, "amount"), rows.field(h, "currency")),
                rows.show(h, "close"), rows.show(h, "probability"), rows.show(h, "user"), lasted,
            ))  # fmt: skip
        table = self.query_one("#tasks", DataTable)
        table.clear()
        for t in rows.field(detail, "tasks") or []:
            values = (rows.show(t, n) for n in ("id", "title", "due", "status", "owner"))
            table.add_row(*rows.cells(*values), key=str(rows.field(t, "id")))
        table = self.query_one("#activities", DataTable)
        table.clear()
        for a in rows.field(detail, "activities") or []:
            table.add_row(
                *rows.cells(*(rows.show(a, n) for n in ("at", "type", "subject", "user")))
            )
        self.ready = True

    def _task_id(self) -> int | None:
        table = self.query_one("#tasks", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def action_done(self) -> None:
        tid = self._task_id()
        if tid is None:
            self.notify("no task selected", severity="warning")
            return
        self.pipe_app.db(
            lambda ctx: tasks.done(ctx, tid).task.id,
            then=lambda _: self.reload(),
            undo=lambda _: Undo(f"reopen task {tid}", lambda ctx: tasks.undone(ctx, tid)),
        )

    def action_log(self) -> None:
        did = self.deal_id
        today = self.pipe_app.now().date()

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            inp = activities.ActivityInput(v["kind"], v["subject"], deal=str(did))
            self.pipe_app.db(lambda ctx: activities.log(ctx, inp).id, then=lambda _: self.reload())

        self.app.push_screen(forms.LogForm(today, values={"kind": "call"}), chosen)

    def action_edit(self) -> None:
        detail, did = self.detail, self.deal_id
        if detail is None:
            return
        names = [fid for fid, _ in forms.EditDealForm.FIELDS]
        before = {n: "" if rows.field(detail, n) is None else str(rows.field(detail, n))
                  for n in names}  # fmt: skip
        if rows.field(detail, "probability_manual") is False:
            before["probability"] = "auto"

        today, fys = self.pipe_app.now().date(), self.pipe_app.settings.fiscal_year_start

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            change: dict[str, Any] = forms.changed_fields(before, v)
            if not change:
                self.notify("nothing changed")
                return
            # the change model is made in the unit too: whatever it refuses is a notification
            # naming the field, and the form opens again with what was typed, to correct it
            self.pipe_app.db(
                lambda ctx: deals.edit(ctx, did, deals.DealChanges(**change)).id,
                then=self._edited,
                failed=lambda: self.app.push_screen(forms.EditDealForm(today, fys, v), chosen),
            )

        self.app.push_screen(forms.EditDealForm(today, fys, before), chosen)

    def _edited(self, _: Any) -> None:
        self.notify(f"deal {self.deal_id} saved")
        self.reload()
        self.pipe_app.changed()

    def action_add_task(self) -> None:
        did = self.deal_id
        fys = self.pipe_app.settings.fiscal_year_start

        def chosen(v: dict[str, str] | None) -> None:
            if v is None:
                return
            inp = tasks.TaskInput(title=v["title"], due=v["due"] or None, deal=did)
            self.pipe_app.db(lambda ctx: tasks.create(ctx, inp).id, then=lambda _: self.reload())

        self.app.push_screen(forms.TaskForm(self.pipe_app.now().date(), fys), chosen)

    def palette(self) -> list[SystemCommand]:
        d = self.deal_id
        return [
            SystemCommand("Log a call", f'pipe log call --deal {d} "SUBJECT"', self.action_log),
            SystemCommand("Complete the selected task", "pipe done TASK_ID", self.action_done),
            SystemCommand("Show this deal", f"pipe show deal {d}", self.reload),
            SystemCommand("Edit this deal", f"pipe edit deal {d} --amount N --close DATE",
                          self.action_edit),
        ]  # fmt: skip
