"""Delete (archive), undelete and purge any kind of record, and the detail view for `pipe show`.

Delete means archive: the row stays, lists hide it, and `pipe undelete` brings it back. `purge`
removes the row for good, and only when nothing else refers to it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import (
    Account,
    Activity,
    Contact,
    Deal,
    FollowUp,
    Lead,
    StageChange,
    TagLink,
    Task,
)
from pipecli.core.rows import RecordView
from pipecli.core.services import common, listing
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing import Filter


def model_for(kind: str) -> type[common.Archivable]:
    try:
        return common.KIND_MODELS[kind]
    except KeyError:
        raise Invalid("kind", kind, "must be one of " + ", ".join(common.KIND_MODELS)) from None


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


def purge(ctx: Ctx, kind: str, record_id: int | str) -> None:
    """Remove for good; refused while other records refer to it."""
    obj = common.get(ctx, model_for(kind), record_id, kind)
    rid = common.id_of(obj)
    refs = _references(ctx, kind, rid)
    if refs:
        raise Conflict(
            f"{kind} {rid} is referred to by {', '.join(refs)}; delete (archive) it instead"
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
