"""The tasks screen (`T`): open tasks as overdue, today and upcoming, mine or everyone's.

space completes (undo: `u`), `s` snoozes to a date in the CLI's grammar (`+1d`, `mon`), enter
opens the task's deal, `a` switches between my tasks and everyone's. Rows are `pipe list tasks`'s.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pipecli.core.services import listing, tasks
from pipecli.tui import rows
from pipecli.tui.app import PipeApp, Undo
from pipecli.tui.screens import forms


def bucket(due: Any, today: date) -> str:
    if not isinstance(due, date):
        return "someday"
    if due < today:
        return "overdue"
    return "today" if due == today else "upcoming"


ORDER = {"overdue": 0, "today": 1, "upcoming": 2, "someday": 3}


class TasksScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"),
        Binding("space", "done", "complete"),
        Binding("s", "snooze", "snooze"),
        Binding("enter", "open", "open deal"),
        Binding("a", "everyone", "mine / everyone"),
        Binding("u", "app.undo", "undo"),
    ]
    DEFAULT_CSS = """
    TasksScreen #tbar { height: 1; padding: 0 1; background: $primary-background; }
    TasksScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.everyone = False
        self.rows: list[Any] = []
        self.ready = False  # the first load has been shown

    @property
    def pipe_app(self) -> PipeApp:
        assert isinstance(self.app, PipeApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static("", id="tbar", markup=False)
        yield DataTable(id="tasks", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when", "id", "task", "due", "type", "priority", "deal", "owner")
        self.reload()

    def reload(self) -> None:
        flt = listing.Filter(limit=None, status="open", owner=None if self.everyone else "me")
        self.pipe_app.db(lambda ctx: listing.list_tasks(ctx, flt).rows, then=self.show)

    def show(self, found: list[Any]) -> None:
        today = self.pipe_app.now().date()
        self.rows = sorted(found, key=lambda t: ORDER[bucket(rows.field(t, "due"), today)])
        table = self.query_one(DataTable)
        table.clear()
        for t in self.rows:
            due = rows.show(t, "due") + (f" {rows.show(t, 'due_time')}"
                                         if rows.field(t, "due_time") else "")  # fmt: skip
            values = rows.cells(bucket(rows.field(t, "due"), today), rows.show(t, "id"),
                                rows.show(t, "title"), due, rows.show(t, "type"),
                                rows.show(t, "priority"), rows.show(t, "deal_id"),
                                rows.show(t, "owner"))  # fmt: skip
            table.add_row(*values, key=str(rows.field(t, "id")))
        who = "everyone's" if self.everyone else "mine"
        self.query_one("#tbar", Static).update(f"open tasks ({who}): {len(self.rows)}")
        self.ready = True

    def _selected(self) -> Any:
        table = self.query_one(DataTable)
        if not self.rows or not table.row_count:
            self.notify("no task selected", severity="warning")
            return None
        return self.rows[table.cursor_row]

    def action_done(self) -> None:
        task = self._selected()
        if task is None:
            return
        tid = int(rows.field(task, "id"))
        self.pipe_app.db(
            lambda ctx: tasks.done(ctx, tid).task.id,
            then=self._done_then(tid),
            undo=lambda _: Undo(f"reopen task {tid}", lambda ctx: tasks.undone(ctx, tid)),
        )

    def _done_then(self, tid: int) -> Any:
        def then(_: Any) -> None:
            self.notify(f"task {tid} done")
            self.reload()

        return then

    def action_snooze(self) -> None:
        task = self._selected()
        if task is None:
            return
        tid, old = int(rows.field(task, "id")), rows.field(task, "due")

        def chosen(v: dict[str, str] | None) -> None:
            if v is None or not v["due"].strip():
                return
            inp = tasks.TaskChanges(due=v["due"])
            back = tasks.TaskChanges(due=old.isoformat() if old else "")
            self.pipe_app.db(
                lambda ctx: tasks.edit(ctx, tid, inp).id,
                then=lambda _: self.reload(),
                undo=lambda _: Undo(f"un-snooze task {tid}",
                                    lambda ctx: tasks.edit(ctx, tid, back)),
            )  # fmt: skip

        fys = self.pipe_app.settings.fiscal_year_start
        self.app.push_screen(forms.SnoozeForm(self.pipe_app.now().date(), fys), chosen)

    def action_open(self) -> None:
        from pipecli.tui.screens.deal import DealScreen

        task = self._selected()
        if task is not None and rows.field(task, "deal_id"):
            self.app.push_screen(DealScreen(int(rows.field(task, "deal_id"))))

    def action_everyone(self) -> None:
        self.everyone = not self.everyone
        self.reload()

    def palette(self) -> list[SystemCommand]:
        return [
            SystemCommand("Complete the task", "pipe done TASK_ID", self.action_done),
            SystemCommand("Snooze the task", "pipe edit task TASK_ID --due +1d",
                          self.action_snooze),
            SystemCommand("Everyone's tasks", "pipe list tasks --owner NAME",
                          self.action_everyone),
        ]  # fmt: skip
