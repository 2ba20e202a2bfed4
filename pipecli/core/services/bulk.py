"""The fast writer for many deals and their history: imports and demo data generators use it.

Why it exists: writing a million deals through the ORM (one object, one flush per row) is far too
slow, so deals and their StageChange rows go in as batches of SQLAlchemy Core `insert()`
executemany, inside the caller's transaction. The rules are not copied: probabilities come from
`deals.stage_probability` and change kinds from `deals.change_kind`, as for single edits.

History rules (each deal gets a history consistent with its dates):
- a `create` row at `created_at`, in the first stage the deal is known in (its first event's
  stage, else its current stage);
- one row per later stage event (move, win, lose, reopen) at its time;
- a closed deal always ends with a win/lose row at `closed_at` in its won/lost stage;
- one `close_date` row per `CloseChange` (an expected close date set or moved, e.g. a slip), in
  the stage the deal was in then; rows before the first change carry `opening_close`, later
  rows the value set, and the last change's value is the deal's `expected_close`;
- `created_at` later than `closed_at` (bulk-loaded exports) is pulled back to `closed_at`, and
  event times are clamped between the two, so no history row predates the deal's creation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import select

from pipecli.core.models import Deal, Stage, StageChange, new_uuid
from pipecli.core.services.context import Ctx
from pipecli.core.services.deals import change_kind, stage_probability
from pipecli.core.services.inserts import executemany as executemany  # named here for imports
from pipecli.core.services.inserts import insert_returning_ids as insert_returning_ids

BATCH = 2000


@dataclass(frozen=True)
class StageEvent:
    """The deal entered `stage_id` at `at`."""

    at: datetime
    stage_id: int


@dataclass(frozen=True)
class CloseChange:
    """The deal's expected close date was set to `expected_close` at `at`."""

    at: datetime
    expected_close: date | None


@dataclass
class DealRecord:
    """One deal to write, everything already resolved to ids and typed values."""

    title: str
    pipeline_id: int
    stage_id: int
    currency: str
    created_at: datetime
    amount_minor: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None
    owner_id: int | None = None
    expected_close: date | None = None
    closed_at: datetime | None = None
    probability: int | None = None  # set by hand; None follows the stage
    external_id: str | None = None
    uuid: str | None = None
    source: str | None = None
    product: str | None = None
    notes: str | None = None
    lost_reason: str | None = None
    updated_at: datetime | None = None  # default: ctx.now
    events: list[StageEvent] = field(default_factory=list)
    # with close_changes: the expected close at creation, then each change in time order
    opening_close: date | None = None
    close_changes: list[CloseChange] = field(default_factory=list)


@dataclass(frozen=True)
class _StageInfo:
    outcome: str
    probability: int


def _stages(ctx: Ctx) -> dict[int, _StageInfo]:
    rows = ctx.session.connection().execute(
        select(Stage.__table__.c.id, Stage.__table__.c.outcome, Stage.__table__.c.probability)  # type: ignore[attr-defined]
    )
    return {r.id: _StageInfo(r.outcome, r.probability) for r in rows}


def _batches(items: Iterable[DealRecord], size: int) -> Iterator[list[DealRecord]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def write_deals(
    ctx: Ctx,
    records: Iterable[DealRecord],
    *,
    user_id: int | None = None,
    by_owner: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert `records` (any iterable, consumed in batches) with their history; returns new ids.

    History rows are attributed to `user_id` (default: the user running pipecli), or with
    `by_owner` to each deal's owner (made-up history: the owner worked the deal).
    `progress(n)` is called after each batch with the number of deals written in it.
    """
    stages = _stages(ctx)
    uid = ctx.user().id if user_id is None else user_id
    ids: list[int] = []
    for chunk in _batches(records, batch_size):
        plans = [_plan(rec, stages) for rec in chunk]
        deal_rows = [_deal_row(ctx, rec, plan) for rec, plan in zip(chunk, plans, strict=True)]
        new_ids = insert_returning_ids(ctx, Deal.__table__, deal_rows)  # type: ignore[attr-defined]
        history = [
            _history_row(deal_id, rec, step, rec.owner_id if by_owner and rec.owner_id else uid)
            for deal_id, rec, plan in zip(new_ids, chunk, plans, strict=True)
            for step in plan.steps
        ]
        executemany(ctx, StageChange.__table__, history)  # type: ignore[attr-defined]
        ids.extend(new_ids)
        if progress is not None:
            progress(len(chunk))
    return ids


@dataclass
class _Step:
    at: datetime
    change: str
    from_stage_id: int | None
    to_stage_id: int
    probability: int
    expected_close: date | None = None


@dataclass
class _Plan:
    created_at: datetime
    closed_at: datetime | None
    steps: list[_Step]
    probability: int
    manual: bool


def _plan(rec: DealRecord, stages: dict[int, _StageInfo]) -> _Plan:
    """The deal's history steps under the rules of the module docstring."""
    final = stages[rec.stage_id].outcome
    closed = None if final == "open" else (rec.closed_at or rec.created_at)
    created = min(rec.created_at, closed) if closed else rec.created_at
    events = sorted(rec.events, key=lambda e: e.at)
    if not events or events[-1].stage_id != rec.stage_id:
        events.append(StageEvent(closed or (events[-1].at if events else created), rec.stage_id))
    current = events[0].stage_id
    steps = [_step(created, "create", None, current, stages, rec.probability)]
    for ev in events[1:]:
        at = min(max(ev.at, created), closed) if closed else max(ev.at, created)
        if ev.stage_id != current:
            kind = change_kind(stages[current].outcome, stages[ev.stage_id].outcome)
            steps.append(_step(at, kind, current, ev.stage_id, stages, rec.probability))
            current = ev.stage_id
    if closed is not None:
        if steps[-1].change in ("win", "lose"):
            steps[-1].at = closed
        else:
            steps.append(_step(closed, change_kind(final, final), current, current, stages, None))
    manual = final == "open" and rec.probability is not None
    return _Plan(
        created,
        closed,
        _with_close_dates(rec, steps, created, closed),
        steps[-1].probability,
        manual,
    )


def _with_close_dates(
    rec: DealRecord, steps: list[_Step], created: datetime, closed: datetime | None
) -> list[_Step]:
    """`steps` with each row's expected close, and a `close_date` row per CloseChange merged in
    by time (after a stage step at the same moment, before a win or loss)."""
    if not rec.close_changes:
        for s in steps:
            s.expected_close = rec.expected_close
        return steps
    if rec.close_changes[-1].expected_close != rec.expected_close:
        raise ValueError("the last close change must set the deal's expected_close")
    changes = sorted(rec.close_changes, key=lambda c: c.at)
    out: list[_Step] = []
    close, i = rec.opening_close, 0
    for step in steps:
        while (
            i < len(changes)
            and (
                changes[i].at < step.at
                or (changes[i].at == step.at and step.change in ("win", "lose"))
            )
            and out
        ):
            close = changes[i].expected_close
            prev = out[-1]
            at = min(max(changes[i].at, created), closed) if closed else max(changes[i].at, created)
            out.append(
                _Step(at, "close_date", prev.to_stage_id, prev.to_stage_id, prev.probability, close)
            )
            i += 1
        step.expected_close = close
        out.append(step)
    for c in changes[i:]:
        close = c.expected_close
        prev = out[-1]
        at = min(max(c.at, created), closed) if closed else max(c.at, created)
        out.append(
            _Step(at, "close_date", prev.to_stage_id, prev.to_stage_id, prev.probability, close)
        )
    return out


def _step(
    at: datetime,
    change: str,
    from_id: int | None,
    to_id: int,
    stages: dict[int, _StageInfo],
    manual: int | None,
) -> _Step:
    info = stages[to_id]
    prob, _ = stage_probability(info.outcome, info.probability, manual)
    return _Step(at, change, from_id, to_id, prob)


def _deal_row(ctx: Ctx, rec: DealRecord, plan: _Plan) -> dict[str, Any]:
    entered = next(s.at for s in reversed(plan.steps) if s.change != "close_date")
    return {
        "uuid": rec.uuid or new_uuid(),
        "external_id": rec.external_id,
        "title": rec.title,
        "pipeline_id": rec.pipeline_id,
        "stage_id": rec.stage_id,
        "account_id": rec.account_id,
        "contact_id": rec.contact_id,
        "lead_id": rec.lead_id,
        "owner_id": rec.owner_id,
        "amount_minor": rec.amount_minor,
        "currency": rec.currency,
        "probability": plan.probability,
        "probability_manual": plan.manual,
        "expected_close": rec.expected_close,
        "source": rec.source,
        "product": rec.product,
        "lost_reason": rec.lost_reason if plan.closed_at else None,
        "lost_note": None,
        "notes": rec.notes,
        "stage_entered_at": entered,
        "created_at": plan.created_at,
        "updated_at": rec.updated_at or ctx.now,
        "closed_at": plan.closed_at,
        "archived_at": None,
    }


def _history_row(deal_id: int, rec: DealRecord, step: _Step, user_id: int | None) -> dict[str, Any]:
    return {
        "uuid": new_uuid(),
        "deal_id": deal_id,
        "at": step.at,
        "user_id": user_id,
        "change": step.change,
        "from_stage_id": step.from_stage_id,
        "to_stage_id": step.to_stage_id,
        "amount_minor": rec.amount_minor,
        "currency": rec.currency,
        "expected_close": step.expected_close,
        "probability": step.probability,
        "note": rec.lost_reason if step.change == "lose" else None,
    }
