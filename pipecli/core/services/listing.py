"""Lists and single-record views: each kind's rows, with the field names of `pipecli.core.schema`.

Lists are built as one SQL query with outer joins for names (no per-row queries), filtered, counted
and limited in SQL; tags come in one extra query for the page shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select  # any number of entities (sqlmodel's stops at 4)
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from pipecli.core import money
from pipecli.core.errors import Invalid
from pipecli.core.models import (
    Account,
    Activity,
    Contact,
    Deal,
    Lead,
    Pipeline,
    Stage,
    StageChange,
    Task,
    User,
)
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx

Row = dict[str, Any]
Build = Callable[[Any, list[str]], Row]  # a query's result row and its tags -> a Row
DEFAULT_LIMIT = 50


@dataclass
class Filter:
    """What `pipe list KIND` can filter on; each kind uses the parts that apply to it."""

    owner: str | None = None
    tag: str | None = None
    search: str | None = None
    status: str | None = None
    stage: str | None = None
    pipeline: str | None = None
    account: str | None = None
    date_from: str | date | None = None
    date_to: str | date | None = None
    due: str | None = None
    limit: int | None = DEFAULT_LIMIT
    archived: bool = False


@dataclass(frozen=True)
class Page:
    kind: str
    rows: list[Row]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _archived(model: Any, flt: Filter) -> Any:
    return model.archived_at.is_not(None) if flt.archived else model.archived_at.is_(None)


def _search(flt: Filter, *cols: Any) -> Any | None:
    text = common.clean(flt.search)
    if not text:
        return None
    literal = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in cols))


def _range(ctx: Ctx, col: Any, flt: Filter, names: tuple[str, str] = ("from", "to")) -> list[Any]:
    """Inclusive date bounds; `names` are the options the user typed, for error messages."""
    conds = []
    start = common.as_date(ctx, flt.date_from, names[0])
    end = common.as_date(ctx, flt.date_to, names[1])
    if start and end and start > end:
        raise Invalid(names[1], str(flt.date_to), f"is before --{names[0]} {start.isoformat()}")
    if start:
        conds.append(col >= start)
    if end:
        conds.append(col <= end)
    return conds


def _page(ctx: Ctx, kind: str, query: Any, flt: Filter, build: Any) -> Page:
    if flt.limit is not None and not 0 <= flt.limit <= common.MAX_ID:
        raise Invalid("limit", flt.limit, "must be 0 (no limit) or a positive number")
    total = ctx.session.exec(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).one()
    if flt.limit:
        query = query.limit(flt.limit)
    rows = ctx.session.exec(query).all()
    ids = [r[0].id for r in rows]
    tags = common.tags_of(ctx, kind, ids) if kind in common.KIND_MODELS else {}
    return Page(kind, [build(r, tags.get(r[0].id, [])) for r in rows], int(total))


def _tag_cond(kind: str, model: Any, flt: Filter) -> Any | None:
    if not (flt.tag and common.clean(flt.tag)):
        return None
    return model.id.in_(common.tagged_ids(kind, flt.tag))


def _owner_cond(ctx: Ctx, model: Any, flt: Filter) -> Any | None:
    oid = common.owner_filter(ctx, flt.owner)
    return None if oid is None else model.owner_id == oid


def _where(query: Any, *conds: Any) -> Any:
    for cond in conds:
        if cond is not None:
            query = query.where(cond)
    return query


def _tail(obj: Any, tags: list[str]) -> Row:
    return {
        "notes": obj.notes,
        "external_id": obj.external_id,
        "tags": tags,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "archived": obj.archived_at is not None,
    }


def _amount(minor: int | None, currency: str) -> Any:
    return None if minor is None else money.from_minor(minor, currency)


# --- deals -----------------------------------------------------------------------------------

DEAL_STATUSES = ("open", "won", "lost", "closed", "all")


def deals_query() -> Any:
    return (
        sa_select(
            Deal, Stage, col(Pipeline.name), col(Account.name), col(Contact.name), col(User.name)
        )
        .join(Stage, col(Stage.id) == Deal.stage_id)
        .join(Pipeline, col(Pipeline.id) == Deal.pipeline_id)
        .outerjoin(Account, col(Account.id) == Deal.account_id)
        .outerjoin(Contact, col(Contact.id) == Deal.contact_id)
        .outerjoin(User, col(User.id) == Deal.owner_id)
    )


def deal_row(r: Any, tags: list[str]) -> Row:
    deal, stage, pipe_name, account, contact, owner = r
    return {
        "id": deal.id,
        "uuid": deal.uuid,
        "title": deal.title,
        "pipeline": pipe_name,
        "pipeline_id": deal.pipeline_id,
        "stage": stage.name,
        "stage_id": deal.stage_id,
        "status": stage.outcome,
        "probability": deal.probability,
        "probability_manual": deal.probability_manual,
        "amount": _amount(deal.amount_minor, deal.currency),
        "currency": deal.currency,
        "close": deal.expected_close,
        "account": account,
        "account_id": deal.account_id,
        "contact": contact,
        "contact_id": deal.contact_id,
        "owner": owner,
        "owner_id": deal.owner_id,
        "source": deal.source,
        "lost_reason": deal.lost_reason,
        "lost_note": deal.lost_note,
        "lead_id": deal.lead_id,
        "stage_entered_at": deal.stage_entered_at,
        "closed_at": deal.closed_at,
    } | _tail(deal, tags)


def _deal_status(flt: Filter) -> Any | None:
    status = (flt.status or "open").strip().lower()
    if status not in DEAL_STATUSES:
        raise Invalid("status", flt.status, "must be one of " + ", ".join(DEAL_STATUSES))
    if status == "all":
        return None
    if status == "closed":
        return col(Stage.outcome).in_(("won", "lost"))
    return Stage.outcome == status


def _on(model: Any, on: tuple[str, int] | None) -> Any | None:
    """Only rows linked to one record: on=("contact", 4) -> model.contact_id == 4."""
    return None if on is None else getattr(model, f"{on[0]}_id") == common.parse_id(*on[::-1])


def list_deals(ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None) -> Page:
    conds = [
        _on(Deal, on),
        _archived(Deal, flt),
        _owner_cond(ctx, Deal, flt),
        _tag_cond("deal", Deal, flt),
    ]
    conds.append(_search(flt, Deal.title, Account.name, Contact.name))
    if flt.stage:
        pipe = pipelines.get_pipeline(ctx, flt.pipeline)
        conds.append(Deal.stage_id == pipelines.find_stage(ctx, pipe, flt.stage).id)
        flt.status = flt.status or "all"
    elif flt.pipeline:
        conds.append(Deal.pipeline_id == pipelines.get_pipeline(ctx, flt.pipeline).id)
    conds.append(_deal_status(flt))
    if flt.account:
        acct = common.resolve_ref(ctx, Account, flt.account, "account")
        if acct is not None:  # None: a blank --account, no filter
            conds.append(Deal.account_id == acct.id)
    conds += _range(ctx, Deal.expected_close, flt, ("close-from", "close-to"))
    query = _where(deals_query(), *conds).order_by(col(Deal.id))
    return _page(ctx, "deal", query, flt, deal_row)


def deal_detail(ctx: Ctx, deal_id: int | str) -> Row:
    deal = common.get(ctx, Deal, deal_id, "deal")
    did = common.id_of(deal)
    r = ctx.session.exec(deals_query().where(Deal.id == did)).one()
    row = deal_row(r, common.tags_of(ctx, "deal", [did])[did])
    row["history"] = history_rows(ctx, did)
    on = ("deal", did)
    row["activities"] = list_activities(ctx, Filter(limit=None), on=on).rows
    row["tasks"] = list_tasks(ctx, Filter(limit=None, status="all"), on=on).rows
    return row


def history_rows(ctx: Ctx, deal_id: int) -> list[Row]:
    from_stage, to_stage = aliased(Stage), aliased(Stage)
    query = (
        select(StageChange, from_stage.name, to_stage.name, User.name)
        .outerjoin(from_stage, col(from_stage.id) == StageChange.from_stage_id)
        .join(to_stage, col(to_stage.id) == StageChange.to_stage_id)
        .outerjoin(User, col(User.id) == StageChange.user_id)
        .where(StageChange.deal_id == deal_id)
        .order_by(col(StageChange.at), col(StageChange.id))
    )
    return [
        {
            "id": ch.id,
            "at": ch.at,
            "change": ch.change,
            "from_stage": f,
            "to_stage": t,
            "amount": _amount(ch.amount_minor, ch.currency),
            "currency": ch.currency,
            "close": ch.expected_close,
            "probability": ch.probability,
            "user": u,
            "note": ch.note,
        }
        for ch, f, t, u in ctx.session.exec(query).all()
    ]


# --- leads, accounts, contacts ---------------------------------------------------------------


def lead_row(r: Any, tags: list[str]) -> Row:
    lead, owner = r
    return {
        "id": lead.id,
        "uuid": lead.uuid,
        "name": lead.name,
        "company": lead.company,
        "email": lead.email,
        "phone": lead.phone,
        "title": lead.title,
        "source": lead.source,
        "status": lead.status,
        "value": _amount(lead.amount_minor, lead.currency),
        "currency": lead.currency,
        "owner": owner,
        "owner_id": lead.owner_id,
        "account_id": lead.account_id,
        "contact_id": lead.contact_id,
        "deal_id": lead.deal_id,
        "converted_at": lead.converted_at,
    } | _tail(lead, tags)


def leads_query() -> Any:
    return select(Lead, User.name).outerjoin(User, col(User.id) == Lead.owner_id)


def list_leads(ctx: Ctx, flt: Filter) -> Page:
    conds = [_archived(Lead, flt), _owner_cond(ctx, Lead, flt), _tag_cond("lead", Lead, flt)]
    conds.append(_search(flt, Lead.name, Lead.company, Lead.email))
    status = (flt.status or "").strip().lower()
    if status == "open" or not status:
        conds.append(col(Lead.status).not_in(("converted", "disqualified")))
    elif status != "all":
        from pipecli.core.services.leads import STATUSES

        if status not in STATUSES:
            raise Invalid("status", flt.status, "must be open, all or " + ", ".join(STATUSES))
        conds.append(Lead.status == status)
    conds += _range(ctx, func.date(Lead.created_at), flt) if flt.date_from or flt.date_to else []
    query = _where(leads_query(), *conds).order_by(col(Lead.id))
    return _page(ctx, "lead", query, flt, lead_row)


def account_row(r: Any, tags: list[str]) -> Row:
    acct, owner = r
    return {
        "id": acct.id,
        "uuid": acct.uuid,
        "name": acct.name,
        "domain": acct.domain,
        "industry": acct.industry,
        "website": acct.website,
        "phone": acct.phone,
        "address": acct.address,
        "region": acct.region,
        "employees": acct.employees,
        "source": acct.source,
        "owner": owner,
        "owner_id": acct.owner_id,
        "lead_id": acct.lead_id,
    } | _tail(acct, tags)


def accounts_query() -> Any:
    return select(Account, User.name).outerjoin(User, col(User.id) == Account.owner_id)


def list_accounts(ctx: Ctx, flt: Filter) -> Page:
    conds = [_archived(Account, flt), _owner_cond(ctx, Account, flt)]
    conds += [_tag_cond("account", Account, flt)]
    conds.append(_search(flt, Account.name, Account.domain, Account.industry))
    query = _where(accounts_query(), *conds).order_by(col(Account.id))
    return _page(ctx, "account", query, flt, account_row)


def contact_row(r: Any, tags: list[str]) -> Row:
    contact, account, owner = r
    return {
        "id": contact.id,
        "uuid": contact.uuid,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "title": contact.title,
        "birthday": contact.birthday,
        "account": account,
        "account_id": contact.account_id,
        "source": contact.source,
        "owner": owner,
        "owner_id": contact.owner_id,
        "lead_id": contact.lead_id,
    } | _tail(contact, tags)


def contacts_query() -> Any:
    return (
        select(Contact, Account.name, User.name)
        .outerjoin(Account, col(Account.id) == Contact.account_id)
        .outerjoin(User, col(User.id) == Contact.owner_id)
    )


def list_contacts(ctx: Ctx, flt: Filter) -> Page:
    conds = [_archived(Contact, flt), _owner_cond(ctx, Contact, flt)]
    conds += [_tag_cond("contact", Contact, flt)]
    conds.append(_search(flt, Contact.name, Contact.email, Account.name))
    if flt.account:
        acct = common.resolve_ref(ctx, Account, flt.account, "account")
        if acct is not None:  # None: a blank --account, no filter
            conds.append(Contact.account_id == acct.id)
    query = _where(contacts_query(), *conds).order_by(col(Contact.id))
    return _page(ctx, "contact", query, flt, contact_row)


# --- tasks and activities --------------------------------------------------------------------

TASK_STATUSES = ("open", "done", "all")


def task_row(r: Any, tags: list[str]) -> Row:
    task, owner = r
    return {
        "id": task.id,
        "uuid": task.uuid,
        "title": task.title,
        "type": task.kind,
        "priority": task.priority,
        "due": task.due_date,
        "due_time": task.due_time,
        "status": "done" if task.done_at else "open",
        "repeat": task.repeat,
        "repeat_text": _describe(task.repeat),
        "done_at": task.done_at,
        "deal_id": task.deal_id,
        "lead_id": task.lead_id,
        "contact_id": task.contact_id,
        "account_id": task.account_id,
        "owner": owner,
        "owner_id": task.owner_id,
        "previous_id": task.previous_id,
    } | _tail(task, tags)


def _describe(rule: str | None) -> str | None:
    if not rule:
        return None
    from pipecli.core.recurrence import describe_repeat  # only lists with repeating tasks need it

    return describe_repeat(rule)


def tasks_query() -> Any:
    return select(Task, User.name).outerjoin(User, col(User.id) == Task.owner_id)


def _due_cond(ctx: Ctx, due: str | None) -> list[Any]:
    """`--due X`: due on or before X (so `today` includes overdue); `overdue`: before today."""
    text = common.clean(due)
    if not text:
        return []
    if text.lower() == "overdue":
        return [col(Task.due_date) < ctx.today]
    until = common.as_date(ctx, text, "due")
    return [col(Task.due_date) <= until]


def list_tasks(ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None) -> Page:
    status = (flt.status or "open").strip().lower()
    if status not in TASK_STATUSES:
        raise Invalid("status", flt.status, "must be one of " + ", ".join(TASK_STATUSES))
    conds = [_archived(Task, flt), _owner_cond(ctx, Task, flt), _tag_cond("task", Task, flt)]
    conds.append(_search(flt, Task.title, Task.notes))
    if status != "all":
        done_at = col(Task.done_at)
        conds.append(done_at.is_(None) if status == "open" else done_at.is_not(None))
    conds.append(_on(Task, on))
    conds += _due_cond(ctx, flt.due) + _range(ctx, Task.due_date, flt)
    order: Sequence[Any] = (
        col(Task.due_date).is_(None),
        Task.due_date,
        col(Task.due_time).is_(None),
        Task.due_time,
        Task.id,
    )
    query = _where(tasks_query(), *conds).order_by(*order)
    return _page(ctx, "task", query, flt, task_row)


def activity_row(r: Any, _tags: list[str]) -> Row:
    act, user = r
    return {
        "id": act.id,
        "uuid": act.uuid,
        "type": act.kind,
        "subject": act.subject,
        "body": act.body,
        "at": act.at,
        "user": user,
        "deal_id": act.deal_id,
        "lead_id": act.lead_id,
        "contact_id": act.contact_id,
        "account_id": act.account_id,
        "created_at": act.created_at,
    }


def list_activities(
    ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None, kind: str | None = None
) -> Page:
    query = select(Activity, User.name).outerjoin(User, col(User.id) == Activity.user_id)
    conds = [col(Activity.archived_at).is_(None), _search(flt, Activity.subject, Activity.body)]
    conds.append(_on(Activity, on))
    if kind:
        from pipecli.core.services.activities import kind as activity_kind

        conds.append(Activity.kind == activity_kind(kind, "type"))
    oid = common.owner_filter(ctx, flt.owner)
    if oid is not None:
        conds.append(Activity.user_id == oid)
    conds += _range(ctx, func.date(Activity.at), flt) if flt.date_from or flt.date_to else []
    query = _where(query, *conds).order_by(col(Activity.at).desc(), col(Activity.id).desc())
    return _page(ctx, "activity", query, flt, activity_row)


# --- pipelines and stages --------------------------------------------------------------------


def pipeline_rows(ctx: Ctx) -> list[Row]:
    rows = []
    for pipe in pipelines.list_pipelines(ctx):
        pid = common.id_of(pipe)
        stages = pipelines.stages_of(ctx, pid)
        counts = pipelines.stage_deal_counts(ctx, pid)
        open_ids = {s.id for s in stages if s.outcome == "open"}
        rows.append(
            {
                "id": pipe.id,
                "name": pipe.name,
                "default": pipe.is_default,
                "stages": [s.name for s in stages],
                "open_deals": sum(n for sid, n in counts.items() if sid in open_ids),
            }
        )
    return rows


def stage_rows(ctx: Ctx, pipeline: str | None) -> list[Row]:
    pipe = pipelines.get_pipeline(ctx, pipeline)
    pid = common.id_of(pipe)
    counts = pipelines.stage_deal_counts(ctx, pid)
    return [
        {
            "id": s.id,
            "pipeline": pipe.name,
            "name": s.name,
            "position": s.position,
            "probability": s.probability,
            "category": s.forecast_category,
            "outcome": s.outcome,
            "rot_days": s.rot_days,
            "deals": counts.get(common.id_of(s), 0),
        }
        for s in pipelines.stages_of(ctx, pid)
    ]


def get_row(ctx: Ctx, kind: str, record: common.Record | int | str) -> Row:
    """One record of `kind` (given as itself or its id) as its list row, e.g. after add/edit."""
    record_id = record if isinstance(record, int | str) else common.id_of(record)
    builders: dict[str, tuple[type[common.Archivable], Callable[[], Any], Build]] = {
        "lead": (Lead, leads_query, lead_row),
        "account": (Account, accounts_query, account_row),
        "contact": (Contact, contacts_query, contact_row),
        "task": (Task, tasks_query, task_row),
        "deal": (Deal, deals_query, deal_row),
    }
    model, query, build = builders[kind]
    rid = common.id_of(common.get(ctx, model, record_id, kind))
    r = ctx.session.exec(query().where(col(model.id) == rid)).one()
    return build(r, common.tags_of(ctx, kind, [rid])[rid])


def conversion_view(ctx: Ctx, c: Any) -> Row:
    """What `convert` made or linked, as rows (c is a leads.Conversion)."""
    return {
        "lead": get_row(ctx, "lead", c.lead),
        "account": get_row(ctx, "account", c.account) if c.account else None,
        "contact": get_row(ctx, "contact", c.contact),
        "deal": get_row(ctx, "deal", c.deal) if c.deal else None,
        "account_created": c.account_created,
        "contact_created": c.contact_created,
    }
