"""Activities: calls, e-mails, meetings and notes logged on a deal's (or lead's, contact's,
account's) timeline. Logging on a deal also files it under the deal's account and contact.

An activity logged in the wrong place or with a typo is fixed with `edit` (`ActivityChanges`:
UNSET not given, None or blank clears, a value sets); moving it to another deal files it under
that deal's account and contact instead. It keeps at least one record, and who logged it."""

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


@dataclass
class ActivityChanges:
    """An activity's edit; type and subject cannot be cleared, nor every record it is on."""

    type: common.Change[str] = common.UNSET
    subject: common.Change[str] = common.UNSET
    body: common.Change[str] = common.UNSET
    at: common.Change[str | datetime] = common.UNSET
    deal: common.Change[int | str] = common.UNSET
    lead: common.Change[int | str] = common.UNSET
    contact: common.Change[int | str] = common.UNSET
    account: common.Change[int | str] = common.UNSET

    def __post_init__(self) -> None:
        common.check_input(self)


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


def _link(ctx: Ctx, model: type[common.Archivable], name: str) -> common.Parser:
    def parse(ref: int | str | None) -> int | None:
        found = common.resolve_ref(ctx, model, ref, name)
        return None if found is None else common.id_of(found)

    return parse


def _moment(value: str | datetime | None) -> str | datetime:
    return value if isinstance(value, datetime) else common.required(value, "at")


def get(ctx: Ctx, activity_id: int | str) -> Activity:
    return common.get_live(ctx, Activity, activity_id, "activity")


def edit(ctx: Ctx, activity_id: int | str, ch: ActivityChanges) -> Activity:
    """Change what was logged; a new deal brings its account and contact along (unless they
    are given too)."""
    act = get(ctx, activity_id)
    table: dict[str, tuple[str, common.Parser]] = {
        "type": ("kind", lambda v: kind(common.required(v, "type"), "type")),
        "subject": ("subject", lambda v: common.required(v, "subject")),
        "body": ("body", lambda v: common.notes(v, "body")),
        "at": ("at", lambda v: _at(ctx, _moment(v))),
        "deal": ("deal_id", _link(ctx, Deal, "deal")),
        "lead": ("lead_id", _link(ctx, Lead, "lead")),
        "contact": ("contact_id", _link(ctx, Contact, "contact")),
        "account": ("account_id", _link(ctx, Account, "account")),
    }
    values = common.changes_of(ch, table)
    if values.get("deal_id") is not None:
        deal = ctx.session.get(Deal, values["deal_id"])
        assert deal is not None
        values.setdefault("account_id", deal.account_id)
        values.setdefault("contact_id", deal.contact_id)
    for key, value in values.items():
        setattr(act, key, value)
    if not any((act.deal_id, act.lead_id, act.contact_id, act.account_id)):
        raise Invalid("record", None, "an activity stays on a deal, lead, contact or account")
    ctx.session.add(act)
    ctx.session.flush()
    return act


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
