"""Merge two contacts or two accounts that are the same person or company.

The survivor keeps its own values and takes the other's only where its own are empty; every deal,
task, activity, lead link and tag of the other is moved to the survivor; the other is archived
(kept, hidden), so nothing a user typed is lost and `pipe undelete` can bring it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Activity, Contact, Deal, Lead, TagLink, Task
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

KINDS: dict[str, Any] = {"contact": Contact, "account": Account}
# tables holding a link to each kind, by column name `<kind>_id`
LINKED: dict[str, tuple[Any, ...]] = {
    "contact": (Deal, Task, Activity, Lead),
    "account": (Deal, Contact, Task, Activity, Lead),
}
FILLABLE: dict[str, tuple[str, ...]] = {
    "contact": ("email", "phone", "title", "birthday", "source", "notes", "account_id",
                "owner_id", "lead_id", "external_id"),
    "account": ("domain", "industry", "website", "phone", "address", "region", "employees",
                "source", "notes", "owner_id", "lead_id", "external_id"),
}  # fmt: skip


@dataclass
class Merged:
    kind: str
    survivor: Any
    other_id: int
    moved: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)


def merge(ctx: Ctx, kind: str, survivor_id: int | str, other_id: int | str) -> Merged:
    if kind not in KINDS:
        raise Invalid("kind", kind, "must be contact or account")
    model = KINDS[kind]
    keep = common.get_live(ctx, model, survivor_id, kind)
    gone = common.get_live(ctx, model, other_id, kind)
    if keep.id == gone.id:
        raise Invalid(kind, other_id, "is the same record; give two different ids")
    result = Merged(kind, keep, common.id_of(gone))
    for name in FILLABLE[kind]:
        if getattr(keep, name) in (None, "") and getattr(gone, name) not in (None, ""):
            setattr(keep, name, getattr(gone, name))
            result.filled.append(name)
    if "external_id" in result.filled:  # re-imports from that system now match the survivor
        gone.external_id = None
    conn = ctx.session.connection()
    ctx.session.flush()
    for table in LINKED[kind]:
        column = getattr(table.__table__.c, f"{kind}_id")
        moved = conn.execute(
            update(table.__table__)
            .where(column == gone.id)
            .values(common.bump(table, {column.name: keep.id}))
        )
        result.moved[table.__tablename__] = int(moved.rowcount or 0)
    result.moved["tag"] = _move_tags(ctx, kind, common.id_of(gone), common.id_of(keep))
    gone.archived_at = ctx.now
    common.touch(ctx, gone)
    common.touch(ctx, keep)
    ctx.session.add_all([keep, gone])
    ctx.session.flush()
    ctx.session.expire_all()
    return result


def _move_tags(ctx: Ctx, kind: str, old: int, new: int) -> int:
    t = TagLink.__table__  # type: ignore[attr-defined]
    conn = ctx.session.connection()

    def tag_ids(record_id: int) -> set[int]:
        query = select(t.c.tag_id).where(t.c.kind == kind, t.c.record_id == record_id)
        return {r[0] for r in conn.execute(query)}

    theirs, mine = tag_ids(old), tag_ids(new)
    add = sorted(theirs - mine)
    if add:
        conn.execute(insert(t), [{"tag_id": tag, "kind": kind, "record_id": new} for tag in add])
    conn.execute(delete(t).where(and_(t.c.kind == kind, t.c.record_id == old)))
    return len(add)
