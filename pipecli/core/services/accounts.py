"""Accounts (companies): create, edit, and find-or-create by name for deals, contacts and leads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Contact
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
    ]
)


@dataclass
class AccountInput(common.Owned):
    name: str
    domain: str | None = None
    industry: str | None = None
    website: str | None = None
    phone: str | None = None
    address: str | None = None
    region: str | None = None
    employees: int | str | None = None
    source: str | None = None


@dataclass
class AccountChanges(common.OwnedChanges):
    """An account's edit (see `common`: UNSET not given, None or blank clears, else a value).
    The name cannot be cleared."""

    name: common.Change[str] = common.UNSET
    domain: common.Change[str] = common.UNSET
    industry: common.Change[str] = common.UNSET
    website: common.Change[str] = common.UNSET
    phone: common.Change[str] = common.UNSET
    address: common.Change[str] = common.UNSET
    region: common.Change[str] = common.UNSET
    employees: common.Change[int | str] = common.UNSET
    source: common.Change[str] = common.UNSET


def domain(text: str | None, field_name: str = "domain") -> str | None:
    value = common.clean(text, field_name)
    if value is None:
        return None
    value = value.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    value = value.split("/")[0]
    if "." not in value or " " in value or "@" in value:
        raise Invalid(field_name, text, "is not a domain (expected like acme.example)")
    return value


def email_domain(email: str | None) -> str | None:
    """The company domain of an e-mail address; None for free-mail providers."""
    if not email or "@" not in email:
        return None
    dom = email.rsplit("@", 1)[1].lower()
    return None if dom in FREE_MAIL else dom


def employees(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and not value.strip().isdigit():
        raise Invalid("employees", value, "must be a whole number")
    return int(value)


def create(ctx: Ctx, inp: AccountInput, *, duplicate: bool = False) -> Account:
    """A new account; a live account of the same name (ignoring case and spacing) is a Conflict
    unless `duplicate` says another company really has that name."""
    name = common.required(inp.name, "name")
    same = None if duplicate else common.find_by_name(ctx, Account, name, "account")
    if same is not None:
        raise Conflict(
            f"account {same.name!r} exists (id {same.id}); use it, or add --duplicate "
            "for another company of that name"
        )
    account = Account(name=name, created_at=ctx.now, updated_at=ctx.now)
    _fill(ctx, account, inp)
    common.save(ctx, "account", account, inp)
    return account


def edit(ctx: Ctx, account_id: int | str, ch: AccountChanges) -> Account:
    account = common.get_live(ctx, Account, account_id, "account")
    common.apply_changes(ctx, account, ch, common.changes_of(ch, _CHANGES))
    account.updated_at = ctx.now
    common.save(ctx, "account", account, ch)
    return account


def _fill(ctx: Ctx, account: Account, inp: AccountInput) -> None:
    values = {
        "domain": domain(inp.domain),
        "industry": common.clean(inp.industry, "industry"),
        "website": common.clean(inp.website, "website"),
        "phone": common.clean(inp.phone, "phone"),
        "address": common.clean(inp.address, "address"),
        "region": common.clean(inp.region, "region"),
        "employees": employees(inp.employees),
        "source": common.clean(inp.source, "source"),
        "notes": common.notes(inp.notes),
    }
    common.apply(ctx, account, inp, values)


# what an edit sets or clears: field -> (column, parser)
_CHANGES: dict[str, tuple[str, common.Parser]] = {
    "name": ("name", lambda v: common.required(v, "name")),
    "domain": ("domain", domain),
    "industry": ("industry", lambda v: common.clean(v, "industry")),
    "website": ("website", lambda v: common.clean(v, "website")),
    "phone": ("phone", lambda v: common.clean(v, "phone")),
    "address": ("address", lambda v: common.clean(v, "address")),
    "region": ("region", lambda v: common.clean(v, "region")),
    "employees": ("employees", employees),
    "source": ("source", lambda v: common.clean(v, "source")),
    "notes": ("notes", common.notes),
}


def find_by_domain(ctx: Ctx, dom: str) -> Account | None:
    return ctx.session.exec(
        select(Account)
        .where(func.lower(Account.domain) == dom.lower(), col(Account.archived_at).is_(None))
        .order_by(col(Account.id))
    ).first()


def find_or_create(ctx: Ctx, name: str) -> Account:
    """The live account with this name (case/space-insensitive), created if there is none."""
    found: Account | None = common.find_by_name(ctx, Account, name, "account")
    if found is not None:
        return found
    account = create(ctx, AccountInput(name=name))
    ctx.notice(f"created account {account.id} {account.name!r}")
    return account


def account_for(ctx: Ctx, ref: str | int | None, contact: Contact | None) -> Account | None:
    """The account of a deal or contact: by id, by name (found or created), or the contact's."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        if contact is not None and contact.account_id is not None:
            return ctx.session.get(Account, contact.account_id)
        return None
    if isinstance(ref, int) or ref.strip().lstrip("#").isdigit():
        return common.get_live(ctx, Account, ref, "account")
    return find_or_create(ctx, ref)
