"""The board's keys, driven with Textual's Pilot against a real database; every test asserts on
what was stored (read back through the CLI), not on the screen."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from tests.tui.conftest import settle


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def board_of(app: Any) -> Any:
    from pipecli.tui.screens.board import BoardScreen

    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def deal(pipe: Callable[..., Any], deal_id: int) -> Any:
    r = pipe("show", "deal", str(deal_id), "--json")
    assert r.exit_code == 0, r.stderr
    return r.json


def test_move_right_writes_history(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert board_of(app).current().id == 2  # the soonest close of Prospecting first
            await pilot.press("L")
            await settle(pilot)
            assert board_of(app).current().id == 2  # the cursor follows the card

    run(go())
    d = deal(pipe, 2)
    assert d["stage"] == "Qualification"
    assert [(h["change"], h["from_stage"], h["to_stage"]) for h in d["history"]][-1] == (
        "move", "Prospecting", "Qualification",
    )  # fmt: skip


def test_undo_restores_the_stage(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("shift+right")
            await settle(pilot)
            assert deal(pipe, 2)["stage"] == "Qualification"
            await pilot.press("u")
            await settle(pilot)

    run(go())
    d = deal(pipe, 2)
    assert d["stage"] == "Prospecting"
    assert [h["change"] for h in d["history"]] == ["create", "move", "move"]


def test_win_and_undo_reopens(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert deal(pipe, 2)["status"] == "won"
            await pilot.press("u")
            await settle(pilot)

    run(go())
    d = deal(pipe, 2)
    assert (d["status"], d["stage"]) == ("open", "Prospecting")


def test_lose_stores_reason_and_note(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("l", "x")  # Globex, in Qualification
            await pilot.pause()
            await pilot.press(*"price", "enter", *"went cheaper", "enter")
            await settle(pilot)

    run(go())
    d = deal(pipe, 3)
    assert (d["status"], d["lost_reason"], d["lost_note"]) == ("lost", "price", "went cheaper")


def test_quick_add_parses_the_close_date(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*"Umbrella", "enter", *"Umbrella Corp", "enter", *"9k", "enter")
            await pilot.press(*"eoq+2w")
            await pilot.pause()
            hint = app.screen.query_one("#close-hint").render()
            assert "2027-01-14" in str(hint)  # shown live, before saving
            await pilot.press("enter")
            await settle(pilot)
            assert board_of(app).current().title == "Umbrella"

    run(go())
    d = deal(pipe, 5)
    assert (d["title"], d["account"], d["amount"], d["close"]) == (
        "Umbrella", "Umbrella Corp", "9000.00", "2027-01-14",
    )  # fmt: skip


def test_a_bad_form_is_a_notification_and_writes_nothing(
    make_app: Callable[..., Any], pipe: Any
) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*"Bad", "enter", "enter", *"12,3,4", "enter", "enter")
            await settle(pilot)
            notes = [n.message for n in app._notifications]
            assert any("amount" in n for n in notes), notes

    run(go())
    assert len(pipe("list", "deals", "--json", "--status", "all").json) == 4


def test_add_task_then_complete_it_on_the_tasks_screen(
    make_app: Callable[..., Any], pipe: Any
) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await pilot.pause()
            await pilot.press(*"Send proposal", "enter", *"fri 10am", "enter")
            await settle(pilot)
            await pilot.press("T")
            await settle(pilot)
            await pilot.press("space")  # the overdue/today task first: task 1
            await settle(pilot)

    run(go())
    tasks = {t["id"]: t for t in pipe("list", "tasks", "--status", "all", "--json").json}
    assert tasks[1]["status"] == "done"
    assert (tasks[2]["title"], tasks[2]["deal_id"], tasks[2]["due"], tasks[2]["due_time"]) == (
        "Send proposal", 2, "2026-11-27", "10:00:00",
    )  # fmt: skip


def test_complete_a_task_on_the_deal_screen(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("j")  # deal 1, Acme
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("space")
            await settle(pilot)

    run(go())
    assert pipe("show", "task", "1", "--json").json["status"] == "done"


def test_filter_uses_the_cli_words(make_app: Callable[..., Any]) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await pilot.pause()
            await pilot.press(*"acme --close-to eoq", "enter")
            await settle(pilot)
            data = board_of(app).data
            assert [c.id for col in data.columns for c in col.cards] == [1]

    run(go())


def test_remapped_key_from_config(make_app: Callable[..., Any], pipe: Any, tmp_path: Any) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nwin = "W"\n')

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("w")  # no longer bound
            await settle(pilot)
            assert deal(pipe, 2)["status"] == "open"
            await pilot.press("W")
            await settle(pilot)

    run(go())
    assert deal(pipe, 2)["status"] == "won"


def test_change_by_another_process_shows_without_a_key(
    make_app: Callable[..., Any], seeded: str
) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            env = {**os.environ, "PIPE_DB": seeded}
            subprocess.run(
                [sys.executable, "-m", "pipecli", "move", "1", "negotiation"],
                env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            start = time.monotonic()
            while time.monotonic() - start < 3:
                await pilot.pause(0.1)
                data = board_of(app).data
                names = {c.id: col.name for col in data.columns for c in col.cards}
                if names.get(1) == "Negotiation":
                    return
            raise AssertionError(f"not shown within 3 s: {names}")

    run(go())


def test_edit_on_the_deal_screen_saves_through_the_edit_service(
    make_app: Callable[..., Any], pipe: Any
) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # deal 2
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            app.screen.query_one("#amount").value = "31000"
            app.screen.query_one("#close").value = "eom"
            await pilot.press("ctrl+s")
            await settle(pilot)

    run(go())
    d = deal(pipe, 2)
    assert (d["amount"], d["close"]) == ("31000.00", "2026-11-30")
    assert [h["change"] for h in d["history"]] == ["create", "amount"]


def test_stored_text_is_shown_inert(make_app: Callable[..., Any], seeded: str) -> None:
    """A title another tool stored with ESC and markup-like brackets shows as visible text on
    the card and the deal screen: no escape sequence, no markup."""
    from sqlalchemy import create_engine, text

    engine = create_engine(seeded)
    with engine.begin() as conn:
        conn.execute(text("UPDATE deal SET title = :t WHERE id = 2"),
                     {"t": "[red]Evil[/red] \x1b]0;pwned\x07"})  # fmt: skip
    engine.dispose()

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            column = app.screen.query("CardList").first()
            line = "".join(s.text for s in column.render_line(0)._segments)
            assert "[red]Evil[/red] ␛]0;pwned␇"[:26] in line
            await pilot.press("enter")
            await settle(pilot)
            fields = str(app.screen.query_one("#fields").render())
            assert "[red]Evil[/red] ␛]0;pwned␇" in fields
            assert "\x1b" not in fields

    run(go())


def test_mouse_click_selects_and_double_click_opens(make_app: Callable[..., Any]) -> None:
    from pipecli.tui.screens.deal import DealScreen

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            lists = list(app.screen.query("CardList"))
            await pilot.click(lists[0], offset=(3, 6))  # the second card of Prospecting
            await settle(pilot)
            assert board_of(app).current().id == 1
            await pilot.click(lists[1], offset=(3, 1), times=2)  # Qualification's first, opened
            await settle(pilot)
            assert isinstance(app.screen, DealScreen) and app.screen.deal_id == 3

    run(go())


def test_palette_shows_the_pipe_command_lines(make_app: Callable[..., Any], pipe: Any) -> None:
    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
            assert commands["Move deal 2 to Qualification"] == "pipe move 2 Qualification"
            assert commands["Lose deal 2"] == "pipe lose 2 --reason REASON --note NOTE"
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"win deal", "enter")
            await settle(pilot)

    run(go())
    assert deal(pipe, 2)["status"] == "won"


def test_switch_pipeline(make_app: Callable[..., Any], pipe: Any) -> None:
    assert pipe("pipeline", "add", "Renewals").exit_code == 0

    async def go() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            data = board_of(app).data
            assert data.pipeline == "Renewals"
            assert sum(c.count for c in data.columns) == 0

    run(go())


def test_board_command_refuses_an_unknown_pipeline(pipe: Any) -> None:
    r = pipe("board", "--pipeline", "nope")
    assert (r.exit_code, r.stderr) == (3, "pipe: pipeline 'nope' not found\n")
