"""Lists of work items: tasks (soonest due first) and logged activities (newest first).

Both can be narrowed to one linked record (`on=("deal", 7)`), which is how a record's detail
view shows its tasks and activities.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Activity, Contact, Deal, Lead, Task, User
from pipecli.core.rows import ActivityKind, ActivityRow, Priority, TaskKind, TaskRow, TaskStatus
from pipecli.core.services import common
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.filters import (
    Filter,
    Page,
    archived_cond,
    date_range,
    deal_cond,
    on_cond,
    owner_cond,
    page,
    search_cond,
    tag_cond,
    tail,
    where,
    with_owner,
)

TASK_STATUSES = ("open", "done", "all")


def task_row(r: Any, tags: list[str]) -> TaskRow:
    task, owner, *names = r
    return TaskRow(
        id=task.id,
        uuid=task.uuid,
        title=task.title,
        type=TaskKind(task.kind),
        priority=Priority(task.priority),
        due=task.due_date,
        due_time=task.due_time,
        status=TaskStatus.done if task.done_at else TaskStatus.open,
        repeat=task.repeat,
        repeat_text=_describe(task.repeat),
        done_at=task.done_at,
        deal_id=task.deal_id,
        lead_id=task.lead_id,
        contact_id=task.contact_id,
        account_id=task.account_id,
        owner=owner,
        owner_id=task.owner_id,
        previous_id=task.previous_id,
        related=next((n for n in names if n is not None), None),
        **tail(task, tags),
    )


def _describe(rule: str | None) -> str | None:
    if not rule:
        return None
    from pipecli.core.recurrence import describe_repeat  # only lists with repeating tasks need it

    return describe_repeat(rule)


def tasks_query() -> Any:
    """Tasks with their owner's name and the title or name of what each is for (deal, lead,
    contact, account: the first one linked), joined in the one query."""
    return (
        with_owner(Task)
        .add_columns(col(Deal.title), col(Lead.name), col(Contact.name), col(Account.name))
        .outerjoin(Deal, col(Deal.id) == Task.deal_id)
        .outerjoin(Lead, col(Lead.id) == Task.lead_id)
        .outerjoin(Contact, col(Contact.id) == Task.contact_id)
        .outerjoin(Account, col(Account.id) == Task.account_id)
    )


def _due_cond(ctx: Ctx, due: str | None) -> list[Any]:
    """`--due X`: due on or before X (so `today` includes overdue); `overdue`: before today."""
    text = common.clean(due, "due")
    if not text:
        return []
    if text.lower() == "overdue":
        return [col(Task.due_date) < ctx.today]
    until = common.as_date(ctx, text, "due")
    return [col(Task.due_date) <= until]


def list_tasks(ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None) -> Page[TaskRow]:
    status = (flt.status or "open").strip().lower()
    if status not in TASK_STATUSES:
        raise Invalid("status", flt.status, "must be one of " + ", ".join(TASK_STATUSES))
    conds = [archived_cond(Task, flt), owner_cond(ctx, Task, flt), tag_cond("task", Task, flt)]
    conds.append(search_cond(flt, Task.title, Task.notes))
    if status != "all":
        done_at = col(Task.done_at)
        conds.append(done_at.is_(None) if status == "open" else done_at.is_not(None))
    conds += [on_cond(Task, on), deal_cond(ctx, Task, flt)]
    conds += _due_cond(ctx, flt.due) + date_range(ctx, Task.due_date, flt)
    order: Sequence[Any] = (
        col(Task.due_date).is_(None),
        Task.due_date,
        col(Task.due_time).is_(None),
        Task.due_time,
        Task.id,
    )
    query = where(tasks_query(), *conds).order_by(*order)
    return page(ctx, "task", query, flt, task_row)


def activity_row(r: Any, _tags: list[str]) -> ActivityRow:
    act, user = r
    return ActivityRow(
        id=act.id,
        uuid=act.uuid,
        type=ActivityKind(act.kind),
        subject=act.subject,
        body=act.body,
        at=act.at,
        user=user,
        deal_id=act.deal_id,
        lead_id=act.lead_id,
        contact_id=act.contact_id,
        account_id=act.account_id,
        created_at=act.created_at,
    )


def activities_query() -> Any:
    """Activities with the name of who logged each (`activity_row` reads it)."""
    return select(Activity, User.name).outerjoin(User, col(User.id) == Activity.user_id)


def list_activities(
    ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None, kind: str | None = None
) -> Page[ActivityRow]:
    query = activities_query()
    conds = [col(Activity.archived_at).is_(None), search_cond(flt, Activity.subject, Activity.body)]
    conds += [on_cond(Activity, on), deal_cond(ctx, Activity, flt)]
    if kind:
        from pipecli.core.services.activities import kind as activity_kind

        conds.append(Activity.kind == activity_kind(kind, "type"))
    oid = common.owner_filter(ctx, flt.owner)
    if oid is not None:
        conds.append(Activity.user_id == oid)
    conds += date_range(ctx, func.date(Activity.at), flt) if flt.date_from or flt.date_to else []
    query = where(query, *conds).order_by(col(Activity.at).desc(), col(Activity.id).desc())
    return page(ctx, "activity", query, flt, activity_row)
