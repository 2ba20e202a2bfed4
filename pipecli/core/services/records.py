"""Delete (archive), undelete and purge any kind of record, and the detail view for `pipe show`.

Delete means archive: the row stays, lists hide it, and `pipe undelete` brings it back. `purge`
removes the row for good: a live record only when nothing else refers to it; an archived one
(deleted already: the user chose to let it go) also when others refer to it, which then lose
their link to it (a task or activity on a purged deal stays, unlinked; its follow-up cadence
goes). A deal that quotes were made on is never purged.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col as col_of
from sqlmodel import select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import (
    Account,
    Activity,
    Contact,
    Deal,
    FollowUp,
    Lead,
    Quote,
    StageChange,
    TagLink,
    Task,
)
from pipecli.core.rows import RecordView
from pipecli.core.services import common, listing
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing import Filter

# what show, delete and undelete take: the record kinds, and activities (a call logged in the
# wrong place can be deleted; activities carry no tags, so they are not in KIND_MODELS)
MODELS: dict[str, type[common.Archivable]] = {**common.KIND_MODELS, "activity": Activity}


def model_for(kind: str) -> type[common.Archivable]:
    try:
        return MODELS[kind]
    except KeyError:
        raise Invalid("kind", kind, "must be one of " + ", ".join(MODELS)) from None


def archive(ctx: Ctx, kind: str, record_id: int | str) -> Any:
    obj = common.get(ctx, model_for(kind), record_id, kind)
    return common.set_archived(ctx, obj, f"{kind} {obj.id}", True)


def unarchive(ctx: Ctx, kind: str, record_id: int | str) -> Any:
    obj = common.get(ctx, model_for(kind), record_id, kind)
    return common.set_archived(ctx, obj, f"{kind} {obj.id}", False)


def _references(ctx: Ctx, kind: str, rid: int) -> list[str]:
    """What still points at record `rid` of `kind` (history and links), as 'N kind' strings."""
    col = f"{kind}_id"
    found = []
    for name, model in (
        ("deal", Deal),
        ("contact", Contact),
        ("account", Account),
        ("lead", Lead),
        ("task", Task),
        ("activity", Activity),
        ("follow-up", FollowUp),
    ):
        if name == kind or not hasattr(model, col):
            continue
        n = ctx.session.exec(select(func.count()).where(getattr(model, col) == rid)).one()
        if n:
            found.append(f"{n} {name}(s)")
    if kind == "task":
        n = ctx.session.exec(select(func.count()).where(Task.previous_id == rid)).one()
        found += [f"{n} later occurrence(s)"] if n else []
    return found


def _unlink(ctx: Ctx, kind: str, rid: int) -> None:
    """Take every link to record `rid` of `kind` away (before an archived record is purged);
    a deal's quotes refuse it."""
    col = f"{kind}_id"
    if kind == "deal":
        quotes = ctx.session.exec(select(func.count()).where(Quote.deal_id == rid)).one()
        if quotes:
            raise Conflict(f"deal {rid} has {quotes} quote(s); it is kept for them")
    for model in (Deal, Contact, Account, Lead, Task, Activity, Quote):
        if model is not common.KIND_MODELS.get(kind) and hasattr(model, col):
            link = getattr(model, col)
            ctx.session.execute(update(model).where(link == rid).values({col: None}))
    if kind == "task":
        later = update(Task).where(col_of(Task.previous_id) == rid)
        ctx.session.execute(later.values(previous_id=None))
    if hasattr(FollowUp, col):
        for follow in ctx.session.exec(select(FollowUp).where(getattr(FollowUp, col) == rid)):
            ctx.session.delete(follow)
    ctx.session.flush()


def purge(ctx: Ctx, kind: str, record_id: int | str) -> None:
    """Remove for good. A live record is refused while other records refer to it; an archived
    one takes their links to it away first (`_unlink`)."""
    obj = common.get(ctx, model_for(kind), record_id, kind)
    rid = common.id_of(obj)
    if obj.archived_at is not None:
        _unlink(ctx, kind, rid)
    refs = _references(ctx, kind, rid)
    if refs:
        raise Conflict(
            f"{kind} {rid} is referred to by {', '.join(refs)}; delete (archive) it instead, "
            "or delete it first and then purge it, which unlinks them"
        )
    if kind == "deal":
        for ch in ctx.session.exec(select(StageChange).where(StageChange.deal_id == rid)):
            ctx.session.delete(ch)
    for link in ctx.session.exec(
        select(TagLink).where(TagLink.kind == kind, TagLink.record_id == rid)
    ):
        ctx.session.delete(link)
    ctx.session.flush()
    ctx.session.delete(obj)
    ctx.session.flush()


def detail(ctx: Ctx, kind: str, record_id: int | str) -> RecordView:
    """A record with what hangs off it: history, activities, tasks, deals, contacts."""
    if kind == "deal":  # the quote services load for a deal's view only (start-up, no cycle)
        from pipecli.core.services.quote_views import deal_quotes

        view = listing.deal_detail(ctx, record_id)
        return replace(view, quotes=deal_quotes(ctx, view.row["id"]))
    row = listing.get_row(ctx, kind, record_id)
    if kind == "activity":
        return RecordView(row)
    on = (kind, row["id"])
    everything = Filter(limit=None, status="all")
    return RecordView(
        row,
        activities=None
        if kind == "task"
        else listing.list_activities(ctx, Filter(limit=None), on=on).rows,
        deals=listing.list_deals(ctx, everything, on=on).rows
        if kind in ("account", "contact")
        else None,
        contacts=listing.list_contacts(ctx, Filter(limit=None, account=str(on[1]))).rows
        if kind == "account"
        else None,
        tasks=listing.list_tasks(ctx, everything, on=on).rows
        if kind in ("lead", "contact", "account")
        else None,
    )
