"""The board's data: one pipeline's stages as columns, each with its cards and its totals.

Built for `pipe board` (pipecli/tui), but headless like every service, so its numbers are tested
against the CLI's. A column's deal count is what `pipe list deals --stage S` counts; its total and
weighted total are converted into the report currency the way `pipe report forecast` converts
(reports/fx.py: open deals at today's rate, won and lost ones at their close day's; sums of minor
units per currency, rounded once); when a rate is missing the column keeps per-currency totals
instead of mixing currencies. Deals without an amount count as deals, not as zero money.

Cards are light tuples from one query per board (no per-card query, no tags): the board draws
only the cards on screen, so 100,000 open deals cost one query and a list, not 100,000 widgets.
Filters are the CLI's (`listing.Filter`: search, owner, tag, close range) and use the listing's
conditions, so `/` on the board matches what `pipe list deals` would list.

`version(ctx)` is the cheap change check the board polls: counts and newest timestamps of deals,
history and tasks (aggregates, no rows), so another process's write shows within a poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, case, func, literal, select
from sqlmodel import col

from pipecli.core import money
from pipecli.core.models import Account, Contact, Deal, Stage, StageChange, Task, User
from pipecli.core.reports import fx
from pipecli.core.reports import scope as sc
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.filters import (
    Filter,
    archived_cond,
    date_range,
    owner_cond,
    search_cond,
    tag_cond,
)

CLOSED_CARDS = 200  # won/lost columns show the most recently closed deals only


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    title: str
    account: str | None
    amount_minor: int | None
    currency: str
    close: date | None
    owner: str | None
    probability: int
    days_in_stage: int
    rotting: bool
    overdue: bool
    version: int | None = None
    """The deal's row version when the card was read: the board's writes pass it back
    (`deals.move(..., expected_version=)`), so a card changed elsewhere meanwhile is refused."""

    @property
    def amount(self) -> Decimal | None:
        """The amount in its currency (made when a card is drawn, not for every card loaded)."""
        return (
            None
            if self.amount_minor is None
            else money.from_minor(self.amount_minor, self.currency)
        )


@dataclass(frozen=True)
class Money:
    currency: str
    total: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class Column:
    stage_id: int
    name: str
    outcome: str  # open, won, lost
    rot_days: int | None
    count: int
    total: Decimal | None  # in the report currency; None when a rate is missing
    weighted: Decimal | None
    by_currency: tuple[Money, ...]  # per currency, unconverted
    missing_rate: str | None  # the pair that had no rate, e.g. "EUR/USD"
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Board:
    pipeline_id: int
    pipeline: str
    pipelines: tuple[str, ...]
    currency: str
    today: date
    columns: tuple[Column, ...]


def version(ctx: Ctx) -> tuple[Any, ...]:
    """A fingerprint that changes when a deal is added, edited, moved, closed, archived or
    restored, or a task changes: three aggregates, no rows fetched. (A renamed account or a
    changed tag shows at the next reload: they do not touch the deal.)"""
    parts = [
        select(
            func.count(col(Deal.id)), func.max(Deal.updated_at), func.count(col(Deal.archived_at))
        ),
        select(func.max(StageChange.id)),
        select(
            func.count(col(Task.id)), func.max(Task.updated_at), func.count(col(Task.archived_at))
        ),
    ]
    row: list[Any] = []
    for query in parts:
        row.extend(ctx.session.execute(query).one())
    return tuple(str(v) for v in row)


def _conditions(ctx: Ctx, flt: Filter) -> list[Any]:
    conds = [
        archived_cond(Deal, flt),
        owner_cond(ctx, Deal, flt),
        tag_cond("deal", Deal, flt),
        search_cond(flt, Deal.title, Account.name, Contact.name),
        *date_range(ctx, Deal.expected_close, flt, ("close-from", "close-to")),
    ]
    return [c for c in conds if c is not None]


def _joined(query: Any) -> Any:
    return query.outerjoin(Account, col(Account.id) == Deal.account_id).outerjoin(
        Contact, col(Contact.id) == Deal.contact_id
    )


def load(ctx: Ctx, pipeline: str | int | None = None, flt: Filter | None = None) -> Board:
    """The board of `pipeline` (default: the default pipeline) under the filter `flt`."""
    flt = flt or Filter(limit=None)
    pipe = pipelines.get_pipeline(ctx, pipeline)
    stages = pipelines.stages_of(ctx, common.id_of(pipe))
    conds = _conditions(ctx, flt)
    sums = _sums(ctx, [common.id_of(s) for s in stages], conds)
    cards = _cards(ctx, stages, conds)
    currency = common.as_currency(ctx, None)
    conv = fx.Converter(ctx, currency, ctx.today)
    columns = tuple(
        _column(s, sums.get(common.id_of(s), []), cards.get(common.id_of(s), ()), conv)
        for s in stages
    )
    names = tuple(p.name for p in pipelines.list_pipelines(ctx))
    return Board(common.id_of(pipe), pipe.name, names, currency, ctx.today, columns)


def _sums(ctx: Ctx, stage_ids: Sequence[int], conds: list[Any]) -> dict[int, list[tuple[Any, ...]]]:
    """Per stage: (currency, close day of a closed deal or None, deals, sum of minor units,
    sum of minor units × probability, deals with an amount)."""
    day = sc.utc_day(ctx, Deal.closed_at)
    keys: list[Any] = [Deal.stage_id, Deal.currency, day]
    query = select(
        *keys,
        func.count(),
        func.coalesce(func.sum(Deal.amount_minor), 0),
        func.coalesce(func.sum(col(Deal.amount_minor) * Deal.probability), 0),
    ).where(col(Deal.stage_id).in_(list(stage_ids) or [-1]), *conds)
    out: dict[int, list[tuple[Any, ...]]] = {}
    for stage_id, cur, closed, n, total, weighted in ctx.session.execute(
        _joined(query).group_by(*keys)
    ).all():
        out.setdefault(stage_id, []).append((cur, fx.close_day(closed), n, total, weighted))
    return out


def _cards(ctx: Ctx, stages: Sequence[Stage], conds: list[Any]) -> dict[int, tuple[Card, ...]]:
    """Cards per stage: open stages all of theirs (soonest expected close first), closed stages
    the most recently closed CLOSED_CARDS."""
    rot = {common.id_of(s): s.rot_days for s in stages}
    open_ids = [common.id_of(s) for s in stages if s.outcome == "open"]
    out: dict[int, list[Card]] = {}
    days = sc.days_between(ctx, Deal.stage_entered_at, literal(ctx.today, Date))
    today, conn = ctx.today, ctx.session.connection()  # Core rows: no ORM loading per row
    for row in conn.execute(_card_query(open_ids, conds, days)).all():
        out.setdefault(row[8], []).append(_card(today, row, rot[row[8]]))
    for s in stages:
        if s.outcome != "open":
            query = _card_query([common.id_of(s)], conds, days, closed=True)
            rows = conn.execute(query).all()
            out[common.id_of(s)] = [_card(today, r, None, False) for r in rows]
    return {k: tuple(v) for k, v in out.items()}


def _card_query(stage_ids: Sequence[int], conds: list[Any], days: Any, closed: bool = False) -> Any:
    """Days in stage are counted in SQL (UTC dates, as `pipe report stale` counts them)."""
    fields: list[Any] = [
        Deal.id, Deal.title, Account.name, Deal.amount_minor, Deal.currency, Deal.expected_close,
        User.name, days, Deal.stage_id, Deal.probability, Deal.version,
    ]  # fmt: skip
    query = (
        select(*fields)
        .outerjoin(User, col(User.id) == Deal.owner_id)
        .where(col(Deal.stage_id).in_(list(stage_ids) or [-1]), *conds)
    )
    query = _joined(query)
    if closed:
        return query.order_by(col(Deal.closed_at).desc(), col(Deal.id).desc()).limit(CLOSED_CARDS)
    return query.order_by(
        case((col(Deal.expected_close).is_(None), 1), else_=0), Deal.expected_close, Deal.id
    )


def _card(today: date, r: Any, rot_days: int | None, is_open: bool = True) -> Card:
    did, title, account, minor, cur, close, owner, days, _, prob, version = r
    days = int(days)
    return Card(
        did, title, account, minor, cur, close, owner, prob, days,
        rot_days is not None and days > rot_days,
        is_open and close is not None and close < today, version,
    )  # fmt: skip


def _column(
    stage: Stage, sums: list[tuple[Any, ...]], cards: tuple[Card, ...], conv: fx.Converter
) -> Column:
    count = sum(int(n) for _, _, n, _, _ in sums)
    per: dict[str, list[int]] = {}
    for cur, _, _, total, weighted in sums:
        slot = per.setdefault(cur, [0, 0])
        slot[0] += int(total)
        slot[1] += int(weighted)
    by_currency = tuple(
        Money(
            cur,
            money.from_minor(t, cur),
            money.quantize(money.from_minor(w, cur) / 100, cur),
        )
        for cur, (t, w) in sorted(per.items())
    )
    total = weighted = None
    missing = None
    try:
        total, weighted = _converted(stage, sums, conv)
    except fx.MissingRate as exc:
        missing = exc.pair
    return Column(
        common.id_of(stage), stage.name, stage.outcome, stage.rot_days, count, total, weighted,
        by_currency, missing, cards,
    )  # fmt: skip


def _converted(
    stage: Stage, sums: list[tuple[Any, ...]], conv: fx.Converter
) -> tuple[Decimal, Decimal]:
    """Total and weighted total in the report currency: open deals at today's rate, closed
    ones at their close day's (as the reports convert), rounded once."""
    total = weighted = Decimal(0)
    for cur, closed, _, t, w in sums:
        day = closed if stage.outcome != "open" else None
        total += conv.minor(int(t), cur, day)
        weighted += conv.minor(Decimal(int(w)) / 100, cur, day)
    return money.quantize(total, conv.currency), money.quantize(weighted, conv.currency)


def card_order(card: Card) -> tuple[bool, date, int]:
    """The order of cards in an open column (as `_card_query` sorts them)."""
    return (card.close is None, card.close or date.min, card.id)


def with_card_moved(
    data: Board, deal_id: int, to_stage_id: int, version: int | None = None
) -> Board:
    """The board as it looks once `deal_id` sits in `to_stage_id`, for a front end to show a move
    at once; counts follow, totals wait for the next `load` (their conversion needs the store).
    `version`: the deal's row version after the move (the card's next write passes it)."""
    from dataclasses import replace
    from itertools import chain

    card = next((c for c in chain(*(k.cards for k in data.columns)) if c.id == deal_id), None)
    if card is None:
        return data
    card = replace(card, days_in_stage=0, rotting=False, version=version or card.version)
    columns = []
    for column in data.columns:
        cards = tuple(c for c in column.cards if c.id != deal_id)
        if column.stage_id == to_stage_id:
            cards = tuple(sorted((*cards, card), key=card_order))
        count = column.count + len(cards) - len(column.cards)
        columns.append(replace(column, cards=cards, count=count))
    return replace(data, columns=tuple(columns))
