"""The command palette's entries for the board (ctrl+p): every action, and for the selected deal
the `pipe ...` command line that does the same from a shell, so the board teaches the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import SystemCommand

from pipecli.tui import rows

if TYPE_CHECKING:
    from pipecli.tui.screens.board import BoardScreen


def quoted(value: str) -> str:
    import shlex

    return shlex.quote(value)


def board_commands(screen: BoardScreen) -> list[SystemCommand]:
    """Every board action; for the selected deal, with the `pipe ...` line that does the
    same from a shell."""
    card, data = screen.current(), screen.data
    out: list[SystemCommand] = []
    if card is not None and data is not None:
        here = data.columns[screen.col]
        opens = [c for c in data.columns if c.outcome == "open"]
        if here in opens and opens.index(here) + 1 < len(opens):
            nxt = opens[opens.index(here) + 1].name
            out.append(SystemCommand(f"Move deal {card.id} to {rows.text(nxt)}",
                                     f"pipe move {card.id} {quoted(nxt)}",
                                     lambda: screen.action_move(1)))  # fmt: skip
        out += [
            SystemCommand(f"Win deal {card.id}", f"pipe win {card.id}", screen.action_win),
            SystemCommand(f"Lose deal {card.id}",
                          f"pipe lose {card.id} --reason REASON --note NOTE",
                          screen.action_lose),
            SystemCommand(f"Open deal {card.id}", f"pipe show deal {card.id}",
                          screen.action_open_deal),
            SystemCommand(f"Add a task to deal {card.id}",
                          f'pipe add task "TITLE" --deal {card.id} --due DATE',
                          screen.action_add_task),
        ]  # fmt: skip
    pipeline = quoted(data.pipeline) if data else "NAME"
    out += [
        SystemCommand("Add a deal", f'pipe add deal "TITLE" --pipeline {pipeline} '
                      "--account NAME --amount N --close DATE", screen.action_add_deal),
        SystemCommand("Filter the board", f"pipe list deals --pipeline {pipeline} "
                      f"{screen.filter_text}".strip(), screen.action_filter),
        SystemCommand("Undo the last change", "u", screen.action_undo),
        SystemCommand("Tasks", "pipe list tasks", screen.pipe_app.action_tasks),
        SystemCommand("Reports", f"pipe report forecast --pipeline {pipeline}",
                      screen.pipe_app.action_reports),
        SystemCommand("Switch pipeline", "pipe pipeline list", screen.action_switch_pipeline),
        SystemCommand("Refresh", "r", screen.action_refresh),
    ]  # fmt: skip
    return out
