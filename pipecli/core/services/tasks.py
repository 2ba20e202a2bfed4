"""Tasks: things to do by a date, linked to a deal, lead, contact or account; some repeat.

Completing a repeating task creates the next one (due by the rule, anchored at the old due date),
linked to it by `previous_id`; marking it undone again withdraws that successor if it is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from pipecli.core import dates, recurrence
from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Contact, Deal, Lead, Task
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

KINDS = ("todo", "call", "email", "meeting")
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass
class TaskInput(common.Owned):
    title: str
    due: str | dates.When | date | None = None
    kind: str | None = None
    priority: str | None = None
    repeat: str | None = None
    deal: int | str | None = None
    lead: int | str | None = None
    contact: int | str | None = None
    account: int | str | None = None


@dataclass
class TaskChanges(common.OwnedChanges):
    """A task's edit (see `common`: UNSET not given, None or blank clears, else a value).
    Title, type and priority cannot be cleared; a cleared due date or repeat (or `none`) ends
    the repeat; a cleared deal unlinks it."""

    title: common.Change[str] = common.UNSET
    due: common.Change[str | dates.When | date] = common.UNSET
    kind: common.Change[str] = common.UNSET
    priority: common.Change[str] = common.UNSET
    repeat: common.Change[str] = common.UNSET
    deal: common.Change[int | str] = common.UNSET


def choice(text: str | None, allowed: tuple[str, ...], field_name: str) -> str | None:
    value = common.clean(text, field_name)
    if value is None:
        return None
    key = value.lower().replace("-", "").replace("e-mail", "email")
    if key not in allowed:
        raise Invalid(field_name, text, "must be one of " + ", ".join(allowed))
    return key


def _due(ctx: Ctx, value: str | dates.When | date | None) -> dates.When | None:
    if value is None or isinstance(value, dates.When):
        return value
    if isinstance(value, date):
        return dates.When(value, None)
    if not value.strip():
        return None
    return dates.parse_when(value, ctx.today, field="due", fiscal_year_start=ctx.fiscal_year_start)


def create(ctx: Ctx, inp: TaskInput) -> Task:
    title = common.required(inp.title, "title")
    due = _due(ctx, inp.due)
    rule = (
        recurrence.parse_repeat(inp.repeat)
        if inp.repeat and common.clean(inp.repeat, "repeat")
        else None
    )
    if rule and due is None:
        raise Invalid("repeat", inp.repeat, "needs a due date (--due) to repeat from")
    task = Task(
        title=title,
        kind=choice(inp.kind, KINDS, "type") or "todo",
        priority=choice(inp.priority, PRIORITIES, "priority") or "normal",
        due_date=due.date if due else None,
        due_time=due.time if due else None,
        repeat=rule,
        notes=common.notes(inp.notes),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    _link(ctx, task, inp)
    task.owner_id = common.resolve_owner(ctx, inp.owner, inp.create_owner).id
    ctx.session.add(task)
    ctx.session.flush()
    common.set_tags(ctx, "task", common.id_of(task), inp.tags)
    return task


def _link(ctx: Ctx, task: Task, inp: TaskInput) -> None:
    refs: tuple[tuple[int | str | None, type[common.Archivable], str], ...] = (
        (inp.deal, Deal, "deal"),
        (inp.lead, Lead, "lead"),
        (inp.contact, Contact, "contact"),
        (inp.account, Account, "account"),
    )
    for ref, model, kind in refs:
        obj = common.resolve_ref(ctx, model, ref, kind)  # None when no ref was given
        if obj is not None:
            setattr(task, f"{kind}_id", obj.id)


def edit(ctx: Ctx, task_id: int | str, ch: TaskChanges) -> Task:
    U = common.UNSET
    task = common.get_live(ctx, Task, task_id, "task")
    if ch.title is not U:
        task.title = common.required(ch.title, "title")
    if ch.due is not U:
        due = _due(ctx, ch.due)
        task.due_date, task.due_time = (due.date, due.time) if due else (None, None)
    if ch.repeat is not U:
        ended = common.clean(ch.repeat, "repeat") is None or ch.repeat == "none"
        task.repeat = None if ended else recurrence.parse_repeat(ch.repeat or "")
        if task.repeat and task.due_date is None:
            raise Invalid("repeat", ch.repeat, "needs a due date (--due) to repeat from")
    if task.repeat and task.due_date is None:
        due_text = None if ch.due is U else ch.due
        raise Invalid("due", due_text, "is needed by the task's --repeat (end it: --repeat none)")
    if ch.kind is not U:
        task.kind = _required_choice(ch.kind, KINDS, "type")
    if ch.priority is not U:
        task.priority = _required_choice(ch.priority, PRIORITIES, "priority")
    if ch.notes is not U:
        task.notes = common.notes(ch.notes)
    if ch.deal is not U:
        deal = common.resolve_ref(ctx, Deal, ch.deal, "deal")
        task.deal_id = deal.id if deal else None
    if ch.owner is not U:
        task.owner_id = common.owner_change(ctx, ch).id
    task.updated_at = ctx.now
    ctx.session.add(task)
    ctx.session.flush()
    common.set_tags(ctx, "task", common.id_of(task), ch.tags, ch.untags)
    return task


def _required_choice(text: str | None, allowed: tuple[str, ...], field_name: str) -> str:
    value = choice(text, allowed, field_name)
    if value is None:
        raise Invalid(field_name, text, "must not be empty")
    return value


@dataclass(frozen=True)
class Done:
    task: Task
    next_task: Task | None


def done(ctx: Ctx, task_id: int | str) -> Done:
    """Mark done; a repeating task spawns its next occurrence."""
    task = common.get_live(ctx, Task, task_id, "task")
    if task.done_at is not None:
        raise Conflict(f"task {task.id} is done already")
    task.done_at, task.updated_at = ctx.now, ctx.now
    ctx.session.add(task)
    nxt = _spawn_next(ctx, task) if task.repeat and task.due_date else None
    ctx.session.flush()
    return Done(task, nxt)


def _spawn_next(ctx: Ctx, task: Task) -> Task:
    assert task.repeat and task.due_date
    due = recurrence.next_occurrence(task.repeat, task.due_date, ctx.today)
    nxt = Task(
        title=task.title,
        kind=task.kind,
        priority=task.priority,
        due_date=due,
        due_time=task.due_time,
        repeat=task.repeat,
        notes=task.notes,
        previous_id=task.id,
        deal_id=task.deal_id,
        lead_id=task.lead_id,
        contact_id=task.contact_id,
        account_id=task.account_id,
        owner_id=task.owner_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(nxt)
    ctx.session.flush()
    task_id = common.id_of(task)
    tags = common.tags_of(ctx, "task", [task_id])[task_id]
    common.set_tags(ctx, "task", common.id_of(nxt), tags)
    return nxt


def undone(ctx: Ctx, task_id: int | str) -> Done:
    """Open a done task again; an untouched successor it spawned is archived."""
    task = common.get_live(ctx, Task, task_id, "task")
    if task.done_at is None:
        raise Conflict(f"task {task.id} is not done")
    task.done_at, task.updated_at = None, ctx.now
    ctx.session.add(task)
    successor = ctx.session.exec(
        select(Task).where(
            Task.previous_id == task.id,
            col(Task.done_at).is_(None),
            Task.updated_at == Task.created_at,  # never edited since it was spawned
            col(Task.archived_at).is_(None),
        )
    ).first()
    if successor is not None:
        successor.archived_at = ctx.now
        ctx.session.add(successor)
    ctx.session.flush()
    return Done(task, successor)
