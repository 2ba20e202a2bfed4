"""Deals: create, edit, move, win, lose and reopen — and the history row each change writes.

Rules kept here and nowhere else:
- A deal's probability follows its stage unless set by hand; winning forces 100, losing 0; a deal
  reopened from won or lost follows its new stage again.
- Every create, move, win, loss, reopen, amount, currency and close-date change writes a StageChange
  row: a snapshot (stage, amount, close date, probability) at that moment, by whom.
- `closed_at` is set while a deal sits in a won or lost stage and cleared when it is reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Contact, Deal, Stage, StageChange
from pipecli.core.services import common, pipelines
from pipecli.core.services.accounts import account_for
from pipecli.core.services.context import Ctx

PRODUCT_MAX = 200  # characters; the column's length


@dataclass
class DealInput(common.Owned):
    title: str
    account: str | int | None = None
    contact: str | int | None = None
    amount: str | Decimal | None = None
    currency: str | None = None
    close: str | date | None = None
    stage: str | None = None
    pipeline: str | None = None
    probability: str | int | None = None
    source: str | None = None
    product: str | None = None
    lead_id: int | None = None


@dataclass
class DealChanges(common.OwnedChanges):
    """A deal's edit (see `common`: UNSET not given, None or blank clears, else a value).
    Title, currency and owner cannot be cleared; a cleared probability follows the stage again,
    like `probability='auto'`."""

    title: common.Change[str] = common.UNSET
    account: common.Change[str | int] = common.UNSET
    contact: common.Change[str | int] = common.UNSET
    amount: common.Change[str | Decimal] = common.UNSET
    currency: common.Change[str] = common.UNSET
    close: common.Change[str | date] = common.UNSET
    probability: common.Change[str | int] = common.UNSET
    source: common.Change[str] = common.UNSET
    product: common.Change[str] = common.UNSET


def stage_probability(outcome: str, stage_default: int, manual: int | None) -> tuple[int, bool]:
    """The probability rule, pure: (probability, set-by-hand) of a deal in a stage.

    Won forces 100 and lost 0 (a hand-set value is dropped); in an open stage a hand-set
    `manual` value is kept, otherwise the deal follows the stage's default. Used by every
    write path: single edits here and bulk writes (services.bulk).
    """
    if outcome == "won":
        return 100, False
    if outcome == "lost":
        return 0, False
    if manual is not None:
        return manual, True
    return stage_default, False


def get(ctx: Ctx, deal_id: int | str) -> Deal:
    return common.get(ctx, Deal, deal_id, "deal")


def stage_of(ctx: Ctx, deal: Deal) -> Stage:
    stage = ctx.session.get(Stage, deal.stage_id)
    assert stage is not None
    return stage


def create(ctx: Ctx, inp: DealInput) -> Deal:
    """Validate everything first, then write the deal and its first history row."""
    title = common.required(inp.title, "title")
    pipe = pipelines.get_pipeline(ctx, inp.pipeline)
    stage = (
        pipelines.find_stage(ctx, pipe, inp.stage)
        if inp.stage
        else pipelines.first_open_stage(ctx, pipe)
    )
    amount, currency = common.as_money(ctx, inp.amount, inp.currency)
    amount_minor = common.to_minor(amount, currency)
    close = common.as_date(ctx, inp.close, "close")
    prob = pipelines.probability(inp.probability)
    if prob is not None and stage.outcome != "open":
        raise Invalid(
            "probability", prob, f"cannot be set on a deal in closing stage {stage.name!r}"
        )
    contact = common.resolve_ref(ctx, Contact, inp.contact, "contact")
    account = account_for(ctx, inp.account, contact)
    owner = common.resolve_owner(ctx, inp.owner, inp.create_owner)
    probability, manual = stage_probability(stage.outcome, stage.probability, prob)
    deal = Deal(
        title=title,
        pipeline_id=common.id_of(pipe),
        stage_id=common.id_of(stage),
        account_id=account.id if account else None,
        contact_id=contact.id if contact else None,
        lead_id=inp.lead_id,
        owner_id=owner.id,
        amount_minor=amount_minor,
        currency=currency,
        probability=probability,
        probability_manual=manual,
        expected_close=close,
        source=common.clean(inp.source, "source"),
        product=common.bounded(inp.product, "product", PRODUCT_MAX),
        notes=common.notes(inp.notes),
        stage_entered_at=ctx.now,
        created_at=ctx.now,
        updated_at=ctx.now,
        closed_at=ctx.now if stage.outcome != "open" else None,
    )
    ctx.session.add(deal)
    ctx.session.flush()
    record(ctx, deal, "create", None)
    common.set_tags(ctx, "deal", common.id_of(deal), inp.tags)
    return deal


def record(
    ctx: Ctx,
    deal: Deal,
    change: str,
    from_stage_id: int | None,
    note: str | None = None,
    at: datetime | None = None,
) -> None:
    """Write a history row: the deal as it stands now, and what just changed (at `at`, or now)."""
    ctx.session.add(
        StageChange(
            deal_id=common.id_of(deal),
            at=at or ctx.now,
            user_id=ctx.user().id,
            change=change,
            from_stage_id=from_stage_id,
            to_stage_id=deal.stage_id,
            amount_minor=deal.amount_minor,
            currency=deal.currency,
            expected_close=deal.expected_close,
            probability=deal.probability,
            note=common.notes(note, "note"),
        )
    )
    ctx.session.flush()


def _closed_at(ctx: Ctx, deal: Deal, on: str | date | None) -> datetime:
    """When a win or loss happened: now, or a past day (back-dated, at noon UTC).

    Not before the deal's last recorded change: history stays in time order, so a report
    `--as-of` any day shows the deal as it then stood (a win back-dated behind a later amount
    edit would show the edited amount on days before the edit)."""
    if on is None:
        return ctx.now
    day = common.as_date(ctx, on, "date")
    assert day is not None
    if day > ctx.today:
        raise Invalid("date", str(on), "is in the future; a deal closes today or earlier")
    last = (
        ctx.session.exec(
            select(func.max(StageChange.at)).where(StageChange.deal_id == deal.id)
        ).one()
        or deal.stage_entered_at
    )
    if day < last.date():
        raise Invalid("date", str(on), f"is before the deal's last change ({last.date()})")
    if day == ctx.today:
        return ctx.now
    return max(datetime.combine(day, time(12), tzinfo=UTC), last)


def _enter(ctx: Ctx, deal: Deal, stage: Stage, when: datetime) -> str:
    """Put the deal in `stage` under the probability and closing rules; returns the change kind."""
    old = stage_of(ctx, deal)
    deal.stage_id = common.id_of(stage)
    deal.stage_entered_at = when
    deal.updated_at = ctx.now
    keep = deal.probability if deal.probability_manual and old.outcome == "open" else None
    deal.probability, deal.probability_manual = stage_probability(
        stage.outcome, stage.probability, keep
    )
    if stage.outcome != "open":
        deal.closed_at = when
        if stage.outcome == "won":
            deal.lost_reason = deal.lost_note = None
        return change_kind(old.outcome, stage.outcome)
    deal.closed_at = None
    deal.lost_reason = deal.lost_note = None
    return change_kind(old.outcome, stage.outcome)


def change_kind(old_outcome: str, new_outcome: str) -> str:
    """The history `change` of entering a stage of `new_outcome` from one of `old_outcome`."""
    if new_outcome == "won":
        return "win"
    if new_outcome == "lost":
        return "lose"
    return "reopen" if old_outcome != "open" else "move"


def move(
    ctx: Ctx,
    deal_id: int | str,
    stage_ref: str,
    note: str | None = None,
    *,
    expected_version: int | None = None,
) -> Deal:
    """Move to any stage of the deal's pipeline; a won/lost stage wins or loses it.
    `expected_version`: the version a front end read the deal at, in an earlier unit (the
    board); the move is refused (exit 4) when the deal changed since (`common.check_version`)."""
    deal = common.get_live(ctx, Deal, deal_id, "deal")
    common.check_version(ctx, deal, expected_version)
    pipe = pipelines.get_pipeline(ctx, deal.pipeline_id)
    stage = pipelines.find_stage(ctx, pipe, stage_ref)
    if stage.id == deal.stage_id:
        raise Conflict(f"deal {deal.id} is already in {stage.name!r}")
    if stage.outcome != "open":  # a move into Won or Lost is a win or a loss, with their rule
        _not_closed(deal, "win" if stage.outcome == "won" else "lose", False)
    return move_to(ctx, deal, stage, note)


def move_to(ctx: Ctx, deal: Deal, stage: Stage, note: str | None = None) -> Deal:
    """Put `deal` in `stage` of its pipeline now, with the history row of the change (the
    checks are the caller's: `move` above, `stage_layout.delete_stage`)."""
    from_id = deal.stage_id
    change = _enter(ctx, deal, stage, ctx.now)
    ctx.session.add(deal)
    record(ctx, deal, change, from_id, note)
    return deal


def win(
    ctx: Ctx,
    deal_id: int | str,
    note: str | None = None,
    on: str | date | None = None,
    switch: bool = False,
    *,
    expected_version: int | None = None,
) -> Deal:
    """Win a deal. A lost deal is reopened first (a recorded loss is not turned into a win by
    a slip of the finger), unless `switch`: imports follow what the other system now says.
    `expected_version`: as for `move`."""
    deal = common.get_live(ctx, Deal, deal_id, "deal")
    common.check_version(ctx, deal, expected_version)
    stage = pipelines.outcome_stage(ctx, pipelines.get_pipeline(ctx, deal.pipeline_id), "won")
    if deal.stage_id == stage.id:
        raise Conflict(f"deal {deal.id} is already won")
    _not_closed(deal, "win", switch)
    from_id = deal.stage_id
    when = _closed_at(ctx, deal, on)
    _enter(ctx, deal, stage, when)
    ctx.session.add(deal)
    record(ctx, deal, "win", from_id, note, at=when)
    return deal


def lose(
    ctx: Ctx,
    deal_id: int | str,
    reason: str | None = None,
    note: str | None = None,
    on: str | date | None = None,
    switch: bool = False,
    *,
    expected_version: int | None = None,
) -> Deal:
    """Lose a deal; a won deal is reopened first, unless `switch` (see `win`)."""
    deal = common.get_live(ctx, Deal, deal_id, "deal")
    common.check_version(ctx, deal, expected_version)
    stage = pipelines.outcome_stage(ctx, pipelines.get_pipeline(ctx, deal.pipeline_id), "lost")
    if deal.stage_id == stage.id:
        raise Conflict(f"deal {deal.id} is already lost")
    _not_closed(deal, "lose", switch)
    from_id = deal.stage_id
    when = _closed_at(ctx, deal, on)
    _enter(ctx, deal, stage, when)
    deal.lost_reason, deal.lost_note = common.clean(reason, "reason"), common.notes(note, "note")
    ctx.session.add(deal)
    why = ": ".join(t for t in (deal.lost_reason, note) if t) or None
    record(ctx, deal, "lose", from_id, why, at=when)
    return deal


def _not_closed(deal: Deal, verb: str, switch: bool) -> None:
    if deal.closed_at is not None and not switch:
        state = "lost" if verb == "win" else "won"
        raise Conflict(f"deal {deal.id} is {state}; `pipe reopen {deal.id}` first to {verb} it")


def reopen(
    ctx: Ctx,
    deal_id: int | str,
    stage_ref: str | None = None,
    *,
    expected_version: int | None = None,
) -> Deal:
    """Back to an open stage: the one it was in before closing, unless a stage is named.
    `expected_version`: as for `move`."""
    deal = common.get_live(ctx, Deal, deal_id, "deal")
    common.check_version(ctx, deal, expected_version)
    if deal.closed_at is None:
        raise Conflict(f"deal {deal.id} is open already")
    pipe = pipelines.get_pipeline(ctx, deal.pipeline_id)
    stage = (
        pipelines.find_stage(ctx, pipe, stage_ref) if stage_ref else _stage_before_close(ctx, deal)
    )
    if stage.outcome != "open":
        raise Invalid("stage", stage.name, "is a closing stage; reopen into an open stage")
    from_id = deal.stage_id
    _enter(ctx, deal, stage, ctx.now)
    ctx.session.add(deal)
    record(ctx, deal, "reopen", from_id)
    return deal


def _stage_before_close(ctx: Ctx, deal: Deal) -> Stage:
    rows = ctx.session.exec(
        select(StageChange)
        .where(StageChange.deal_id == deal.id)
        .order_by(col(StageChange.at).desc(), col(StageChange.id).desc())
    )
    for row in rows:
        stage = ctx.session.get(Stage, row.to_stage_id)
        if stage is not None and stage.outcome == "open" and stage.archived_at is None:
            return stage
    return pipelines.first_open_stage(ctx, pipelines.get_pipeline(ctx, deal.pipeline_id))


def edit(
    ctx: Ctx, deal_id: int | str, ch: DealChanges, *, expected_version: int | None = None
) -> Deal:
    """Validate all changes, then apply them; amount/currency/close/probability write history.
    `expected_version`: as for `move`."""
    U = common.UNSET
    deal = common.get_live(ctx, Deal, deal_id, "deal")
    common.check_version(ctx, deal, expected_version)
    if ch.currency is not U and not (ch.currency or "").strip():
        raise Invalid("currency", ch.currency, "must not be empty")
    amount, currency = common.as_money(
        ctx,
        None if ch.amount is U else ch.amount,
        None if ch.currency is U else ch.currency,
        current=deal.currency,
    )
    amount_minor = deal.amount_minor
    if ch.amount is not U:
        amount_minor = common.to_minor(amount, currency)
    elif currency != deal.currency and deal.amount_minor is not None:
        from pipecli.core import money

        amount_minor = money.to_minor(money.from_minor(deal.amount_minor, deal.currency), currency)
    close = common.as_date(ctx, ch.close, "close") if ch.close is not U else deal.expected_close
    prob, manual = _probability_change(ctx, deal, ch.probability)
    contact_id, account_id = deal.contact_id, deal.account_id
    if ch.contact is not U:
        contact = common.resolve_ref(ctx, Contact, ch.contact, "contact")
        contact_id = contact.id if contact else None
    if ch.account is not U:
        account = account_for(ctx, ch.account, None)
        account_id = account.id if account else None
    owner = common.owner_change(ctx, ch) if ch.owner is not U else None
    title = common.required(ch.title, "title") if ch.title is not U else deal.title
    texts = common.changes_of(ch, _TEXTS)
    changes = []
    if (amount_minor, currency) != (deal.amount_minor, deal.currency):
        changes.append("amount")
    if close != deal.expected_close:
        changes.append("close_date")
    if prob != deal.probability:
        changes.append("probability")
    deal.title, deal.amount_minor, deal.currency = title, amount_minor, currency
    deal.expected_close, deal.probability, deal.probability_manual = close, prob, manual
    deal.account_id, deal.contact_id = account_id, contact_id
    if owner is not None:
        deal.owner_id = owner.id
    for column, value in texts.items():
        setattr(deal, column, value)
    deal.updated_at = ctx.now
    ctx.session.add(deal)
    for change in changes:
        record(ctx, deal, change, deal.stage_id)
    common.set_tags(ctx, "deal", common.id_of(deal), ch.tags, ch.untags)
    return deal


# a deal's free-text fields an edit sets or clears: field -> (column, parser)
_TEXTS: dict[str, tuple[str, common.Parser]] = {
    "source": ("source", lambda v: common.clean(v, "source")),
    "product": ("product", lambda v: common.bounded(v, "product", PRODUCT_MAX)),
    "notes": ("notes", common.notes),
}


def _probability_change(ctx: Ctx, deal: Deal, value: common.Change[str | int]) -> tuple[int, bool]:
    """A hand-set probability; `auto` (or `stage`, or a cleared one) follows the stage again."""
    if value is common.UNSET:
        return deal.probability, deal.probability_manual
    closed = deal.closed_at is not None
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto", "stage")):
        return (deal.probability, False) if closed else (stage_of(ctx, deal).probability, False)
    if closed:
        raise Invalid("probability", value, "is fixed on a won or lost deal (100 or 0)")
    prob = pipelines.probability(value)
    assert prob is not None
    return prob, True


def history(ctx: Ctx, deal_id: int | str) -> list[StageChange]:
    deal = get(ctx, deal_id)
    return list(
        ctx.session.exec(
            select(StageChange)
            .where(StageChange.deal_id == deal.id)
            .order_by(col(StageChange.at), col(StageChange.id))
        )
    )
