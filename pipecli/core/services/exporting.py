"""Export: every record of a kind with the `--json` field names, streamed; due tasks as iCalendar.

Rows are built by the same builders as `pipe list` (services.listing, field names in core.schema),
fetched in batches with their tags, so an export of a million deals never holds them all.
Archived records are included (their `archived` field says so): an export is a copy of the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col

from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Contact, Deal, Lead, Task
from pipecli.core.rows import Fields, csv_names
from pipecli.core.schema import kind_name
from pipecli.core.services import common, listing
from pipecli.core.services.context import Ctx

KINDS = ("deal", "lead", "account", "contact", "task", "quote", "product")
BATCH = 1000
_QUERIES: dict[str, tuple[Any, Callable[[], Any], listing.Build]] = {
    "deal": (Deal, listing.deals_query, listing.deal_row),
    "lead": (Lead, listing.leads_query, listing.lead_row),
    "account": (Account, listing.accounts_query, listing.account_row),
    "contact": (Contact, listing.contacts_query, listing.contact_row),
    "task": (Task, listing.tasks_query, listing.task_row),
}


def kind_of(text: str) -> str:
    kind = kind_name(text)
    if kind not in KINDS:
        kinds = "deals, leads, accounts, contacts, tasks, quotes, products, all"
        raise Invalid("kind", text, f"must be one of {kinds}")
    return kind


def fields(kind: str) -> list[str]:
    return csv_names(kind)


def rows(ctx: Ctx, kind: str) -> Iterator[Fields]:
    """Every record of `kind`, in id order, as its list row; fetched BATCH at a time."""
    if kind in ("quote", "product"):
        yield from _catalogue_rows(ctx, kind)
        return
    model, query, build = _QUERIES[kind]
    last = 0
    while True:
        batch = ctx.session.exec(
            query().where(col(model.id) > last).order_by(col(model.id)).limit(BATCH)
        ).all()
        if not batch:
            return
        ids = [r[0].id for r in batch]
        tags = common.tags_of(ctx, kind, ids)
        for r in batch:
            yield build(r, tags[r[0].id])
        last = ids[-1]
        ctx.session.expunge_all()


def _catalogue_rows(ctx: Ctx, kind: str) -> Iterator[Fields]:
    """Quotes (with their totals) and products, as `list quotes|products --json` shows them."""
    if kind == "quote":
        from pipecli.core.services import quote_views

        yield from quote_views.export_rows(ctx, BATCH)
        return
    from pipecli.core.services import products

    yield from products.list_products(ctx, inactive=True, archived=True)


def tasks_ics(ctx: Ctx) -> bytes:
    """Open tasks with a due date as an iCalendar file: an all-day event on the due date, or a
    30-minute event at the due time (floating: the calendar's local time, as the task was typed);
    the task's UUID is the event's UID, so re-importing
    the file into a calendar updates events instead of doubling them."""
    from datetime import timedelta

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//pipecli//pipe export tasks//EN")
    cal.add("version", "2.0")
    for row in rows(ctx, "task"):
        if row["due"] is None or row["status"] == "done" or row["archived"]:
            continue
        event = Event()
        event.add("uid", f"{row['uuid']}@pipecli")
        event.add("summary", row["title"])
        event.add("dtstamp", ctx.now.astimezone(UTC))
        if row["due_time"] is not None:
            start = datetime.combine(row["due"], row["due_time"])
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=30))
        else:
            event.add("dtstart", row["due"])
        if row["notes"]:
            event.add("description", row["notes"])
        event.add("priority", {"urgent": 1, "high": 3, "normal": 5, "low": 9}[row["priority"]])
        cal.add_component(event)
    return bytes(cal.to_ical())
