"""Every key binding of the board, with an id a user can remap in config.toml:

    [keys]
    win = "W"
    move_next = "L,shift+right,n"

The ids, keys and descriptions here are the only list: the footer, the help screen and the
README's key table all come from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    keys: str
    action: str
    description: str
    show: bool = True


BOARD_KEYS: tuple[Key, ...] = (
    Key("left", "left,h", "cursor(-1,0)", "previous column", False),
    Key("right", "right,l", "cursor(1,0)", "next column", False),
    Key("up", "up,k", "cursor(0,-1)", "previous card", False),
    Key("down", "down,j", "cursor(0,1)", "next card", False),
    Key("move_prev", "H,shift+left", "move(-1)", "move card to previous stage", False),
    Key("move_next", "L,shift+right", "move(1)", "move card to next stage", False),
    Key("win", "w", "win", "win"),
    Key("lose", "x", "lose", "lose"),
    Key("open", "enter", "open_deal", "open deal"),
    Key("add", "a", "add_deal", "add deal"),
    Key("task", "t", "add_task", "add task"),
    Key("filter", "slash", "filter", "filter"),
    Key("pipeline", "p", "switch_pipeline", "pipeline"),
    Key("refresh", "r", "refresh", "refresh", False),
    Key("undo", "u", "undo", "undo"),
    Key("tasks", "T", "app.tasks", "tasks"),
    Key("reports", "R", "app.reports", "reports"),
    Key("help", "question_mark", "app.help", "help"),
    Key("quit", "q", "app.quit", "quit"),
)


def bindings(keys: tuple[Key, ...] = BOARD_KEYS) -> list[Binding]:
    return [Binding(k.keys, k.action, k.description, show=k.show, id=k.id) for k in keys]


def keymap(config: Mapping[str, object]) -> dict[str, str]:
    """The `[keys]` table of config.toml as Textual's keymap (binding id -> keys); values that
    are not strings, and ids the board does not have, are left out."""
    section = config.get("keys", {})
    known = {k.id for k in BOARD_KEYS}
    if not isinstance(section, dict):
        return {}
    return {str(k): v for k, v in section.items() if k in known and isinstance(v, str)}


def shown(key: str) -> str:
    """A key as the help screen shows it."""
    names = {"slash": "/", "question_mark": "?", "enter": "enter"}
    return ", ".join(names.get(part, part) for part in key.split(","))
