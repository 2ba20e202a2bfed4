"""The board's data: one pipeline's stages as columns, each with its cards and its totals.

Built for `pipe board` (pipecli/tui), but headless like every service, so its numbers are tested
against the CLI's. A column's deal count is what `pipe list deals --stage S` counts; its total and
weighted total are converted into the report currency the way `pipe report forecast` converts
(reports/fx.py: open deals at today's rate, won and lost ones at their close day's; sums of minor
units per currency, rounded once); when a rate is missing the column keeps per-currency totals
instead of mixing currencies. Deals without an amount count as deals, not as zero money.

Cards are light tuples read a page at a time: each column reads its first `PAGE` cards (one
LIMIT query per stage, no per-card query) and its count and totals from aggregates, and a front
end that scrolls further asks `page` for the next ones; a reload keeps as many cards per column
as were loaded (`shown`). So 100,000 open deals cost a few aggregates and a few pages, not a
list of 100,000 (and not 100,000 widgets). Won and lost cards carry the day they closed.
Filters are the CLI's (`listing.Filter`: search, owner, tag, close range) and use the listing's
conditions, so `/` on the board matches what `pipe list deals` would list.

`version(ctx)` is the cheap change check the board polls: one round trip of aggregates (counts,
newest timestamps, checksums; no rows) over every table a card, a header or a filter shows, so
another process's write shows within a poll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, cast, func, literal, select, true
from sqlmodel import col

from pipecli.core import money
from pipecli.core.models import (
    Account,
    Contact,
    Deal,
    FxRate,
    Pipeline,
    Stage,
    StageChange,
    Tag,
    TagLink,
    Task,
    User,
)
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

PAGE = 60  # cards a column reads at a time (a screen shows about ten)


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
    closed: date | None = None  # the day (user's zone) a won or lost deal closed
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
    cards: tuple[Card, ...]  # the first of the column's `count` cards, in its order (paged)

    @property
    def complete(self) -> bool:
        """Every card of the column is loaded."""
        return len(self.cards) >= self.count


@dataclass(frozen=True)
class Board:
    pipeline_id: int
    pipeline: str
    pipelines: tuple[str, ...]
    currency: str
    today: date
    columns: tuple[Column, ...]


def version(ctx: Ctx) -> tuple[Any, ...]:
    """A fingerprint that changes when anything a card, a column header or a filter shows
    changes: deals (added, edited, moved, closed, archived, restored), their history, tasks,
    accounts and contacts (renamed), tags and tag links, owners, stages, pipelines and rates.
    One round trip: a one-row aggregate per table, cross-joined; no rows fetched.

    Edits are seen through `updated_at` (every service sets it to its moment), counts and the
    summed length of names (a rename at the same moment, e.g. under a fixed PIPE_NOW); tag
    links, stages and pipelines have no timestamp, so they are summed: a tag moved from one deal
    to another, a renamed stage or a changed rotting threshold changes a sum."""
    n = func.count()
    link = cast(TagLink.tag_id, BigInteger) * col(TagLink.record_id)  # no int32 overflow
    length = func.length
    parts: list[Any] = [
        select(n, func.max(Deal.updated_at), func.count(col(Deal.archived_at))),
        select(func.max(StageChange.id)),
        select(n, func.max(Task.updated_at), func.count(col(Task.archived_at))),
        select(n, func.max(Account.updated_at), func.count(col(Account.archived_at)),
               func.sum(length(Account.name))),
        select(n, func.max(Contact.updated_at), func.count(col(Contact.archived_at)),
               func.sum(length(Contact.name))),
        select(n, func.sum(TagLink.tag_id), func.sum(TagLink.record_id), func.sum(link)),
        select(n, func.max(Tag.id), func.sum(length(Tag.name))),
        select(n, func.max(User.id), func.sum(length(User.name))),
        select(n, func.sum(length(Stage.name)), func.sum(Stage.position),
               func.sum(func.coalesce(Stage.rot_days, -1)), func.sum(Stage.probability),
               func.count(col(Stage.archived_at))),
        select(n, func.sum(length(Pipeline.name)), func.count(col(Pipeline.archived_at))),
        select(n, func.max(FxRate.id)),
    ]  # fmt: skip
    froms = [q.select_from(t).subquery() for q, t in zip(parts, _VERSIONED, strict=True)]
    query = select(*(c for f in froms for c in f.c)).select_from(froms[0])
    for f in froms[1:]:
        query = query.join(f, true())
    return tuple(str(v) for v in ctx.session.execute(query).one())


_VERSIONED: tuple[Any, ...] = (
    Deal, StageChange, Task, Account, Contact, TagLink, Tag, User, Stage, Pipeline, FxRate,
)  # fmt: skip


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
    """The account and contact beside each deal (their names are what text search matches)."""
    return query.outerjoin(Account, col(Account.id) == Deal.account_id).outerjoin(
        Contact, col(Contact.id) == Deal.contact_id
    )


def load(
    ctx: Ctx,
    pipeline: str | int | None = None,
    flt: Filter | None = None,
    shown: Mapping[int, int] | None = None,
    page_size: int = PAGE,
) -> Board:
    """The board of `pipeline` (default: the default pipeline) under the filter `flt`: each
    column's count and totals in full, and its first `page_size` cards, or as many as `shown`
    (stage id -> cards a front end already shows) when that is more, so a reload keeps what was
    scrolled to."""
    flt = flt or Filter(limit=None)
    pipe = pipelines.get_pipeline(ctx, pipeline)
    stages = pipelines.stages_of(ctx, common.id_of(pipe))
    conds = _conditions(ctx, flt)
    searched = search_cond(flt, Deal.title) is not None
    sums = _sums(ctx, [common.id_of(s) for s in stages], conds, searched)
    shown = shown or {}
    currency = common.as_currency(ctx, None)
    conv = fx.Converter(ctx, currency, ctx.today)
    columns = []
    for s in stages:
        sid = common.id_of(s)
        stage_sums = sums.get(sid, [])
        count = sum(int(n) for _, _, n, _, _ in stage_sums)
        size = min(count, max(page_size, shown.get(sid, 0)))
        cards = _cards(ctx, s, conds, 0, size) if size else ()
        columns.append(_column(s, stage_sums, cards, conv))
    names = tuple(p.name for p in pipelines.list_pipelines(ctx))
    return Board(common.id_of(pipe), pipe.name, names, currency, ctx.today, tuple(columns))


def page(
    ctx: Ctx, stage_id: int, flt: Filter | None = None, offset: int = 0, size: int = PAGE
) -> tuple[Card, ...]:
    """Cards `offset` to `offset + size` of a stage's column under `flt`, in the column's order
    (what `load` put first continues here)."""
    stage = ctx.session.get(Stage, stage_id)
    if stage is None:
        return ()
    return _cards(ctx, stage, _conditions(ctx, flt or Filter(limit=None)), offset, size)


def _sums(
    ctx: Ctx, stage_ids: Sequence[int], conds: list[Any], searched: bool
) -> dict[int, list[tuple[Any, ...]]]:
    """Per stage: (currency, close day of a closed deal or None, deals, sum of minor units,
    sum of minor units × probability, deals with an amount). Accounts and contacts are joined
    only when a text search needs their names (a join per deal costs on a big pipeline)."""
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
        (_joined(query) if searched else query).group_by(*keys)
    ).all():
        out.setdefault(stage_id, []).append((cur, fx.close_day(closed), n, total, weighted))
    return out


def _cards(ctx: Ctx, stage: Stage, conds: list[Any], offset: int, size: int) -> tuple[Card, ...]:
    """A page of one stage's cards: an open stage's soonest expected close first (those without
    one last), a closed stage's most recently closed first. Core rows, no ORM loading per row.
    An open stage's dated and undated cards are read apart, so each is one walk of an index in
    its order ((stage_id, expected_close) and the id) with no sort of the whole stage."""
    days = sc.days_between(ctx, Deal.stage_entered_at, literal(ctx.today, Date))
    is_open = stage.outcome == "open"
    base = _card_query(common.id_of(stage), conds, days)
    conn = ctx.session.connection()
    if not is_open:
        ordered = base.order_by(col(Deal.closed_at).desc(), col(Deal.id).desc())
        rows = list(conn.execute(ordered.offset(offset).limit(size)).all())
    else:
        dated = base.where(col(Deal.expected_close).is_not(None))
        rows = list(conn.execute(
            dated.order_by(Deal.expected_close, Deal.id).offset(offset).limit(size)
        ).all())  # fmt: skip
        if len(rows) < size:  # the page runs on into the cards without a close date
            skip = 0
            if not rows:
                dated_count = select(func.count()).select_from(dated.subquery())
                skip = max(0, offset - int(conn.execute(dated_count).scalar_one()))
            undated = base.where(col(Deal.expected_close).is_(None)).order_by(Deal.id)
            rows += conn.execute(undated.offset(skip).limit(size - len(rows))).all()
    rot, today, zone = stage.rot_days, ctx.today, ctx.now.tzinfo
    return tuple(_card(today, zone, r, rot, is_open) for r in rows)


def _card_query(stage_id: int, conds: list[Any], days: Any) -> Any:
    """Days in stage are counted in SQL (UTC dates, as `pipe report stale` counts them)."""
    fields: list[Any] = [
        Deal.id, Deal.title, Account.name, Deal.amount_minor, Deal.currency, Deal.expected_close,
        User.name, days, Deal.closed_at, Deal.probability, Deal.version,
    ]  # fmt: skip
    query = (
        select(*fields)
        .outerjoin(User, col(User.id) == Deal.owner_id)
        .where(col(Deal.stage_id) == stage_id, *conds)
    )
    return _joined(query)


def _card(today: date, zone: Any, r: Any, rot_days: int | None, is_open: bool) -> Card:
    did, title, account, minor, cur, close, owner, days, closed_at, prob, version = r
    days = int(days)
    closed = closed_at.astimezone(zone).date() if closed_at is not None and not is_open else None
    return Card(
        did, title, account, minor, cur, close, owner, prob, days,
        is_open and rot_days is not None and days > rot_days,
        is_open and close is not None and close < today,
        closed, version,
    )  # fmt: skip


def _column(
    stage: Stage, sums: list[tuple[Any, ...]], cards: tuple[Card, ...], conv: fx.Converter
) -> Column:
    """The column's header figures from its aggregates (all its deals, not only the cards)."""
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
    """The order of cards in an open column (as `_cards` reads them)."""
    return (card.close is None, card.close or date.min, card.id)


def with_card_moved(
    data: Board, deal_id: int, to_stage_id: int, version: int | None = None
) -> Board:
    """The board as it looks once `deal_id` sits in `to_stage_id`, for a front end to show a move
    at once; counts follow, totals wait for the next `load` (their conversion needs the store).
    The card joins the new column's loaded cards only where it falls among them (a column shows
    a prefix of its order; a card after the last loaded one comes with a later page).
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
        count = column.count - (len(column.cards) - len(cards))
        if column.stage_id == to_stage_id:
            count += 1
            if column.complete or (cards and card_order(card) < card_order(cards[-1])):
                cards = tuple(sorted((*cards, card), key=card_order))
        columns.append(replace(column, cards=cards, count=count))
    return replace(data, columns=tuple(columns))
