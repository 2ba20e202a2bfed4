"""Deal lists and the deal detail view (`pipe list deals`, `pipe show deal`), with stage history.

One query joins the stage, pipeline, account, contact and owner names onto each deal. `--stage`
without `--pipeline` matches the stage name in every (non-archived) pipeline.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select  # any number of entities (sqlmodel's stops at 4)
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from pipecli.core import money
from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Contact, Deal, Pipeline, Stage, StageChange, User
from pipecli.core.rows import DealRow, HistoryRow, Outcome, RecordView
from pipecli.core.services import common, pipelines
from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.filters import (
    Filter,
    Page,
    amount,
    archived_cond,
    date_range,
    on_cond,
    owner_cond,
    page,
    search_cond,
    tag_cond,
    tail,
    where,
)
from pipecli.core.services.listing.work import list_activities, list_tasks

DEAL_STATUSES = ("open", "won", "lost", "closed", "all")
DEAL_SORTS = ("amount", "close", "stage", "updated", "created")


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


def deal_row(r: Any, tags: list[str]) -> DealRow:
    deal, stage, pipe_name, account, contact, owner = r
    return DealRow(
        id=deal.id,
        uuid=deal.uuid,
        title=deal.title,
        pipeline=pipe_name,
        pipeline_id=deal.pipeline_id,
        stage=stage.name,
        stage_id=deal.stage_id,
        status=Outcome(stage.outcome),
        probability=deal.probability,
        probability_manual=deal.probability_manual,
        amount=amount(deal.amount_minor, deal.currency),
        currency=deal.currency,
        close=deal.expected_close,
        account=account,
        account_id=deal.account_id,
        contact=contact,
        contact_id=deal.contact_id,
        owner=owner,
        owner_id=deal.owner_id,
        source=deal.source,
        product=deal.product,
        lost_reason=deal.lost_reason,
        lost_note=deal.lost_note,
        lead_id=deal.lead_id,
        stage_entered_at=deal.stage_entered_at,
        closed_at=deal.closed_at,
        rot_days=stage.rot_days,
        **tail(deal, tags),
    )


def _status_cond(flt: Filter) -> Any | None:
    status = (flt.status or "open").strip().lower()
    if status not in DEAL_STATUSES:
        raise Invalid("status", flt.status, "must be one of " + ", ".join(DEAL_STATUSES))
    if status == "all":
        return None
    if status == "closed":
        return col(Stage.outcome).in_(("won", "lost"))
    return Stage.outcome == status


def stage_ids(ctx: Ctx, ref: str, pipeline: str | None) -> list[int]:
    """The stages `--stage ref` means: that stage of `pipeline` if given, else the stages of that
    exact name (case-insensitive) in every non-archived pipeline; only when no pipeline has the
    exact name, the stage each pipeline matches by unique prefix (`pipelines.find_stage`). A
    prefix ambiguous in any one pipeline is then a Conflict; a name no pipeline has is Invalid."""
    pipes = [] if pipeline else pipelines.list_pipelines(ctx)
    if len(pipes) <= 1:  # --pipeline, or only one: that pipeline's stage and messages, as ever
        pipe = pipelines.get_pipeline(ctx, pipeline)
        return [common.id_of(pipelines.find_stage(ctx, pipe, ref))]
    key = " ".join(ref.split()).lower()
    exact = [
        common.id_of(s)
        for p in pipes
        for s in pipelines.stages_of(ctx, common.id_of(p))
        if s.name.lower() == key
    ]
    if exact:
        return exact
    ids: list[int] = []
    for pipe in pipes:
        try:
            ids.append(common.id_of(pipelines.find_stage(ctx, pipe, ref)))
        except Invalid:
            continue  # not a stage of this pipeline
        except Conflict as exc:
            raise Conflict(f"{exc} (pipeline {pipe.name!r}), or give --pipeline") from None
    if not ids:
        stages = [s for p in pipes for s in pipelines.stages_of(ctx, common.id_of(p))]
        names = ", ".join(dict.fromkeys(s.name for s in stages))
        raise Invalid("stage", ref, f"is not a stage of any pipeline (stages: {names})")
    return ids


def list_deals(ctx: Ctx, flt: Filter, *, on: tuple[str, int] | None = None) -> Page[DealRow]:
    conds = [
        on_cond(Deal, on),
        archived_cond(Deal, flt),
        owner_cond(ctx, Deal, flt),
        tag_cond("deal", Deal, flt),
    ]
    conds.append(search_cond(flt, Deal.title, Account.name, Contact.name))
    if flt.stage:
        conds.append(col(Deal.stage_id).in_(stage_ids(ctx, flt.stage, flt.pipeline)))
        flt = replace(flt, status=flt.status or "all")  # a stage implies every status
    elif flt.pipeline:
        conds.append(Deal.pipeline_id == pipelines.get_pipeline(ctx, flt.pipeline).id)
    conds.append(_status_cond(flt))
    if flt.account:
        acct = common.resolve_ref(ctx, Account, flt.account, "account")
        if acct is not None:  # None: a blank --account, no filter
            conds.append(Deal.account_id == acct.id)
    conds += date_range(ctx, Deal.expected_close, flt, ("close-from", "close-to"))
    if not flt.sort:
        query = where(deals_query(), *conds).order_by(col(Deal.id).desc() if flt.desc else Deal.id)
        return page(ctx, "deal", query, flt, deal_row, col(Deal.id))
    query = where(deals_query(), *conds).order_by(*_sort_order(flt.sort, flt.desc))
    return page(ctx, "deal", query, flt, deal_row)


def _sort_order(sort: str, desc: bool) -> list[Any]:
    """`--sort KEY [--desc]` as ORDER BY terms: deals without the value (no amount, no close
    date) last either way, then the key, then the id (a stable tie-break, in the same
    direction). Amounts compare as numbers in each deal's own currency (12000 USD after 11000
    EUR; no exchange rates): minor units scaled to four decimals, so 1000 JPY equals 1000 USD.
    `close` is the day shown as Close: the day a won or lost deal closed (UTC), else the
    expected close. `stage`: pipeline, then the stage's place in it."""
    key = sort.strip().lower()
    if key not in DEAL_SORTS:
        raise Invalid("sort", sort, "must be one of " + ", ".join(DEAL_SORTS))
    keys: list[Any]
    if key == "amount":
        minor = col(Deal.amount_minor)
        places = sorted({p for p in money.CURRENCIES.values() if p != 2})
        scaled = case(
            *((col(Deal.currency).in_(_codes(p)), minor * 10 ** (4 - p)) for p in places),
            else_=minor * 100,
        )
        keys = [minor.is_(None), scaled]
    elif key == "close":
        day = func.coalesce(func.date(Deal.closed_at), Deal.expected_close)
        keys = [day.is_(None), day]
    elif key == "stage":
        keys = [col(Deal.pipeline_id), col(Stage.position)]
    else:
        keys = [col(Deal.updated_at if key == "updated" else Deal.created_at)]
    keys.append(col(Deal.id))
    if not desc:
        return keys
    # the "missing value" flag stays ascending: those deals come last either way
    return [k if i == 0 and key in ("amount", "close") else k.desc() for i, k in enumerate(keys)]


def _codes(places: int) -> list[str]:
    return sorted(c for c, p in money.CURRENCIES.items() if p == places)


def deal_detail(ctx: Ctx, deal_id: int | str) -> RecordView:
    deal = common.get(ctx, Deal, deal_id, "deal")
    did = common.id_of(deal)
    r = ctx.session.exec(deals_query().where(Deal.id == did)).one()
    on = ("deal", did)
    return RecordView(
        deal_row(r, common.tags_of(ctx, "deal", [did])[did]),
        history=history_rows(ctx, did),
        activities=list_activities(ctx, Filter(limit=None), on=on).rows,
        tasks=list_tasks(ctx, Filter(limit=None, status="all"), on=on).rows,
    )


def history_rows(ctx: Ctx, deal_id: int) -> list[HistoryRow]:
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
        HistoryRow(
            id=common.id_of(ch),
            at=ch.at,
            change=ch.change,
            from_stage=f,
            to_stage=t,
            amount=amount(ch.amount_minor, ch.currency),
            currency=ch.currency,
            close=ch.expected_close,
            probability=ch.probability,
            user=u,
            note=ch.note,
        )
        for ch, f, t, u in ctx.session.exec(query).all()
    ]
