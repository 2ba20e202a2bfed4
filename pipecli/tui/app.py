"""PipeApp: the Textual application behind `pipe board`.

It holds one opened `Workspace` and runs every database action as a thread worker through
`PipeApp.db`: one unit of work per action, at the app's moment (PIPE_NOW or the clock), calling
the same core service as the CLI command. A `PipeError` becomes an error notification (with the
same one-line message the CLI prints); anything unexpected becomes one too, so the app never ends
in a traceback. The undo stack is the session's: each change pushes the service call that takes
it back (`u` pops it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pipecli.core.config import Settings
from pipecli.core.errors import PipeError
from pipecli.core.services.context import Ctx
from pipecli.core.text import printable
from pipecli.core.workspace import Workspace
from pipecli.tui import keys

Action = Callable[[Ctx], Any]


def clock() -> datetime:
    """The moment of an action: PIPE_NOW when set (ISO 8601), else the clock."""
    fixed = os.environ.get("PIPE_NOW")
    if fixed:
        value = datetime.fromisoformat(fixed)
        return value if value.tzinfo else value.astimezone()
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Undo:
    label: str  # what undoing does, e.g. "move deal 3 back to Proposal"
    run: Action


class PipeApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "pipe board"

    def __init__(
        self,
        workspace: Workspace,
        pipeline: str | None = None,
        owner: str | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        super().__init__()
        self.ws = workspace
        self.pipeline = pipeline
        self.owner = owner
        self.poll_seconds = poll_seconds
        self.undo_stack: list[Undo] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification as plain, terminal-safe text: messages quote what users typed and
        what is stored, which must neither run as markup nor reach the terminal raw."""
        del markup
        super().notify(printable(message), title=printable(title), severity=severity,
                       timeout=timeout, markup=False)  # fmt: skip

    @property
    def settings(self) -> Settings:
        return self.ws.settings

    def on_mount(self) -> None:
        from pipecli.tui.screens.board import BoardScreen

        self.set_keymap(keys.keymap(self.settings.extra))
        self.push_screen(BoardScreen(self.pipeline, self.owner))

    def now(self) -> datetime:
        return clock()

    @work(thread=True, group="db")
    def db(
        self,
        action: Action,
        then: Callable[[Any], None] | None = None,
        undo: Callable[[Any], Undo | None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Run `action(ctx)` in one unit of work off the UI thread; then `then(result)` on the
        UI thread, and push `undo(result)` on the undo stack."""
        try:
            with self.ws.unit(self.now()) as ctx:
                result = action(ctx)
            notices = list(ctx.notices)
        except Exception as exc:  # the app shows every failure, never a traceback
            text = str(exc) if isinstance(exc, PipeError) else f"unexpected error: {exc!r}"
            self.call_from_thread(self.notify, text, severity="error", timeout=6)
            if failed is not None:
                self.call_from_thread(failed)
            return
        if undo is not None:
            entry = undo(result)
            if entry is not None:
                self.undo_stack.append(entry)
        for note in notices:
            self.call_from_thread(self.notify, note)
        if then is not None:
            self.call_from_thread(then, result)

    def changed(self) -> None:
        """Something was written: the board (under any screen) reloads."""
        from pipecli.tui.screens.board import BoardScreen

        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                screen.reload()

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("nothing to undo in this session")
            return
        entry = self.undo_stack.pop()

        def done(_: Any) -> None:
            self.notify(f"undone: {entry.label}")
            self.changed()

        self.db(entry.run, then=done, failed=lambda: self.undo_stack.append(entry))

    def action_tasks(self) -> None:
        from pipecli.tui.screens.tasks import TasksScreen

        self.push_screen(TasksScreen())

    def action_reports(self) -> None:
        from pipecli.tui.screens.reports import ReportsScreen

        self.push_screen(ReportsScreen(self.pipeline, self.owner))

    def action_help(self) -> None:
        from pipecli.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: the screen's own commands (each with its `pipe ...` line), then
        Textual's."""
        own = getattr(screen, "palette", None)
        if callable(own):
            yield from own()
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        self.workers.cancel_all()
