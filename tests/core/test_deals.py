"""Deals through the services: probability rules, history rows, money, accounts by name,
records (archive/undelete/purge), list filters and the unit of work.

Every expected value is worked out by hand. The default pipeline is
Prospecting 10 / Qualification 20 / Proposal 50 / Negotiation 80 / Won 100 / Lost 0.
NOW is Monday 2026-11-23 10:00 UTC; the acting user is Ann (PIPE_USER).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Account, Deal, StageChange
from pipecli.core.services import accounts, deals, listing, records, tasks
from pipecli.core.services.common import id_of
from pipecli.core.services.context import Ctx
from pipecli.core.services.deals import DealChanges, DealInput
from pipecli.core.services.listing import Filter
from tests.conftest import MakeCtx

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def new_deal(make_ctx: MakeCtx, now: datetime = NOW, **fields: Any) -> Deal:
    with make_ctx(now=now) as ctx:
        return deals.create(ctx, DealInput(**fields))


def fetch(make_ctx: MakeCtx, deal_id: int) -> Deal:
    with make_ctx() as ctx:
        return deals.get(ctx, deal_id)


def stage_name(make_ctx: MakeCtx, deal: Deal) -> str:
    with make_ctx() as ctx:
        return deals.stage_of(ctx, deal).name


def history_count(ctx: Ctx) -> int:
    return len(ctx.session.exec(select(StageChange)).all())


def edit(make_ctx: MakeCtx, deal_id: int, now: datetime = NOW, **changes: Any) -> Deal:
    with make_ctx(now=now) as ctx:
        return deals.edit(ctx, deal_id, DealChanges(**changes))


# --- probability rules -------------------------------------------------------------------


def test_new_deal_takes_first_open_stage_and_its_probability(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal")
    assert stage_name(make_ctx, deal) == "Prospecting"
    assert (deal.probability, deal.probability_manual) == (10, False)
    assert deal.closed_at is None
    assert deal.stage_entered_at == NOW and deal.created_at == NOW


def test_new_deal_in_named_stage_takes_that_probability(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal", stage="prop")
    assert stage_name(make_ctx, deal) == "Proposal"
    assert (deal.probability, deal.probability_manual) == (50, False)


def test_moving_follows_the_stage(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal")
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "qualification")
    assert fetch(make_ctx, id_of(deal)).probability == 20
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "nego")
    assert fetch(make_ctx, id_of(deal)).probability == 80
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "Prospecting")  # backwards follows too
    assert fetch(make_ctx, id_of(deal)).probability == 10


def test_move_to_the_stage_it_is_in_is_a_conflict(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal")
    with pytest.raises(Conflict, match="already in 'Prospecting'"), make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "prospecting")


def test_hand_set_probability_on_create_survives_moves(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal", probability=60)
    assert (deal.probability, deal.probability_manual) == (60, True)
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "negotiation")
        deals.move(ctx, id_of(deal), "qualification")
    got = fetch(make_ctx, id_of(deal))
    assert (got.probability, got.probability_manual) == (60, True)


def test_hand_set_probability_on_edit_survives_moves_and_auto_follows_again(
    make_ctx: MakeCtx,
) -> None:
    deal = new_deal(make_ctx, title="Acme renewal")
    got = edit(make_ctx, id_of(deal), probability="60%")
    assert (got.probability, got.probability_manual) == (60, True)
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "proposal")
    assert fetch(make_ctx, id_of(deal)).probability == 60
    got = edit(make_ctx, id_of(deal), probability="auto")
    assert (got.probability, got.probability_manual) == (50, False)  # Proposal's
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "negotiation")
    assert fetch(make_ctx, id_of(deal)).probability == 80


@pytest.mark.parametrize("bad", ["101", "-1", "sixty", "6.5"])
def test_probability_out_of_range_is_invalid(make_ctx: MakeCtx, bad: str) -> None:
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        deals.create(ctx, DealInput(title="X", probability=bad))
    assert err.value.field == "probability"


def test_win_forces_100_and_lose_forces_0_even_when_hand_set(make_ctx: MakeCtx) -> None:
    a = new_deal(make_ctx, title="A", probability=60)
    b = new_deal(make_ctx, title="B", probability=60)
    with make_ctx() as ctx:
        deals.win(ctx, id_of(a))
        deals.lose(ctx, id_of(b), reason="price")
    a, b = fetch(make_ctx, id_of(a)), fetch(make_ctx, id_of(b))
    assert (a.probability, a.probability_manual, a.closed_at) == (100, False, NOW)
    assert (b.probability, b.probability_manual, b.closed_at) == (0, False, NOW)
    assert b.lost_reason == "price"
    assert stage_name(make_ctx, a) == "Won" and stage_name(make_ctx, b) == "Lost"


def test_moving_into_won_or_lost_stage_wins_or_loses(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", probability=60)
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "won")
    got = fetch(make_ctx, id_of(deal))
    assert (got.probability, got.closed_at) == (100, NOW)
    with make_ctx() as ctx, pytest.raises(Conflict, match="reopen"):
        deals.move(ctx, id_of(deal), "lost")  # a won deal is reopened before it is lost
    with make_ctx() as ctx:
        deals.reopen(ctx, id_of(deal))
        deals.move(ctx, id_of(deal), "lost")
    got = fetch(make_ctx, id_of(deal))
    assert (got.probability, got.closed_at) == (0, NOW)
    with make_ctx() as ctx:
        changes = [h.change for h in deals.history(ctx, id_of(deal))]
    assert changes == ["create", "win", "reopen", "lose"]


def test_reopen_goes_back_to_the_stage_it_closed_from_and_follows_it(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", stage="proposal", probability=60)
    with make_ctx() as ctx:
        deals.win(ctx, id_of(deal))
    with make_ctx() as ctx:
        deals.reopen(ctx, id_of(deal))
    got = fetch(make_ctx, id_of(deal))
    assert stage_name(make_ctx, got) == "Proposal"
    assert (got.probability, got.probability_manual, got.closed_at) == (50, False, None)


def test_reopen_into_a_named_stage(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", stage="proposal")
    with make_ctx() as ctx:
        deals.lose(ctx, id_of(deal), reason="timing", note="next year")
    with make_ctx() as ctx:
        deals.reopen(ctx, id_of(deal), "nego")
    got = fetch(make_ctx, id_of(deal))
    assert stage_name(make_ctx, got) == "Negotiation"
    assert (got.probability, got.closed_at) == (80, None)
    assert (got.lost_reason, got.lost_note) == (None, None)


def test_reopen_skips_history_rows_written_while_closed(make_ctx: MakeCtx) -> None:
    """An amount edit on a won deal writes a row at the Won stage; reopen still finds Proposal."""
    deal = new_deal(make_ctx, title="A", stage="proposal", amount="100")
    with make_ctx(now=at(24)) as ctx:
        deals.win(ctx, id_of(deal))
    edit(make_ctx, id_of(deal), now=at(25), amount="200")
    with make_ctx(now=at(26)) as ctx:
        deals.reopen(ctx, id_of(deal))
    assert stage_name(make_ctx, fetch(make_ctx, id_of(deal))) == "Proposal"


def test_reopen_refusals(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    with pytest.raises(Conflict, match="open already"), make_ctx() as ctx:
        deals.reopen(ctx, id_of(deal))
    with make_ctx() as ctx:
        deals.win(ctx, id_of(deal))
    with pytest.raises(Invalid, match="closing stage"), make_ctx() as ctx:
        deals.reopen(ctx, id_of(deal), "lost")
    with pytest.raises(Conflict, match="already won"), make_ctx() as ctx:
        deals.win(ctx, id_of(deal))


def test_probability_on_a_closed_deal_is_refused(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    with make_ctx() as ctx:
        deals.win(ctx, id_of(deal))
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        deals.edit(ctx, id_of(deal), DealChanges(probability=60))
    assert err.value.field == "probability"
    assert fetch(make_ctx, id_of(deal)).probability == 100
    # auto on a closed deal changes nothing
    assert edit(make_ctx, id_of(deal), probability="auto").probability == 100
    with pytest.raises(Invalid, match="closing stage 'Won'"), make_ctx() as ctx:
        deals.create(ctx, DealInput(title="B", stage="won", probability=60))


def test_deal_created_in_won_stage_is_closed(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", stage="won")
    assert (deal.probability, deal.closed_at) == (100, NOW)


# --- history -----------------------------------------------------------------------------


def test_history_rows_for_each_change(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="Acme renewal", amount="12000", close="2026-12-20")
    with make_ctx(now=at(24, 9)) as ctx:
        deals.move(ctx, id_of(deal), "proposal", note="sent quote")
    edit(make_ctx, id_of(deal), now=at(25), amount="15,000")
    edit(make_ctx, id_of(deal), now=at(26), close="2027-01-15")
    edit(make_ctx, id_of(deal), now=at(27), probability=60)
    edit(make_ctx, id_of(deal), now=at(28), title="Acme renewal 2027", notes="x", tags=["big"])
    with make_ctx(now=at(1, month=12)) as ctx:
        deals.win(ctx, id_of(deal), note="signed")
    with make_ctx(now=at(2, month=12)) as ctx:
        deals.reopen(ctx, id_of(deal))
    with make_ctx(now=at(3, month=12)) as ctx:
        deals.lose(ctx, id_of(deal), reason="price")

    with make_ctx() as ctx:
        raw = deals.history(ctx, id_of(deal))
        rows = listing.history_rows(ctx, id_of(deal))
        ann = ctx.user().id
    close1, close2 = date(2026, 12, 20), date(2027, 1, 15)
    # change, from, to, amount_minor, expected_close, probability, at, note
    expected = [
        ("create", None, "Prospecting", 1200000, close1, 10, NOW, None),
        ("move", "Prospecting", "Proposal", 1200000, close1, 50, at(24, 9), "sent quote"),
        ("amount", "Proposal", "Proposal", 1500000, close1, 50, at(25), None),
        ("close_date", "Proposal", "Proposal", 1500000, close2, 50, at(26), None),
        ("probability", "Proposal", "Proposal", 1500000, close2, 60, at(27), None),
        # no row for the title/notes/tags edit on the 28th
        ("win", "Proposal", "Won", 1500000, close2, 100, at(1, month=12), "signed"),
        ("reopen", "Won", "Proposal", 1500000, close2, 50, at(2, month=12), None),
        ("lose", "Proposal", "Lost", 1500000, close2, 0, at(3, month=12), "price"),
    ]
    keys = (
        "change",
        "from_stage",
        "to_stage",
        "amount_minor",
        "close",
        "probability",
        "at",
        "note",
    )
    got = [
        tuple(h.amount_minor if k == "amount_minor" else r[k] for k in keys)
        for r, h in zip(rows, raw, strict=True)
    ]
    assert got == expected
    assert all(h.currency == "USD" and h.user_id == ann for h in raw)
    assert all(r["user"] == "Ann" and r["currency"] == "USD" for r in rows)
    assert rows[2]["amount"] == Decimal("15000.00")
    assert [h.id for h in raw] == [r["id"] for r in rows]


def test_edit_that_changes_nothing_relevant_writes_no_history(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", amount="100", close="2026-12-20")
    edit(make_ctx, id_of(deal), title="B")
    edit(make_ctx, id_of(deal), amount="100.00", close="2026-12-20")  # same values
    edit(make_ctx, id_of(deal), source="web", owner="Bob", create_owner=True, tags=["x"])
    edit(make_ctx, id_of(deal), probability="auto")  # already following: still 10
    with make_ctx() as ctx:
        assert [h.change for h in deals.history(ctx, id_of(deal))] == ["create"]
    got = fetch(make_ctx, id_of(deal))
    assert (got.title, got.source) == ("B", "web")


def test_edit_amount_and_close_together_writes_two_rows(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    edit(make_ctx, id_of(deal), now=at(24), amount="50", close="2026-12-31")
    with make_ctx() as ctx:
        hist = deals.history(ctx, id_of(deal))
    assert [(h.change, h.amount_minor, h.expected_close, h.at) for h in hist] == [
        ("create", None, None, NOW),
        ("amount", 5000, date(2026, 12, 31), at(24)),
        ("close_date", 5000, date(2026, 12, 31), at(24)),
    ]


def test_win_and_lose_on_a_past_date(make_ctx: MakeCtx) -> None:
    created = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    a = new_deal(make_ctx, now=created, title="A")
    b = new_deal(make_ctx, now=created, title="B")
    with make_ctx() as ctx:
        deals.win(ctx, id_of(a), on="2026-11-20")
        deals.lose(ctx, id_of(b), on=date(2026, 11, 22), reason="price")
    a, b = fetch(make_ctx, id_of(a)), fetch(make_ctx, id_of(b))
    assert a.closed_at == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert a.closed_at.date() == date(2026, 11, 20)
    assert b.closed_at is not None and b.closed_at.date() == date(2026, 11, 22)
    with make_ctx() as ctx:
        win_row = deals.history(ctx, id_of(a))[-1]
    assert (win_row.change, win_row.at) == ("win", datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    c = new_deal(make_ctx, title="C")
    with make_ctx() as ctx:
        deals.win(ctx, id_of(c), on="today")
    assert fetch(make_ctx, id_of(c)).closed_at == NOW


def test_win_before_the_deal_entered_its_stage_is_refused(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), title="A")
    refused = pytest.raises(Invalid, match=r"before the deal's last change \(2026-11-20\)")
    with refused, make_ctx() as ctx:
        deals.win(ctx, id_of(deal), on="2026-11-19")
    assert fetch(make_ctx, id_of(deal)).closed_at is None


@pytest.mark.parametrize("on", ["tomorrow", "2026-11-24", date(2026, 12, 1)])
def test_win_or_lose_on_a_future_date_is_refused(make_ctx: MakeCtx, on: str | date) -> None:
    deal = new_deal(make_ctx, title="A")
    with pytest.raises(Invalid, match="in the future"), make_ctx() as ctx:
        deals.win(ctx, id_of(deal), on=on)
    with pytest.raises(Invalid, match="in the future"), make_ctx() as ctx:
        deals.lose(ctx, id_of(deal), on=on)
    got = fetch(make_ctx, id_of(deal))
    assert got.closed_at is None and got.probability == 10


# --- money -------------------------------------------------------------------------------


def test_amount_is_stored_in_minor_units(make_ctx: MakeCtx) -> None:
    usd = new_deal(make_ctx, title="A", amount="12000.00")
    jpy = new_deal(make_ctx, title="B", amount="12,000", currency="jpy")
    dec = new_deal(make_ctx, title="C", amount=Decimal("12000.5"))
    assert (usd.amount_minor, usd.currency) == (1200000, "USD")
    assert (jpy.amount_minor, jpy.currency) == (12000, "JPY")
    assert dec.amount_minor == 1200050
    with make_ctx() as ctx:
        row = listing.get_row(ctx, "deal", id_of(usd))
        assert (row["amount"], row["currency"]) == (Decimal("12000.00"), "USD")
        assert listing.get_row(ctx, "deal", id_of(jpy))["amount"] == Decimal("12000")


def test_default_currency_comes_from_settings(make_ctx: MakeCtx) -> None:
    with make_ctx(currency="EUR") as ctx:
        deal = deals.create(ctx, DealInput(title="A", amount="99.5"))
    assert (deal.amount_minor, deal.currency) == (9950, "EUR")


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [
        ("10.0051", None, "has more decimals than USD allows (2)"),
        (
            "10.005",
            None,
            "is ambiguous (10005, or 10 and a fraction .005?); write 10005, or set "
            "the decimal point: --decimal , or . (import), [defaults] decimal in the config",
        ),
        ("5.5", "JPY", "has more decimals than JPY allows (0)"),
        ("-5", None, "must not be negative"),
        (Decimal("-5"), None, "must not be negative"),
        ("ten", None, "is not an amount"),
    ],
)
def test_bad_amounts_are_refused(
    make_ctx: MakeCtx, amount: str, currency: str | None, reason: str
) -> None:
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        deals.create(ctx, DealInput(title="A", amount=amount, currency=currency))
    assert (err.value.field, err.value.reason) == ("amount", reason)
    with make_ctx() as ctx:
        assert listing.list_deals(ctx, Filter(status="all")).total == 0


def test_unknown_currency_is_refused(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match="ISO 4217"), make_ctx() as ctx:
        deals.create(ctx, DealInput(title="A", amount="1", currency="XYZ"))


def test_missing_amount_stays_unknown_not_zero(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    assert deal.amount_minor is None
    with make_ctx() as ctx:
        assert listing.get_row(ctx, "deal", id_of(deal))["amount"] is None
        assert deals.history(ctx, id_of(deal))[0].amount_minor is None
    # a zero amount is a known amount
    assert new_deal(make_ctx, title="B", amount="0").amount_minor == 0


def test_currency_change_converts_minor_units(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", amount="12000")
    got = edit(make_ctx, id_of(deal), now=at(24), currency="jpy")
    assert (got.amount_minor, got.currency) == (12000, "JPY")
    got = edit(make_ctx, id_of(deal), now=at(25), currency="BHD")
    assert (got.amount_minor, got.currency) == (12000000, "BHD")
    got = edit(make_ctx, id_of(deal), now=at(26), currency="JPY", amount="5000")
    assert (got.amount_minor, got.currency) == (5000, "JPY")
    with make_ctx() as ctx:
        hist = deals.history(ctx, id_of(deal))
    assert [(h.change, h.amount_minor, h.currency) for h in hist] == [
        ("create", 1200000, "USD"),
        ("amount", 12000, "JPY"),
        ("amount", 12000000, "BHD"),
        ("amount", 5000, "JPY"),
    ]


def test_currency_change_that_would_drop_minor_units_is_refused(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", amount="12000.50")
    with pytest.raises(Invalid, match="more decimals than JPY"), make_ctx() as ctx:
        deals.edit(ctx, id_of(deal), DealChanges(currency="JPY"))
    got = fetch(make_ctx, id_of(deal))
    assert (got.amount_minor, got.currency) == (1200050, "USD")


def test_currency_change_without_amount_keeps_it_unknown(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    got = edit(make_ctx, id_of(deal), currency="EUR")
    assert (got.amount_minor, got.currency) == (None, "EUR")


# --- accounts by name --------------------------------------------------------------------


def test_account_found_by_name_case_and_space_insensitively(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        acme = accounts.create(ctx, accounts.AccountInput(name="Acme Ltd"))
    with make_ctx() as ctx:
        deal = deals.create(ctx, DealInput(title="A", account="acme  LTD"))
        assert ctx.notices == []
    assert deal.account_id == acme.id


def test_new_account_name_creates_it_with_a_notice(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        deal = deals.create(ctx, DealInput(title="A", account="  Globex   Corp "))
        assert ctx.notices == [f"created account {deal.account_id} 'Globex Corp'"]
        acct = ctx.session.get(Account, deal.account_id)
        assert acct is not None
        assert (acct.name, acct.owner_id) == ("Globex Corp", ctx.user().id)
    with make_ctx() as ctx:  # the second time it is found
        again = deals.create(ctx, DealInput(title="B", account="globex corp"))
        assert ctx.notices == []
    assert again.account_id == deal.account_id


def test_a_second_account_of_the_same_name_needs_duplicate(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        first = accounts.create(ctx, accounts.AccountInput(name="Initech"))
    with pytest.raises(Conflict, match=rf"exists \(id {first.id}\)"), make_ctx() as ctx:
        accounts.create(ctx, accounts.AccountInput(name="  initech "))


def test_two_live_accounts_with_the_same_name_conflict(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        a = accounts.create(ctx, accounts.AccountInput(name="Initech"))
        b = accounts.create(ctx, accounts.AccountInput(name="initech"), duplicate=True)
        gone = accounts.create(ctx, accounts.AccountInput(name="Umbrella"))
        accounts.create(ctx, accounts.AccountInput(name="Umbrella"), duplicate=True)
        records.archive(ctx, "account", id_of(gone))
    with pytest.raises(Conflict) as err, make_ctx() as ctx:
        deals.create(ctx, DealInput(title="A", account="INITECH"))
    assert f"ids {a.id}, {b.id}" in str(err.value)
    with make_ctx() as ctx:  # an archived duplicate does not count
        deal = deals.create(ctx, DealInput(title="B", account="umbrella"))
    assert deal.account_id == id_of(gone) + 1


def test_account_by_id_and_from_contact(make_ctx: MakeCtx) -> None:
    from pipecli.core.services import contacts

    with make_ctx() as ctx:
        acme = accounts.create(ctx, accounts.AccountInput(name="Acme"))
        li = contacts.create(ctx, contacts.ContactInput(name="Li Wei", account=acme.id))
    with make_ctx() as ctx:
        by_id = deals.create(ctx, DealInput(title="A", account=str(acme.id)))
        by_contact = deals.create(ctx, DealInput(title="B", contact="li wei"))
    assert by_id.account_id == acme.id
    assert (by_contact.account_id, by_contact.contact_id) == (acme.id, li.id)
    with pytest.raises(NotFound), make_ctx() as ctx:
        deals.create(ctx, DealInput(title="C", account="99"))


# --- records -----------------------------------------------------------------------------


def test_archive_hides_from_lists_and_undelete_brings_back(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    keep = new_deal(make_ctx, title="B")
    with make_ctx() as ctx:
        records.archive(ctx, "deal", id_of(deal))
    with make_ctx() as ctx:
        assert [r["id"] for r in listing.list_deals(ctx, Filter(status="all")).rows] == [keep.id]
        archived = listing.list_deals(ctx, Filter(status="all", archived=True)).rows
        assert [(r["id"], r["archived"]) for r in archived] == [(deal.id, True)]
        assert listing.get_row(ctx, "deal", id_of(deal))["archived"] is True  # show still works
    with pytest.raises(Conflict, match="deleted already"), make_ctx() as ctx:
        records.archive(ctx, "deal", id_of(deal))
    with make_ctx() as ctx:
        records.unarchive(ctx, "deal", id_of(deal))
    with make_ctx() as ctx:
        ids = [r["id"] for r in listing.list_deals(ctx, Filter(status="all")).rows]
    assert ids == [deal.id, keep.id]
    with pytest.raises(Conflict, match="is not deleted"), make_ctx() as ctx:
        records.unarchive(ctx, "deal", id_of(deal))


def test_an_archived_record_is_refused_for_change(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A")
    with make_ctx() as ctx:
        records.archive(ctx, "deal", id_of(deal))
    change: Callable[[Ctx], object]
    for change in (
        lambda ctx: deals.edit(ctx, id_of(deal), DealChanges(title="B")),
        lambda ctx: deals.move(ctx, id_of(deal), "proposal"),
        lambda ctx: deals.win(ctx, id_of(deal)),
        lambda ctx: deals.lose(ctx, id_of(deal)),
    ):
        with pytest.raises(Conflict, match=f"deal {deal.id} is archived"), make_ctx() as ctx:
            change(ctx)
    assert fetch(make_ctx, id_of(deal)).title == "A"


def test_purge_refused_while_referenced(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", account="Acme")
    with make_ctx() as ctx:
        tasks.create(ctx, tasks.TaskInput(title="call", deal=deal.id))
    assert deal.account_id is not None
    with pytest.raises(Conflict, match=r"referred to by 1 deal\(s\)"), make_ctx() as ctx:
        records.purge(ctx, "account", deal.account_id)
    with pytest.raises(Conflict, match=r"referred to by 1 task\(s\)"), make_ctx() as ctx:
        records.purge(ctx, "deal", id_of(deal))
    with make_ctx() as ctx:  # still there
        assert ctx.session.get(Account, deal.account_id) is not None


def test_purge_removes_an_unreferenced_record_with_its_history_and_tags(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", tags=["x"])
    with make_ctx() as ctx:
        deals.move(ctx, id_of(deal), "proposal")
        acct = accounts.create(ctx, accounts.AccountInput(name="Lonely", tags=["y"]))
    with make_ctx() as ctx:
        records.purge(ctx, "deal", id_of(deal))
        records.purge(ctx, "account", id_of(acct))
    with make_ctx() as ctx:
        with pytest.raises(NotFound):
            deals.get(ctx, id_of(deal))
        assert ctx.session.get(Account, acct.id) is None
        assert history_count(ctx) == 0
        assert listing.list_deals(ctx, Filter(status="all", tag="x")).total == 0


def test_record_kind_must_be_known(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match="must be one of"), make_ctx() as ctx:
        records.archive(ctx, "widget", 1)


# --- list filters ------------------------------------------------------------------------


@pytest.fixture
def five_deals(make_ctx: MakeCtx) -> list[int]:
    """d1 open Ann, d2 open Bob, d3 won, d4 lost, d5 archived; tags and close dates vary."""
    with make_ctx() as ctx:
        d1 = deals.create(
            ctx,
            DealInput(title="Acme renewal", account="Acme", close="2026-12-10", tags=["Q4"]),
        )
        d2 = deals.create(
            ctx,
            DealInput(
                title="Pilot",
                account="Globex",
                close="2027-01-20",
                owner="Bob",
                tags=["q4"],
                create_owner=True,
            ),
        )
        d3 = deals.create(ctx, DealInput(title="Initech upsell", close="2026-12-31"))
        d4 = deals.create(ctx, DealInput(title="Umbrella", close="2026-11-30"))
        d5 = deals.create(ctx, DealInput(title="Old acme thing", close="2026-12-15"))
        deals.win(ctx, id_of(d3))
        deals.lose(ctx, id_of(d4))
        records.archive(ctx, "deal", id_of(d5))
    return [id_of(d) for d in (d1, d2, d3, d4, d5)]


def ids(make_ctx: MakeCtx, **flt: Any) -> list[int]:
    with make_ctx() as ctx:
        return [r["id"] for r in listing.list_deals(ctx, Filter(**flt)).rows]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, [1, 2]),
        ("open", [1, 2]),
        ("won", [3]),
        ("lost", [4]),
        ("closed", [3, 4]),
        ("ALL", [1, 2, 3, 4]),
    ],
)
def test_list_deals_by_status(
    make_ctx: MakeCtx, five_deals: list[int], status: str | None, expected: list[int]
) -> None:
    assert ids(make_ctx, status=status) == [five_deals[i - 1] for i in expected]


def test_list_deals_filters(make_ctx: MakeCtx, five_deals: list[int]) -> None:
    d1, d2, d3, d4, d5 = five_deals
    assert ids(make_ctx, owner="me") == [d1]
    assert ids(make_ctx, owner="me", status="all") == [d1, d3, d4]
    assert ids(make_ctx, owner="bob") == [d2]
    assert ids(make_ctx, owner="Nobody") == []
    assert ids(make_ctx, tag=" Q4 ") == [d1, d2]
    assert ids(make_ctx, tag="q4", owner="Bob") == [d2]
    assert ids(make_ctx, search="ACME", status="all") == [d1]  # title and account name
    assert ids(make_ctx, search="globex") == [d2]
    assert ids(make_ctx, search="acme", archived=True, status="all") == [d5]
    assert ids(make_ctx, date_from="2026-12-01", date_to="2026-12-31", status="all") == [d1, d3]
    assert ids(make_ctx, date_from="2026-12-10", date_to="2026-12-10") == [d1]
    assert ids(make_ctx, date_to="2026-11-30", status="all") == [d4]
    assert ids(make_ctx, date_from="2027-01-01") == [d2]
    assert ids(make_ctx, stage="won") == [d3]  # a stage filter shows closed deals too
    assert ids(make_ctx, account="acme", status="all") == [d1]


def test_list_limit_and_total(make_ctx: MakeCtx, five_deals: list[int]) -> None:
    with make_ctx() as ctx:
        page = listing.list_deals(ctx, Filter(status="all", limit=3))
        assert [r["id"] for r in page.rows] == five_deals[:3]
        assert (page.total, page.more) == (4, 1)
        page = listing.list_deals(ctx, Filter(status="all", limit=0))  # 0: no limit
        assert (len(page.rows), page.total, page.more) == (4, 4, 0)
        page = listing.list_deals(ctx, Filter(status="open", limit=None))
        assert (len(page.rows), page.total, page.more) == (2, 2, 0)
        row = listing.list_deals(ctx, Filter(tag="q4", limit=1)).rows[0]
        assert (row["tags"], row["account"], row["owner"]) == (["q4"], "Acme", "Ann")


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        ({"status": "maybe"}, "status"),
        ({"limit": -1}, "limit"),
        ({"date_from": "2026-12-31", "date_to": "2026-12-01"}, "close-to"),
        ({"date_from": "someday"}, "close-from"),
    ],
)
def test_list_filter_refusals(make_ctx: MakeCtx, flt: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        listing.list_deals(ctx, Filter(**flt))
    assert err.value.field == field


# --- unit of work ------------------------------------------------------------------------


def test_failure_inside_a_unit_of_work_leaves_nothing_behind(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid), make_ctx() as ctx:
        first = deals.create(ctx, DealInput(title="A", account="Globex", amount="10"))
        assert first.id is not None and ctx.notices  # written (flushed) ...
        deals.create(ctx, DealInput(title="B", account="Initech", amount="10.005"))
    with make_ctx() as ctx:  # ... and rolled back whole
        assert listing.list_deals(ctx, Filter(status="all")).total == 0
        assert listing.list_accounts(ctx, Filter()).total == 0
        assert history_count(ctx) == 0


def test_refused_create_with_new_account_name_creates_no_account(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid), make_ctx() as ctx:
        deals.create(ctx, DealInput(title="B", account="Initech", amount="10.005"))
    with make_ctx() as ctx:
        assert listing.list_accounts(ctx, Filter()).total == 0


def test_failed_edit_changes_nothing(make_ctx: MakeCtx) -> None:
    deal = new_deal(make_ctx, title="A", amount="100")
    with pytest.raises(Invalid), make_ctx() as ctx:
        deals.edit(ctx, id_of(deal), DealChanges(title="B", account="Newco", close="someday"))
    got = fetch(make_ctx, id_of(deal))
    assert (got.title, got.account_id, got.amount_minor) == ("A", None, 10000)
    with make_ctx() as ctx:
        assert listing.list_accounts(ctx, Filter()).total == 0


def test_search_treats_percent_and_underscore_literally(make_ctx: MakeCtx) -> None:
    for title in ("50% off", "500 seats", "a_b", "ab"):
        new_deal(make_ctx, title=title)
    with make_ctx() as ctx:
        pct = [r["title"] for r in listing.list_deals(ctx, Filter(search="50%")).rows]
        und = [r["title"] for r in listing.list_deals(ctx, Filter(search="a_b")).rows]
    assert pct == ["50% off"]
    assert und == ["a_b"]


def test_win_back_dated_behind_a_later_edit_is_refused(make_ctx: MakeCtx) -> None:
    """History stays in time order: a win cannot be dated before the deal's last change."""
    deal = new_deal(make_ctx, now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), title="A", amount="500")
    with make_ctx(now=datetime(2026, 11, 5, 9, 0, tzinfo=UTC)) as ctx:
        deals.edit(ctx, id_of(deal), DealChanges(amount="900"))
    with pytest.raises(Invalid, match=r"last change \(2026-11-05\)"), make_ctx() as ctx:
        deals.win(ctx, id_of(deal), on="2026-11-03")
    with make_ctx() as ctx:
        deals.win(ctx, id_of(deal), on="2026-11-05")
    with make_ctx() as ctx:
        rows = deals.history(ctx, id_of(deal))
    assert [r.change for r in rows] == ["create", "amount", "win"]
    assert rows[2].at == datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
