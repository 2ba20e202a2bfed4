"""The help screen (`?`): every key binding (with the user's remapping) and what the marks on a
card mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pipecli.tui import keys

LEGEND = """
Cards:  ! before the title   expected close has passed (red)
        ~ before the title   rotting: longer in the stage than its rotting days (yellow)
        12d                  days in the current stage
        ▌ down the left      the selected card
Headers: stage (deals) · total · w weighted total, in the report currency;
         per currency, with the missing pair named, when an exchange rate is missing.
Elsewhere: T tasks, R reports, ctrl+p the command palette (with the pipe command lines).
Remap any key in config.toml:  [keys]  win = "W"
"""


def key_table(keymap: dict[str, str]) -> str:
    lines = [f"{'id':<10} {'keys':<20} action"]
    for k in keys.BOARD_KEYS:
        lines.append(f"{k.id:<10} {keys.shown(keymap.get(k.id, k.keys)):<20} {k.description}")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "close")
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 90%; border: thick $accent;
                                  background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        keymap = dict(getattr(self.app, "_keymap", {}) or {})
        with VerticalScroll():
            yield Static("pipe board — keys", markup=False)
            yield Static(key_table(keymap), markup=False)
            yield Static(LEGEND, markup=False)
