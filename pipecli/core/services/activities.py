"""Activities: calls, e-mails, meetings and notes logged on a deal's (or lead's, contact's,
account's) timeline. Logging on a deal also files it under the deal's account and contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pipecli.core import dates
from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Activity, Contact, Deal, Lead
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

KINDS = ("call", "email", "meeting", "note")


@dataclass
class ActivityInput:
    kind: str
    subject: str
    body: str | None = None
    at: str | datetime | None = None
    deal: int | str | None = None
    lead: int | str | None = None
    contact: int | str | None = None
    account: int | str | None = None


def kind(text: str, field: str = "kind") -> str:
    key = text.strip().lower().replace("e-mail", "email")
    if key not in KINDS:
        raise Invalid(field, text, "must be one of " + ", ".join(KINDS))
    return key


def _at(ctx: Ctx, value: str | datetime | None) -> datetime:
    if value is None:
        return ctx.now
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise Invalid("at", value.isoformat(), "needs a time zone")
        moment = value.astimezone(UTC)
    else:
        when = dates.parse_when(
            value, ctx.today, field="at", fiscal_year_start=ctx.fiscal_year_start
        )
        local = datetime.combine(when.date, when.time or ctx.now.timetz().replace(tzinfo=None))
        moment = local.replace(tzinfo=ctx.now.tzinfo).astimezone(UTC)
    if moment > ctx.now:
        raise Invalid(
            "at", str(value), "is in the future; log what happened (plan it with `pipe add task`)"
        )
    return moment


def log(ctx: Ctx, inp: ActivityInput) -> Activity:
    act = Activity(
        kind=kind(inp.kind),
        subject=common.required(inp.subject, "subject"),
        body=common.notes(inp.body, "body"),
        at=_at(ctx, inp.at),
        created_at=ctx.now,
    )
    refs: tuple[tuple[int | str | None, type[common.Archivable], str], ...] = (
        (inp.deal, Deal, "deal"),
        (inp.lead, Lead, "lead"),
        (inp.contact, Contact, "contact"),
        (inp.account, Account, "account"),
    )
    for ref, model, name in refs:
        obj = common.resolve_ref(ctx, model, ref, name)
        if obj is not None:
            setattr(act, f"{name}_id", obj.id)
    if act.deal_id is not None:
        deal = ctx.session.get(Deal, act.deal_id)
        assert deal is not None
        act.account_id = act.account_id or deal.account_id
        act.contact_id = act.contact_id or deal.contact_id
    if not any((act.deal_id, act.lead_id, act.contact_id, act.account_id)):
        raise Invalid("record", None, "an activity needs --deal, --lead, --contact or --account")
    act.user_id = ctx.user().id
    ctx.session.add(act)
    ctx.session.flush()
    return act
