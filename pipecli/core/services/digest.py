"""The digest's queries: what needs attention today, for one owner, several, or everyone.

Each section is one indexed query over the records that could need attention, never a scan
of everything: open tasks by due date (`ix_task_open_due`, `ix_task_owner_open_due`), the open
stages' deals by expected close (`ix_deal_stage_close`) and by the day they entered their stage
(`ix_deal_stage_entered`). The answer is a `Found`: items per section, plain data with exact
values (dates, Decimal money); pipecli/digest turns it into lines, mail and chat.

"Today" is the date of `Window.now`, an aware moment in the user's zone: a task due today at
09:00 in Asia/Shanghai is due then, whatever the server's zone. Days in a stage count local days.
A repeating task is one row (its current occurrence), so it is listed once, never per repeat.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import and_, func, or_, select

from pipecli.core import money
from pipecli.core.errors import NotFound
from pipecli.core.models import Account, Contact, Deal, Stage, Task, User
from pipecli.core.services import followups
from pipecli.core.services.context import Ctx, find_user

SECTIONS: tuple[tuple[str, str], ...] = (
    ("overdue_tasks", "Overdue tasks"),
    ("due_today", "Due today"),
    ("upcoming_tasks", "Coming up"),
    ("rotting_deals", "Deals rotting in their stage"),
    ("close_passed", "Expected close has passed"),
    ("closing_this_week", "Closing this week"),
    ("followups_due", "Follow-ups due"),
    ("birthdays", "Birthdays"),
    ("anniversaries", "Customer anniversaries"),
    ("quotes_expiring", "Quotes expiring"),
)


@dataclass(frozen=True)
class Window:
    """The digest's moment (aware, in the user's zone), its look-ahead and whose records."""

    now: datetime
    days: int = 7
    owner_ids: frozenset[int] | None = None  # None: everyone

    @cached_property
    def today(self) -> date:
        return self.now.date()

    @cached_property
    def end(self) -> date:
        return self.today + timedelta(days=self.days)

    @cached_property
    def week_end(self) -> date:
        return self.today + timedelta(days=6 - self.today.weekday())

    def day_start(self, day: date) -> datetime:
        """The UTC moment the local `day` begins."""
        return datetime.combine(day, time(), tzinfo=self.now.tzinfo).astimezone(UTC)


@dataclass(frozen=True)
class Item:
    """One line's worth: a record (kind, id, title), its owner, and the section's facts."""

    kind: str
    id: int
    title: str
    owner_id: int | None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    window: Window
    owners: dict[int, str]
    sections: dict[str, list[Item]]

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())


def owner_ids(ctx: Ctx, owner: str) -> frozenset[int] | None:
    """`all` -> None (everyone); `me` -> you (nobody yet if you own nothing); a name -> that
    user, NotFound when no user has it."""
    key = owner.strip().lower()
    if key == "all":
        return None
    name = ctx.settings.user_name if key in ("", "me") else owner
    user = find_user(ctx.session, name)
    if user is None or user.id is None:
        if key in ("", "me"):
            return frozenset()
        raise NotFound("owner", owner)
    return frozenset({user.id})


def collect(ctx: Ctx, window: Window) -> Found:
    """Every section's items (sections without items included, empty)."""
    sections: dict[str, list[Item]] = {key: [] for key, _ in SECTIONS}
    if window.owner_ids is not None and not window.owner_ids:
        return Found(window, {}, sections)
    for item in _tasks(ctx, window):
        sections[item.facts.pop("section")].append(item)
    for item in _deals(ctx, window):
        sections[item.facts.pop("section")].append(item)
    sections["followups_due"] = _followups(ctx, window)
    sections["birthdays"] = _birthdays(ctx, window)
    sections["anniversaries"] = _anniversaries(ctx, window)
    sections["quotes_expiring"] = _quotes_expiring(ctx, window)
    for items in sections.values():
        items.sort(key=_order)
    u = User.__table__.c  # type: ignore[attr-defined]
    owners = {int(k): str(v) for k, v in ctx.session.execute(select(u.id, u.name)).all()}
    return Found(window, owners, sections)


def _order(item: Item) -> tuple[Any, ...]:
    day = item.facts.get("day") or item.facts.get("due") or date.min
    return (day, item.facts.get("time") or time.min, item.kind, item.id)


def _owned(column: Any, window: Window) -> list[Any]:
    return [] if window.owner_ids is None else [column.in_(sorted(window.owner_ids))]


def _tasks(ctx: Ctx, window: Window) -> list[Item]:
    t = Task.__table__.c  # type: ignore[attr-defined]
    query = select(
        t.id, t.title, t.due_date, t.due_time, t.repeat, t.priority, t.owner_id,
        t.deal_id, t.lead_id, t.contact_id, t.account_id,
    ).where(
        t.done_at.is_(None), t.due_date <= window.end,
        t.archived_at.is_(None), *_owned(t.owner_id, window),
    )  # fmt: skip
    out = []
    for (
        tid,
        title,
        due,
        at,
        repeat,
        prio,
        owner,
        deal,
        lead,
        contact,
        account,
    ) in ctx.session.execute(query).all():
        section = (
            "overdue_tasks"
            if due < window.today
            else "due_today"
            if due == window.today
            else "upcoming_tasks"
        )
        links = {"deal": deal, "lead": lead, "contact": contact, "account": account}
        facts = {
            "section": section, "due": due, "time": at, "repeat": repeat, "priority": prio,
            "days_overdue": (window.today - due).days if due < window.today else None,
            "link": next(((k, v) for k, v in links.items() if v is not None), None),
        }  # fmt: skip
        out.append(Item("task", int(tid), title, owner, facts))
    return out


def _deals(ctx: Ctx, window: Window) -> list[Item]:
    st = Stage.__table__.c  # type: ignore[attr-defined]
    stages = ctx.session.execute(
        select(st.id, st.name, st.rot_days).where(st.outcome == "open")
    ).all()
    if not stages:
        return []
    names = {sid: name for sid, name, _ in stages}
    d = Deal.__table__.c  # type: ignore[attr-defined]
    rotting = [
        and_(d.stage_id == sid,
             d.stage_entered_at < window.day_start(window.today - timedelta(days=rot)))
        for sid, _, rot in stages if rot is not None
    ]  # fmt: skip
    closing = and_(d.stage_id.in_(sorted(names)), d.expected_close <= window.week_end)
    query = select(
        d.id, d.title, d.stage_id, d.owner_id, d.amount_minor, d.currency, d.probability,
        d.expected_close, d.stage_entered_at,
    ).where(
        or_(closing, *rotting), d.archived_at.is_(None), *_owned(d.owner_id, window)
    )  # fmt: skip
    rot_of = {sid: rot for sid, _, rot in stages}
    out = []
    for did, title, sid, owner, minor, cur, prob, close, entered in ctx.session.execute(
        query
    ).all():
        amount = None if minor is None else money.from_minor(minor, cur)
        base = {"stage": names[sid], "amount": amount, "currency": cur, "probability": prob}
        in_stage = (window.today - entered.astimezone(window.now.tzinfo).date()).days
        rot = rot_of[sid]
        if rot is not None and in_stage > rot:
            facts = base | {"section": "rotting_deals", "days_in_stage": in_stage, "rot_days": rot}
            out.append(Item("deal", did, title, owner, facts))
        if close is not None and close < window.today:
            late = (window.today - close).days
            facts = base | {"section": "close_passed", "day": close, "days_late": late}
            out.append(Item("deal", did, title, owner, facts))
        elif close is not None and close <= window.week_end:
            weighted = None if amount is None else money.quantize(amount * prob / 100, cur)
            facts = base | {"section": "closing_this_week", "day": close, "weighted": weighted}
            out.append(Item("deal", did, title, owner, facts))
    return out


def _followups(ctx: Ctx, window: Window) -> list[Item]:
    out = []
    zone = window.now.tzinfo
    for c in followups.due(ctx, window.today, window.owner_ids):
        last = c.last_touch.astimezone(zone).date() if c.last_touch else None
        facts = {"due": c.due, "every": c.every, "last_touch": last,
                 "days_late": (window.today - c.due).days}  # fmt: skip
        out.append(Item(c.kind, c.record_id, c.name, c.owner_id, facts))
    return out


def anniversary(day: date, year: int) -> date:
    """`day`'s month and day in `year`; 29 February is 28 February in a non-leap year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _next_in_window(day: date, window: Window) -> date | None:
    for year in (window.today.year, window.today.year + 1):
        hit = anniversary(day, year)
        if window.today <= hit <= window.end and hit > day:
            return hit
    return None


def _birthdays(ctx: Ctx, window: Window) -> list[Item]:
    c = Contact.__table__.c  # type: ignore[attr-defined]
    query = select(c.id, c.name, c.birthday, c.owner_id).where(
        c.birthday.is_not(None), c.archived_at.is_(None), *_owned(c.owner_id, window)
    )
    out = []
    for cid, name, born, owner in ctx.session.execute(query).all():
        hit = _next_in_window(born, window)
        if hit is not None and cid is not None:
            age = hit.year - born.year if born.year > 1900 else None
            out.append(Item("contact", cid, name, owner, {"day": hit, "age": age}))
    return out


def _anniversaries(ctx: Ctx, window: Window) -> list[Item]:
    st, d = Stage.__table__.c, Deal.__table__.c  # type: ignore[attr-defined]
    a = Account.__table__.c  # type: ignore[attr-defined]
    won = select(st.id).where(st.outcome == "won")
    owned = [d.account_id.in_(select(a.id).where(*_owned(a.owner_id, window)))]
    first = ctx.session.execute(
        select(d.account_id, func.min(d.closed_at))
        .where(d.stage_id.in_(won), d.account_id.is_not(None), d.archived_at.is_(None),
               *(owned if window.owner_ids is not None else []))
        .group_by(d.account_id)
    ).all()  # fmt: skip
    hits: dict[int, tuple[date, date]] = {}
    for account_id, closed in first:
        if account_id is None or closed is None:
            continue
        since = closed.astimezone(window.now.tzinfo).date()
        hit = _next_in_window(since, window)
        if hit is not None:
            hits[account_id] = (since, hit)
    if not hits:
        return []
    query = select(a.id, a.name, a.owner_id).where(
        a.id.in_(sorted(hits)), a.archived_at.is_(None), *_owned(a.owner_id, window)
    )
    out = []
    for aid, name, owner in ctx.session.execute(query).all():
        assert aid is not None
        since, hit = hits[aid]
        facts = {"day": hit, "since": since, "years": hit.year - since.year}
        out.append(Item("account", aid, name, owner, facts))
    return out


def _quotes_expiring(ctx: Ctx, window: Window) -> list[Item]:
    """Sent quotes whose validity ends between today and the window's end (the owner is the
    quote's owner), with their grand total: a reminder to chase the answer before they lapse."""
    from pipecli.core.models import Quote
    from pipecli.core.services import quotes

    q = Quote.__table__.c  # type: ignore[attr-defined]
    query = select(Quote).where(
        q.status == "sent", q.archived_at.is_(None), q.valid_until.is_not(None),
        q.valid_until >= window.today, q.valid_until <= window.end, *_owned(q.owner_id, window),
    )  # fmt: skip
    out = []
    for quote in ctx.session.scalars(query).all():
        assert quote.id is not None and quote.valid_until is not None
        grand = quotes.totals(quote, quotes.lines_of(ctx, quote.id)).grand_total
        facts = {"day": quote.valid_until, "total": grand, "currency": quote.currency}
        out.append(Item("quote", quote.id, quote.number, quote.owner_id, facts))
    return out


def totals(items: Collection[Item], key: str) -> dict[str, Decimal]:
    """Sum of `facts[key]` per currency (weighted values of deals closing this week)."""
    out: dict[str, Decimal] = {}
    for item in items:
        value = item.facts.get(key)
        if isinstance(value, Decimal):
            cur = str(item.facts["currency"])
            out[cur] = out.get(cur, Decimal(0)) + value
    return dict(sorted(out.items()))
