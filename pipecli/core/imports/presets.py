"""Import presets for other CRMs' exports: Salesforce (a folder of CSVs), HubSpot, Pipedrive.

A preset turns each row of the vendor's file into pipecli import fields and hands it to the one
importer (`services.imports`), so validation, matching on external ids and history are the same as
for `pipe import deals`. Salesforce files link to each other by 18-character ids; they are imported
parents first (Account, Contact, Lead, Opportunity, Task), each record keeping its Salesforce Id
as its external id, so later files resolve their links by it and a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipecli.core.errors import Invalid
from pipecli.core.imports import Options, Progress, Result, import_source
from pipecli.core.io.readers import Table, open_table
from pipecli.core.services.context import Ctx

Fields = dict[str, str]


@dataclass
class PresetOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    pipeline: str | None = None
    create_stages: bool = True
    create_owners: bool = False


@dataclass
class Mapped:
    """A vendor file seen as pipecli import fields: `transform` turns each row into fields."""

    table: Table
    transform: Callable[[dict[str, str]], Fields | None]  # None: leave the row out
    headers: list[str]
    labels: dict[str, str] | None = None  # field -> the vendor's column, for error messages

    @property
    def path(self) -> Path:
        return self.table.path

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, row in self.table.rows():
            out = self.transform(row)
            if out is not None:
                yield line, out


def _run(
    ctx: Ctx,
    kind: str,
    source: Mapped,
    po: PresetOptions,
    p: Progress | None,
    *,
    create_refs: bool = True,
) -> Result:
    opts = Options(
        kind,
        create_stages=po.create_stages,
        dry_run=False,  # the presets roll back once, at the end, so later files see earlier ones
        skip_invalid=po.skip_invalid,
        pipeline=po.pipeline,
        mapping={h: h for h in source.headers},
        labels=source.labels,
        create_refs=create_refs,
        create_owners=po.create_owners,
    )
    result = import_source(ctx, source, opts, p)
    result.dry_run = po.dry_run
    return result


def _finish(ctx: Ctx, results: list[Result], po: PresetOptions) -> list[Result]:
    if po.dry_run:
        ctx.session.rollback()
        ctx._user = None
    return results


# --- Salesforce --------------------------------------------------------------------------------

_SF_FILES = ("Account", "Contact", "Lead", "Opportunity", "Task")
_SF_LEAD_STATUS = {
    "new": "new", "open - not contacted": "new", "working": "contacted",
    "working - contacted": "contacted", "contacted": "contacted", "qualified": "qualified",
    "unqualified": "disqualified", "closed - not converted": "disqualified",
    "closed - converted": "qualified",
}  # fmt: skip


def _deleted(row: dict[str, str]) -> bool:
    return row.get("IsDeleted", "").strip().lower() in ("1", "true")


def _join(*parts: str | None) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _sf_account(r: dict[str, str]) -> Fields | None:
    if _deleted(r):
        return None
    address = _join(*(r.get(f"Billing{k}") for k in ("Street", "City", "State", "PostalCode")))
    return {
        "id": r["Id"], "name": r.get("Name", ""), "industry": r.get("Industry", ""),
        "website": r.get("Website", ""), "phone": r.get("Phone", ""), "address": address,
        "region": r.get("BillingCountry", ""), "employees": r.get("NumberOfEmployees", ""),
        "source": r.get("AccountSource", ""), "notes": r.get("Description", ""),
        "created": r.get("CreatedDate", ""),
    }  # fmt: skip


def _sf_contact(r: dict[str, str]) -> Fields | None:
    if _deleted(r):
        return None
    name = r.get("Name") or _join(r.get("FirstName"), r.get("LastName")).replace(", ", " ")
    return {
        "id": r["Id"], "name": name, "account": r.get("AccountId", ""),
        "email": r.get("Email", ""), "phone": r.get("Phone") or r.get("MobilePhone", ""),
        "title": r.get("Title", ""), "birthday": r.get("Birthdate", ""),
        "source": r.get("LeadSource", ""), "notes": r.get("Description", ""),
        "created": r.get("CreatedDate", ""),
    }  # fmt: skip


def _sf_lead(r: dict[str, str]) -> Fields | None:
    if _deleted(r):
        return None
    name = r.get("Name") or _join(r.get("FirstName"), r.get("LastName")).replace(", ", " ")
    status = r.get("Status", "").strip()
    return {
        "id": r["Id"], "name": name, "company": r.get("Company", ""),
        "email": r.get("Email", ""), "phone": r.get("Phone", ""), "title": r.get("Title", ""),
        "source": r.get("LeadSource", ""), "notes": r.get("Description", ""),
        "status": _SF_LEAD_STATUS.get(status.lower(), status), "created": r.get("CreatedDate", ""),
    }  # fmt: skip


def _sf_opportunity(r: dict[str, str]) -> Fields | None:
    if _deleted(r):
        return None
    return {
        "id": r["Id"], "title": r.get("Name", ""), "account": r.get("AccountId", ""),
        "amount": r.get("Amount", ""), "currency": r.get("CurrencyIsoCode", ""),
        "stage": r.get("StageName", ""), "close": r.get("CloseDate", ""),
        "source": r.get("LeadSource", ""), "notes": r.get("Description", ""),
        "created": r.get("CreatedDate", ""), "product": r.get("Product__c", ""),
    }  # fmt: skip


def _sf_task(r: dict[str, str]) -> Fields | None:
    if _deleted(r):
        return None
    what, who = r.get("WhatId", "").strip(), r.get("WhoId", "").strip()
    done = r.get("Status", "").strip().lower() == "completed"
    return {
        "id": r["Id"], "title": r.get("Subject", "") or "Task", "due": r.get("ActivityDate", ""),
        "priority": r.get("Priority", ""), "notes": r.get("Description", ""),
        "deal": what if what.startswith("006") else "",
        "account": what if what.startswith("001") else r.get("AccountId", "") if not what else "",
        "contact": who if who.startswith("003") else "",
        "lead": who if who.startswith("00Q") else "",
        "done": r.get("LastModifiedDate", "") if done else "",
        "created": r.get("CreatedDate", ""),
    }  # fmt: skip


_SF = {
    "Account": ("account", _sf_account),
    "Contact": ("contact", _sf_contact),
    "Lead": ("lead", _sf_lead),
    "Opportunity": ("deal", _sf_opportunity),
    "Task": ("task", _sf_task),
}


def salesforce(
    ctx: Ctx, folder: str | Path, po: PresetOptions, progress: Progress | None = None
) -> list[Result]:
    """Import the Salesforce export in `folder`; the files present are imported, parents first."""
    base = Path(folder)
    if not base.is_dir():
        raise Invalid("folder", str(folder), "is not a folder")
    present = [n for n in _SF_FILES if (base / f"{n}.csv").is_file()]
    if not present:
        raise Invalid("folder", str(folder), "holds none of " + ", ".join(f"{n}.csv" for n in _SF))
    results = []
    for name in present:
        kind, transform = _SF[name]
        table = open_table(base / f"{name}.csv")
        sample = next(table.rows(), (0, {}))[1]
        fields = list(transform(sample) or {}) if sample else []
        if name == "Lead":
            transform = _company_names(ctx, transform)
        # each field's vendor column, found by feeding the transform the column names themselves
        named = transform({h: h for h in table.headers}) or {}
        source = Mapped(table, transform, fields, {f: v for f, v in named.items() if v})
        results.append(_run(ctx, kind, source, po, progress, create_refs=False))
    return _finish(ctx, results, po)


def _company_names(ctx: Ctx, transform: Callable[[dict[str, str]], Fields | None]) -> Any:
    """Lead.Company sometimes holds an Account Id: show the account's name instead."""
    from pipecli.core.imports.refs import Refs

    refs = Refs(ctx)

    def named(row: dict[str, str]) -> Fields | None:
        out = transform(row)
        company = (out or {}).get("company", "")
        if out and company.startswith("001") and len(company) in (15, 18):
            found = refs.find("account", company)
            if found is not None:
                from pipecli.core.models import Account

                acct = ctx.session.get(Account, found)
                out["company"] = acct.name if acct else company
        return out

    return named


# --- HubSpot and Pipedrive deals -----------------------------------------------------------------

_HUBSPOT = {
    "id": ("Record ID", "Deal ID"), "title": ("Deal Name",), "stage": ("Deal Stage",),
    "amount": ("Amount",), "currency": ("Currency", "Deal currency code"),
    "close": ("Close Date",), "created": ("Create Date",),
    "owner": ("Deal owner", "Deal Owner", "HubSpot Owner"),
    "account": ("Associated Company", "Associated Company (Primary)", "Company name"),
    "source": ("Original Source Type", "Original Source"), "notes": ("Deal Description",),
    "lost_reason": ("Closed Lost Reason",),
}  # fmt: skip
_PIPEDRIVE = {
    "id": ("ID",), "title": ("Title",), "amount": ("Value",), "currency": ("Currency",),
    "stage": ("Stage",), "status": ("Status",), "account": ("Organization",),
    "contact": ("Contact person",), "owner": ("Owner",), "close": ("Expected close date",),
    "created": ("Deal created",), "won": ("Won time",), "lost": ("Lost time",),
    "lost_reason": ("Lost reason",), "source": ("Source",), "product": ("Product name",),
}  # fmt: skip


def _columns(headers: list[str], spec: Mapping[str, tuple[str, ...]], strip: str = "") -> Fields:
    plain = {h.removeprefix(strip).strip().lower(): h for h in headers}
    return {f: plain[c.lower()] for f, names in spec.items() for c in names if c.lower() in plain}


def hubspot(
    ctx: Ctx, file: str | Path, po: PresetOptions, encoding: str | None = None, p: Any = None
) -> list[Result]:
    """A HubSpot deals export (its standard column names)."""
    table = open_table(file, encoding=encoding)
    cols = _columns(table.headers, _HUBSPOT)

    def transform(row: dict[str, str]) -> Fields:
        return {f: row.get(c, "") for f, c in cols.items()}

    results = [_run(ctx, "deal", Mapped(table, transform, list(cols), cols), po, p)]
    return _finish(ctx, results, po)


def pipedrive(
    ctx: Ctx, file: str | Path, po: PresetOptions, encoding: str | None = None, p: Any = None
) -> list[Result]:
    """A Pipedrive deals export: `Deal - Title` style columns (or plain `Title`)."""
    table = open_table(file, encoding=encoding)
    cols = _columns(table.headers, _PIPEDRIVE, strip="Deal - ")

    def transform(row: dict[str, str]) -> Fields:
        raw = {f: row.get(c, "") for f, c in cols.items()}
        status = raw.pop("status", "").strip().lower()
        won, lost = raw.pop("won", ""), raw.pop("lost", "")
        if status in ("won", "lost"):
            raw["stage"], raw["closed"] = status, won if status == "won" else lost
        return raw

    fields = [f for f in cols if f not in ("status", "won", "lost")] + ["closed"]
    source = Mapped(table, transform, list(dict.fromkeys(fields)), cols)
    results = [_run(ctx, "deal", source, po, p)]
    return _finish(ctx, results, po)
