"""From what the core found to what a person reads: one line per item, grouped by section and
(for a manager's digest) by owner.

Every line names the record with its id and the `pipe` command that acts on it. Titles and names
keep their stored value here; each format makes them safe for its medium (terminal text through
`printable`, HTML escaped, JSON exact).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from pipecli.core import money, recurrence
from pipecli.core.services.digest import SECTIONS, Found, Item, totals

NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class Line:
    item: Item
    owner: str
    detail: str
    command: str

    @property
    def label(self) -> str:
        return f"{self.item.kind} {self.item.id}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: tuple[Line, ...]
    footer: str = ""


@dataclass(frozen=True)
class Group:
    owner: str | None  # None: a one-owner digest, no owner heading
    sections: tuple[Section, ...]

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


@dataclass(frozen=True)
class Digest:
    found: Found
    scope: str  # an owner's name, or "everyone"
    groups: tuple[Group, ...]

    @property
    def empty(self) -> bool:
        return self.found.empty

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def day(self) -> date:
        return self.found.window.today

    @property
    def zone(self) -> str:
        return str(self.found.window.now.tzinfo)

    def digest_hash(self) -> str:
        """Identifies the content (not the moment it was made): sha256 of its JSON."""
        data = json.dumps(as_data(self), sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()


def build(found: Found, scope: str, by_owner: bool) -> Digest:
    owners = found.owners
    lines = {
        key: [_line(key, item, owners.get(item.owner_id or -1, NO_OWNER), found) for item in items]
        for key, items in found.sections.items()
    }
    if not by_owner:
        return Digest(found, scope, (Group(None, _sections(lines)),))
    names = sorted({ln.owner for ls in lines.values() for ln in ls}, key=str.casefold)
    groups = tuple(
        Group(
            name, _sections({k: [ln for ln in ls if ln.owner == name] for k, ls in lines.items()})
        )
        for name in names
    )
    return Digest(found, scope, groups)


def _sections(lines: dict[str, list[Line]]) -> tuple[Section, ...]:
    out = []
    for key, title in SECTIONS:
        got = lines.get(key, [])
        if got:
            footer = _weighted_total(got) if key == "closing_this_week" else ""
            out.append(Section(key, title, tuple(got), footer))
    return tuple(out)


def _weighted_total(lines: list[Line]) -> str:
    sums = totals([ln.item for ln in lines], "weighted")
    return (
        "weighted total: " + "; ".join(money.format_money(v, c) for c, v in sums.items())
        if sums
        else ""
    )


def weekday(day: date) -> str:
    return f"{day:%a} {day.isoformat()}"


def relative(day: date, today: date) -> str:
    n = (day - today).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


def _hm(at: time | None) -> str:
    return f" {at:%H:%M}" if at else ""


def _line(key: str, item: Item, owner: str, found: Found) -> Line:
    today = found.window.today
    f = item.facts
    detail, command = _DETAIL[key](f, today), _COMMAND[key](item)
    return Line(item, owner, detail, command)


def _task(f: dict[str, Any], today: date) -> str:
    due: date = f["due"]
    if due == today:
        text = f"at {f['time']:%H:%M}" if f["time"] else "today, any time"
    else:
        text = f"due {weekday(due)}{_hm(f['time'])}"
        late = (today - due).days
        text += f", {late} day{'s' if late > 1 else ''} overdue" if late > 0 else ""
    if f["priority"] in ("high", "urgent"):
        text += f", {f['priority']} priority"
    if f["repeat"]:
        text += f", repeats {recurrence.describe_repeat(f['repeat'])}"
    if f["link"]:
        text += f" · {f['link'][0]} {f['link'][1]}"
    return text


def _amount(f: dict[str, Any]) -> str:
    return (
        money.format_money(f["amount"], f["currency"]) if f["amount"] is not None else "no amount"
    )


def _rotting(f: dict[str, Any], today: date) -> str:
    return f"{f['days_in_stage']} days in {f['stage']} (rots after {f['rot_days']}) · {_amount(f)}"


def _passed(f: dict[str, Any], today: date) -> str:
    when = f"{weekday(f['day'])}, {relative(f['day'], today)}"
    return f"expected close {when} · {f['stage']} · {_amount(f)}"


def _closing(f: dict[str, Any], today: date) -> str:
    text = f"closes {weekday(f['day'])} ({relative(f['day'], today)}) · "
    if f["weighted"] is None:
        return text + "no amount"
    weighted = money.format_money(f["weighted"], f["currency"])
    return text + f"{_amount(f)} × {f['probability']}% = {weighted}"


def _followup(f: dict[str, Any], today: date) -> str:
    last = f"last touch {weekday(f['last_touch'])}" if f["last_touch"] else "no activity logged yet"
    return f"every {f['every']}, {last}, due {relative(f['due'], today)}"


def _birthday(f: dict[str, Any], today: date) -> str:
    age = f", turns {f['age']}" if f["age"] else ""
    return f"birthday {weekday(f['day'])} ({relative(f['day'], today)}){age}"


def _anniversary(f: dict[str, Any], today: date) -> str:
    years = f"{f['years']} year" + ("" if f["years"] == 1 else "s")
    when = f"{weekday(f['day'])} ({relative(f['day'], today)})"
    return f"customer for {years} on {when}, first won {f['since'].isoformat()}"


def _quote(f: dict[str, Any], today: date) -> str:
    total = money.format_money(f["total"], f["currency"])
    return f"valid until {weekday(f['day'])} ({relative(f['day'], today)}) · {total}"


_DETAIL = {
    "overdue_tasks": _task,
    "due_today": _task,
    "upcoming_tasks": _task,
    "rotting_deals": _rotting,
    "close_passed": _passed,
    "closing_this_week": _closing,
    "followups_due": _followup,
    "birthdays": _birthday,
    "anniversaries": _anniversary,
    "quotes_expiring": _quote,
}
_COMMAND = {
    "overdue_tasks": lambda i: f"pipe done {i.id}",
    "due_today": lambda i: f"pipe done {i.id}",
    "upcoming_tasks": lambda i: f"pipe done {i.id}",
    "rotting_deals": lambda i: f"pipe show deal {i.id}",
    "close_passed": lambda i: f"pipe show deal {i.id}",
    "closing_this_week": lambda i: f"pipe show deal {i.id}",
    "followups_due": lambda i: f'pipe log call "follow-up" --{i.kind} {i.id}',
    "birthdays": lambda i: f"pipe show contact {i.id}",
    "anniversaries": lambda i: f"pipe show account {i.id}",
    "quotes_expiring": lambda i: f"pipe show quote {i.title}",
}


def _value(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return money.to_json(v)
    if isinstance(v, time):
        return f"{v:%H:%M}"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return {"kind": v[0], "id": v[1]}
    return v


def as_data(d: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: exact stored values, ISO dates, money as strings."""
    sections = []
    for key, title in SECTIONS:
        lines = [ln for g in d.groups for s in g.sections if s.key == key for ln in s.lines]
        if not lines:
            continue
        items = [
            {"kind": ln.item.kind, "id": ln.item.id, "title": ln.item.title,
             "owner": ln.owner if ln.item.owner_id is not None else None,
             **{k: _value(v) for k, v in ln.item.facts.items()}, "text": ln.detail,
             "command": ln.command}
            for ln in lines
        ]  # fmt: skip
        sections.append({"key": key, "title": title, "count": len(items), "items": items})
    owners = [
        {"owner": g.owner, "count": g.count, "sections": {s.key: len(s.lines) for s in g.sections}}
        for g in d.groups
        if g.owner is not None
    ]
    return {
        "digest": d.scope, "day": d.day.isoformat(), "timezone": d.zone,
        "days": d.found.window.days, "count": d.count, "sections": sections,
        **({"owners": owners} if any(g.owner is not None for g in d.groups) else {}),
    }  # fmt: skip
