"""Follow-up cadences: "touch this contact (or account) every 14 days".

A cadence is a rule, not a task: nothing is created in advance. The next touch is due one period
after the last activity logged with the record (any kind: call, e-mail, meeting, note; logged on
a deal, it counts for the deal's account and contact too), or after the day the cadence started
when nothing has been logged since. Logging an activity therefore resets the clock by itself.
Days are the user's local days (`ctx.now`'s zone). Stopping a cadence keeps its row
(`stopped_at`); starting one again on the same record reuses it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core import dates
from pipecli.core.errors import Invalid, NotFound
from pipecli.core.models import Account, Activity, Contact, FollowUp, User
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

KINDS = {"contact": Contact, "account": Account}


@dataclass(frozen=True)
class Cadence:
    """A live cadence with what it means today."""

    id: int
    kind: str
    record_id: int
    name: str
    every_n: int
    every_unit: str
    owner_id: int | None
    owner: str | None
    last_touch: datetime | None
    due: date

    @property
    def every(self) -> str:
        return dates.describe_period(self.every_n, self.every_unit)


def _kind(kind: str) -> str:
    key = kind.strip().lower()
    if key not in KINDS:
        raise Invalid("kind", kind, "must be contact or account")
    return key


def start(ctx: Ctx, kind: str, ref: str, every: str, owner: str | None = None) -> Cadence:
    """Start (or change) the cadence on a contact or account; the owner defaults to the
    record's owner, else the user running pipecli."""
    key = _kind(kind)
    n, unit = dates.parse_period(every)
    record = common.resolve_ref(ctx, KINDS[key], ref, key)
    if record is None:
        raise Invalid(key, ref, "is required")
    row = _find(ctx, key, record.id)
    if row is None:
        row = FollowUp(every_n=n, every_unit=unit, started_at=ctx.now)
        setattr(row, f"{key}_id", record.id)
    elif row.stopped_at is not None:
        row.stopped_at, row.started_at = None, ctx.now
    row.every_n, row.every_unit = n, unit
    if owner is not None or row.owner_id is None:
        row.owner_id = (
            common.resolve_owner(ctx, owner).id
            if owner is not None or record.owner_id is None
            else record.owner_id
        )
    ctx.session.add(row)
    ctx.session.flush()
    return _view(ctx, [row])[0]


def stop(ctx: Ctx, kind: str, ref: str) -> Cadence:
    """End the cadence on a record; NotFound when it has none."""
    key = _kind(kind)
    record = common.resolve_ref(ctx, KINDS[key], ref, key)
    row = _find(ctx, key, record.id) if record is not None else None
    if row is None or row.stopped_at is not None:
        raise NotFound(f"follow-up on {key}", ref)
    view = _view(ctx, [row])[0]
    row.stopped_at = ctx.now
    ctx.session.add(row)
    ctx.session.flush()
    return view


def _find(ctx: Ctx, key: str, record_id: int) -> FollowUp | None:
    column = FollowUp.contact_id if key == "contact" else FollowUp.account_id
    return ctx.session.exec(select(FollowUp).where(column == record_id)).first()


def live(ctx: Ctx, owner_ids: Collection[int] | None = None) -> list[Cadence]:
    """Every running cadence (of these owners) on a record not archived, with its due day;
    soonest due first."""
    query = select(FollowUp).where(col(FollowUp.stopped_at).is_(None))
    if owner_ids is not None:
        query = query.where(col(FollowUp.owner_id).in_(list(owner_ids)))
    rows = _view(ctx, list(ctx.session.exec(query).all()))
    return sorted((c for c in rows if c.name), key=lambda c: (c.due, c.kind, c.record_id))


def due(ctx: Ctx, today: date, owner_ids: Collection[int] | None = None) -> list[Cadence]:
    """Cadences whose next touch is due on or before `today`."""
    return [c for c in live(ctx, owner_ids) if c.due <= today]


def _view(ctx: Ctx, rows: list[FollowUp]) -> list[Cadence]:
    contacts = [r.contact_id for r in rows if r.contact_id is not None]
    accounts = [r.account_id for r in rows if r.account_id is not None]
    touch = {("contact", k): v for k, v in _last_touch(ctx, Activity.contact_id, contacts)}
    touch |= {("account", k): v for k, v in _last_touch(ctx, Activity.account_id, accounts)}
    names = {("contact", k): v for k, v in _names(ctx, Contact, contacts)}
    names |= {("account", k): v for k, v in _names(ctx, Account, accounts)}
    owners = dict(ctx.session.exec(select(User.id, User.name)).all())
    zone = ctx.now.tzinfo
    out = []
    for r in rows:
        key = "contact" if r.contact_id is not None else "account"
        rid = r.contact_id if r.contact_id is not None else r.account_id
        assert rid is not None and r.id is not None
        last = touch.get((key, rid))
        anchor = (last or r.started_at).astimezone(zone).date()
        out.append(
            Cadence(
                r.id, key, rid, names.get((key, rid), ""), r.every_n, r.every_unit, r.owner_id,
                owners.get(r.owner_id) if r.owner_id is not None else None, last,
                dates.add_period(anchor, r.every_n, r.every_unit),
            )
        )  # fmt: skip
    return out


def _last_touch(ctx: Ctx, column: object, ids: list[int]) -> list[tuple[int, datetime]]:
    if not ids:
        return []
    key: Any = col(column)
    query = (
        select(key, func.max(Activity.at))
        .where(key.in_(ids), col(Activity.archived_at).is_(None))
        .group_by(key)
    )
    return [(int(k), at) for k, at in ctx.session.exec(query).all() if at is not None]


def _names(ctx: Ctx, model: type[Contact] | type[Account], ids: list[int]) -> list[tuple[int, str]]:
    if not ids:
        return []
    live = col(model.archived_at).is_(None)  # an archived record's cadence rests
    rows = ctx.session.exec(select(model.id, model.name).where(col(model.id).in_(ids), live)).all()
    return [(int(k), str(v)) for k, v in rows if k is not None]
