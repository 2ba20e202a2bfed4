"""The deal screen's edit form refuses what `pipe edit deal` refuses: a notification naming the
field, nothing stored, and the form open again with what was typed, to correct it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.tui.conftest import settle


def _edit_deal_2(make_app: Callable[..., Any], typed: dict[str, str]) -> tuple[list[str], Any]:
    """Open deal 2 (华为, 30000.00 USD), press e, type `typed`, save: the notifications shown,
    and the form open at the end (None if the deal screen is back)."""
    from pipecli.tui.screens import forms

    said: list[str] = []

    async def go() -> Any:
        app = make_app()
        shown = app.notify

        def spy(message: str, **kwargs: Any) -> None:  # toasts expire; keep every message
            said.append(message)
            shown(message, **kwargs)

        app.notify = spy
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            for fid, text in typed.items():
                app.screen.query_one(f"#{fid}").value = text
            await pilot.press("ctrl+s")
            deadline = time.monotonic() + 20
            while not said and time.monotonic() < deadline:
                await settle(pilot, rounds=1)
            await settle(pilot)
            form = app.screen
            if not isinstance(form, forms.EditDealForm):
                return None
            return {fid: form.field(fid) for fid, _ in forms.EditDealForm.FIELDS}

    return said, asyncio.run(go())


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"amount": "12abc"}, "amount"),
        ({"amount": "-5", "close": "2027-01-15"}, "amount"),
        ({"title": ""}, "title"),
        ({"title": "T" * 501}, "title"),  # longer than text.NAME_MAX
        ({"currency": ""}, "currency"),
        ({"probability": "120"}, "probability"),
    ],
)
def test_a_refused_edit_names_the_field_and_keeps_the_form(
    make_app: Callable[..., Any], pipe: Any, typed: dict[str, str], field: str
) -> None:
    said, form = _edit_deal_2(make_app, typed)
    assert len(said) == 1 and said[0].startswith(f"{field}: "), said
    assert form is not None and {k: form[k] for k in typed} == typed  # open again, as typed
    d = pipe("show", "deal", "2", "--json").json
    assert (d["title"], d["amount"], d["currency"], d["close"], d["probability"]) == (
        "华为 – 年度续约", "30000.00", "USD", "2026-11-30", 10,
    )  # fmt: skip
    assert [h["change"] for h in d["history"]] == ["create"]


def test_an_emptied_field_clears_it(make_app: Callable[..., Any], pipe: Any) -> None:
    said, form = _edit_deal_2(make_app, {"amount": "", "account": ""})
    assert form is None and said == ["deal 2 saved"], said
    d = pipe("show", "deal", "2", "--json").json
    assert (d["amount"], d["account"]) == (None, None)
    assert [h["change"] for h in d["history"]] == ["create", "amount"]
