"""Single-record and summary views: one record as its list row (after add/edit), what `convert`
made, and the rows of `pipe pipelines` and `pipe stages`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlmodel import col

from pipecli.core.models import Account, Activity, Contact, Deal, Lead, Task
from pipecli.core.rows import (
    AccountRow,
    ContactRow,
    ConversionView,
    DealRow,
    ForecastCategory,
    LeadRow,
    Outcome,
    PipelineRow,
    StageRow,
)
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.deals import deal_row, deals_query
from pipecli.core.services.listing.filters import Build, Row
from pipecli.core.services.listing.people import (
    account_row,
    accounts_query,
    contact_row,
    contacts_query,
    lead_row,
    leads_query,
)
from pipecli.core.services.listing.work import (
    activities_query,
    activity_row,
    task_row,
    tasks_query,
)


def pipeline_rows(ctx: Ctx) -> list[PipelineRow]:
    rows = []
    for pipe in pipelines.list_pipelines(ctx):
        pid = common.id_of(pipe)
        stages = pipelines.stages_of(ctx, pid)
        counts = pipelines.stage_deal_counts(ctx, pid)
        open_ids = {s.id for s in stages if s.outcome == "open"}
        rows.append(
            PipelineRow(
                id=pid,
                name=pipe.name,
                default=pipe.is_default,
                stages=[s.name for s in stages],
                open_deals=sum(n for sid, n in counts.items() if sid in open_ids),
            )
        )
    return rows


def stage_rows(ctx: Ctx, pipeline: str | None) -> list[StageRow]:
    pipe = pipelines.get_pipeline(ctx, pipeline)
    pid = common.id_of(pipe)
    counts = pipelines.stage_deal_counts(ctx, pid)
    return [
        StageRow(
            id=common.id_of(s),
            pipeline=pipe.name,
            name=s.name,
            position=s.position,
            probability=s.probability,
            category=ForecastCategory(s.forecast_category),
            outcome=Outcome(s.outcome),
            rot_days=s.rot_days,
            deals=counts.get(common.id_of(s), 0),
        )
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
        "activity": (Activity, activities_query, activity_row),
    }
    model, query, build = builders[kind]
    rid = common.id_of(common.get(ctx, model, record_id, kind))
    r = ctx.session.exec(query().where(col(model.id) == rid)).one()
    return build(r, common.tags_of(ctx, kind, [rid])[rid])


def conversion_view(ctx: Ctx, c: Any) -> ConversionView:
    """What `convert` made or linked, as rows (c is a leads.Conversion)."""
    return ConversionView(
        lead=cast(LeadRow, get_row(ctx, "lead", c.lead)),
        account=cast(AccountRow, get_row(ctx, "account", c.account)) if c.account else None,
        contact=cast(ContactRow, get_row(ctx, "contact", c.contact)),
        deal=cast(DealRow, get_row(ctx, "deal", c.deal)) if c.deal else None,
        account_created=c.account_created,
        contact_created=c.contact_created,
    )
