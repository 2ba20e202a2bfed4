"""What every report shares: filters, the as-of moment, and the deals as they stood then.

The state of a deal on a date is its last history snapshot (StageChange, in the order the rows
were recorded) with `at` on or before the end of that date: stage, amount, currency, expected
close and probability. The moment it entered that stage is the latest snapshot that changed the
stage (or recorded a win or loss); a deal in a won or lost stage closed then. Deals created
later are absent. Owner, source, title and pipeline are not kept in history, so they are
today's values; archived deals are left out of every report.

Without --as-of the same rows are read at `ctx.now`, so "today" and "as of today" always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, Integer, case, cast, func, literal, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from pipecli.core import money
from pipecli.core.errors import Invalid
from pipecli.core.models import Deal, Pipeline, Stage, StageChange, User
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx


@dataclass(frozen=True)
class Filters:
    """What the user typed; dates are date text (core.dates) or dates."""

    pipeline: str | None = None
    owner: str | None = None
    date_from: str | date | None = None
    date_to: str | date | None = None
    as_of: str | date | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Scope:
    """Filters resolved against the database and the clock."""

    day: date  # the report's "today": the as-of date, or today
    cutoff: datetime  # history rows at or before this moment count
    start: date | None
    end: date | None
    pipeline_id: int | None
    owner_id: int | None
    currency: str
    as_of: date | None

    def in_range(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions keeping a date column inside --from/--to (inclusive)."""
        out = []
        if self.start:
            out.append(column >= self.start)
        if self.end:
            out.append(column <= self.end)
        return out

    def ts_in_range(self, column: Any) -> list[ColumnElement[bool]]:
        """The same for a UTC timestamp column: its UTC date inside --from/--to."""
        out = []
        if self.start:
            out.append(column >= datetime.combine(self.start, time(), tzinfo=UTC))
        if self.end:
            out.append(column < datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC))
        return out


def resolve(ctx: Ctx, flt: Filters, *, default_pipeline: bool = False) -> Scope:
    """Check and resolve the filters; `default_pipeline` picks one when none is named."""
    start = common.as_date(ctx, flt.date_from, "from")
    end = common.as_date(ctx, flt.date_to, "to")
    if start and end and start > end:
        raise Invalid("to", str(flt.date_to), f"is before --from {start.isoformat()}")
    as_of = common.as_date(ctx, flt.as_of, "as-of")
    if as_of is not None and as_of > ctx.today:
        raise Invalid("as-of", str(flt.as_of), "is in the future")
    pipe_id = None
    if flt.pipeline is not None or default_pipeline:
        pipe_id = common.id_of(pipelines.get_pipeline(ctx, flt.pipeline))
    owner_id = None
    if flt.owner is not None:
        owner_id = common.owner_filter(ctx, flt.owner)
    cutoff = ctx.now
    if as_of is not None and as_of < ctx.today:
        cutoff = datetime.combine(as_of, time.max, tzinfo=UTC)
    currency = common.as_currency(ctx, flt.currency)
    return Scope(as_of or ctx.today, cutoff, start, end, pipe_id, owner_id, currency, as_of)


def _at_or_before(scope: Scope) -> ColumnElement[bool]:
    return col(StageChange.at) <= scope.cutoff


def _entry(sc: Any) -> ColumnElement[bool]:
    """A history row that put the deal into its stage (not an edit within the stage)."""
    return or_(
        sc.from_stage_id.is_(None),
        sc.from_stage_id != sc.to_stage_id,
        sc.change.in_(("win", "lose")),
    )


def snapshot(scope: Scope, bits: dict[int, int] | None = None, from_history: bool = False) -> Any:
    """Subquery: one row per deal in scope, as it stood at `scope.cutoff`.

    Columns: deal_id, title, pipeline_id, owner_id, source, product, lost_reason (today's),
    created_at, stage_id, stage,
    position, outcome, category, stage_probability, rot_days, amount_minor, currency,
    expected_close, probability, entered_at (when it entered its stage; the close moment of a
    won or lost deal), and `mask`: the sum of `bits[stage_id]` over the distinct stages the
    deal's history visited (0 without `bits`).

    One pass over the history with window functions, joined only to tables by primary key:
    joining derived tables to each other makes SQLite loop over one for each row of the other.
    Without --as-of and `bits`, the deals table itself holds the same values (every write
    updates the deal and records its snapshot together; tests compare the two), so it is read
    instead: a scan of the deals, not a sort of their whole history.
    """
    if bits is None and scope.as_of is None and not from_history:
        return _current(scope)
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    whole = {"partition_by": sc.deal_id}
    by_bit: dict[int, list[int]] = {}
    for sid, bit in (bits or {}).items():
        by_bit.setdefault(bit, []).append(sid)
    visited = [
        func.max(case((sc.to_stage_id.in_(ids), bit), else_=0)).over(**whole).label(f"b{bit}")
        for bit, ids in sorted(by_bit.items())
    ]
    ranked = (
        select(
            sc.deal_id,
            sc.to_stage_id,
            sc.amount_minor,
            sc.currency,
            sc.expected_close,
            sc.probability,
            func.row_number().over(order_by=sc.id.desc(), **whole).label("rn"),
            func.max(case((_entry(sc), sc.at))).over(**whole).label("entered_at"),
            *visited,
        )
        .where(_at_or_before(scope))
        .subquery("ranked")
    )
    mask: Any = literal(0)
    for column in visited:
        mask = mask + ranked.c[column.name]
    deal_t, stage_t = Deal.__table__, Stage.__table__  # type: ignore[attr-defined]
    d, st = deal_t.c, stage_t.c
    query = (
        select(
            ranked.c.deal_id,
            d.title,
            d.pipeline_id,
            d.owner_id,
            d.source,
            d.product,
            d.lost_reason,
            d.created_at,
            ranked.c.to_stage_id.label("stage_id"),
            st.name.label("stage"),
            st.position,
            st.outcome,
            st.forecast_category.label("category"),
            st.probability.label("stage_probability"),
            st.rot_days,
            ranked.c.amount_minor,
            ranked.c.currency,
            ranked.c.expected_close,
            ranked.c.probability,
            ranked.c.entered_at,
            ranked.c.entered_at.label("closed_at"),  # read only for won/lost deals
            mask.label("mask"),
        )
        .join(deal_t, d.id == ranked.c.deal_id)
        .join(stage_t, st.id == ranked.c.to_stage_id)
        .where(ranked.c.rn == 1, d.archived_at.is_(None), d.created_at <= scope.cutoff)
    )
    if scope.pipeline_id is not None:
        query = query.where(d.pipeline_id == scope.pipeline_id)
    if scope.owner_id is not None:
        query = query.where(d.owner_id == scope.owner_id)
    return query.subquery("snap")


def stages_by_id(ctx: Ctx) -> dict[int, Stage]:
    """Every stage, archived ones too (history may hold them), by id: a few rows."""
    return {common.id_of(s): s for s in ctx.session.scalars(select(Stage)).all()}


def deals_in(scope: Scope, stage_ids: Sequence[int]) -> Any:
    """Subquery: the deals in scope that stood (at the cutoff) in one of `stage_ids`, with the
    snapshot's deal columns (deal_id, pipeline_id, owner_id, source, product, lost_reason,
    created_at, stage_id, amount_minor, currency, expected_close, probability, entered_at,
    closed_at) but none of the stage's: callers group by `stage_id` and look the stages up in Python
    (`stages_by_id`). At the current moment this reads the deals table alone, through its
    (stage_id, currency) index: no join and no sort, whatever the number of deals."""
    ids = sorted(set(stage_ids)) or [-1]
    if scope.as_of is not None:
        snap = snapshot(scope)
        names = ("deal_id", "pipeline_id", "owner_id", "source", "product", "lost_reason",
                 "created_at",
                 "stage_id", "amount_minor", "currency", "expected_close", "probability",
                 "entered_at", "closed_at")  # fmt: skip
        query = select(*(snap.c[n] for n in names)).where(snap.c.stage_id.in_(ids))
        return query.subquery("dealsin")
    d = Deal.__table__.c  # type: ignore[attr-defined]
    query = select(
        d.id.label("deal_id"), d.pipeline_id, d.owner_id, d.source, d.product, d.lost_reason,
        d.created_at, d.stage_id, d.amount_minor, d.currency, d.expected_close, d.probability,
        d.stage_entered_at.label("entered_at"), d.closed_at,
    ).where(d.stage_id.in_(ids), d.archived_at.is_(None), d.created_at <= scope.cutoff)  # fmt: skip
    if scope.pipeline_id is not None:
        query = query.where(d.pipeline_id == scope.pipeline_id)
    if scope.owner_id is not None:
        query = query.where(d.owner_id == scope.owner_id)
    return query.subquery("dealsin")


def visited_now(scope: Scope, bits: dict[int, int]) -> Any:
    """Subquery: one row per deal in scope at ctx.now with owner_id, created_at, outcome (now)
    and `mask` (as in `snapshot`). For reports at the current moment, which need the stages a
    deal's history visited but not its past state: one GROUP BY over the history's
    (deal_id, at) index instead of window functions that sort the whole history."""
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    by_bit: dict[int, list[int]] = {}
    for sid, bit in bits.items():
        by_bit.setdefault(bit, []).append(sid)
    mask: Any = literal(0)
    for bit, ids in sorted(by_bit.items()):
        mask = mask + func.max(case((sc.to_stage_id.in_(ids), bit), else_=0))
    per_deal = select(sc.deal_id, mask.label("mask")).group_by(sc.deal_id).subquery("visited")
    d, st = Deal.__table__.c, Stage.__table__.c  # type: ignore[attr-defined]
    query = (
        select(d.id.label("deal_id"), d.owner_id, d.created_at, st.outcome, per_deal.c.mask)
        .join(per_deal, per_deal.c.deal_id == d.id)
        .join(Stage.__table__, st.id == d.stage_id)  # type: ignore[attr-defined]
        .where(d.archived_at.is_(None), d.created_at <= scope.cutoff)
    )
    if scope.pipeline_id is not None:
        query = query.where(d.pipeline_id == scope.pipeline_id)
    if scope.owner_id is not None:
        query = query.where(d.owner_id == scope.owner_id)
    return query.subquery("snap")


def _current(scope: Scope) -> Any:
    """The snapshot's columns, read from the deals table (the state at ctx.now)."""
    deal_t, stage_t = Deal.__table__, Stage.__table__  # type: ignore[attr-defined]
    d, st = deal_t.c, stage_t.c
    query = (
        select(
            d.id.label("deal_id"),
            d.title,
            d.pipeline_id,
            d.owner_id,
            d.source,
            d.product,
            d.lost_reason,
            d.created_at,
            d.stage_id,
            st.name.label("stage"),
            st.position,
            st.outcome,
            st.forecast_category.label("category"),
            st.probability.label("stage_probability"),
            st.rot_days,
            d.amount_minor,
            d.currency,
            d.expected_close,
            d.probability,
            d.stage_entered_at.label("entered_at"),
            d.closed_at,  # equals entered_at for won/lost deals; indexed, for close ranges
            literal(0).label("mask"),
        )
        .join(stage_t, st.id == d.stage_id)
        .where(d.archived_at.is_(None), d.created_at <= scope.cutoff)
    )
    if scope.pipeline_id is not None:
        query = query.where(d.pipeline_id == scope.pipeline_id)
    if scope.owner_id is not None:
        query = query.where(d.owner_id == scope.owner_id)
    return query.subquery("snap")


def history(scope: Scope) -> Any:
    """Subquery: the history rows (at or before the cutoff) of deals in scope, with stage facts."""
    sc = StageChange.__table__.c  # type: ignore[attr-defined]
    deal_t, stage_t = Deal.__table__, Stage.__table__  # type: ignore[attr-defined]
    d, st = deal_t.c, stage_t.c
    query = (
        select(
            sc.id,
            sc.deal_id,
            sc.at,
            sc.change,
            sc.from_stage_id,
            sc.to_stage_id,
            sc.expected_close,
            st.position,
            st.outcome,
        )
        .join(deal_t, d.id == sc.deal_id)
        .join(stage_t, st.id == sc.to_stage_id)
        .where(_at_or_before(scope), d.archived_at.is_(None))
    )
    if scope.pipeline_id is not None:
        query = query.where(d.pipeline_id == scope.pipeline_id)
    if scope.owner_id is not None:
        query = query.where(d.owner_id == scope.owner_id)
    return query.subquery("hist")


def days_between(ctx: Ctx, start: Any, end: Any) -> ColumnElement[int]:
    """Whole days from the UTC date of `start` to that of `end`, on either backend."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(func.date(end)) - func.julianday(func.date(start)), Integer)
    return cast(cast(end, Date) - cast(start, Date), Integer)


def utc_day(ctx: Ctx, column: Any) -> ColumnElement[Any]:
    """The UTC date of a timestamp column (stored as naive UTC on both backends)."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def rate_day(ctx: Ctx, scope: Scope, snap: Any, by_day: bool) -> list[Any]:
    """Group key for converting closed deals at their close day's rate (reports/fx.py): the
    UTC close date of deals in another currency than the report's; none when `by_day` is
    false (no rates stored: nothing to convert)."""
    if not by_day:
        return []
    other = snap.c.currency != scope.currency
    return [case((other, utc_day(ctx, snap.c.closed_at)), else_=None).label("rate_day")]


def closed_in_range(scope: Scope, snap: Any) -> list[ColumnElement[bool]]:
    """Deals won or lost (as of the cutoff) whose close date is inside --from/--to."""
    return [snap.c.outcome != "open", *scope.ts_in_range(snap.c.closed_at)]


def names(ctx: Ctx, by: str, keys: set[Any]) -> dict[Any, str]:
    """Display names of group keys: owner ids and pipeline ids become names."""
    model: Any = {"owner": User, "pipeline": Pipeline}.get(by)
    ids = {k for k in keys if k is not None}
    if model is None or not ids:
        return {k: "" if k is None else str(k) for k in keys}
    found = dict(ctx.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
    return {k: found.get(k, "") if k is not None else "" for k in keys}


def pct(part: int, whole: int) -> Any:
    """part / whole as a percentage Decimal with one decimal, None when whole is 0."""
    from decimal import ROUND_HALF_UP, Decimal

    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def money_of(value: Any, currency: str) -> Any:
    return money.quantize(value, currency)


def open_stages(ctx: Ctx, pipeline_id: int) -> list[Stage]:
    return [s for s in pipelines.stages_of(ctx, pipeline_id) if s.outcome == "open"]


@dataclass(frozen=True)
class Head:
    """What every report document starts with: which report, over what, as of when."""

    report: str
    as_of: date
    date_from: date | None
    date_to: date | None
    pipeline: str | None
    owner: str | None
    currency: str


def head(ctx: Ctx, name: str, scope: Scope, flt: Filters) -> Head:
    pipe = ctx.session.get(Pipeline, scope.pipeline_id) if scope.pipeline_id else None
    return Head(
        name, scope.day, scope.start, scope.end, pipe.name if pipe else None, flt.owner,
        scope.currency,
    )  # fmt: skip


def document(report: Any) -> dict[str, Any]:
    """A report as one flat JSON object: the head's fields first, then the report's own."""
    from dataclasses import asdict

    data = asdict(report)
    return {**data.pop("head"), **data}
