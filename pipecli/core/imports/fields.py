"""Import fields: which file columns feed which field, and turning a row's text into typed values.

Field names are the `pipe add` option names (the positional title/name included) plus `id` (the
record's id in the system it came from, kept as `external_id`), `created`, `closed` and
`lost_reason`. Without `--map`, a header matches a field by its name or a common English or
Chinese column name, ignoring case, spaces, `_` and `-`.

Parsing goes through the one date parser (`dates.parse_import_*`) and the one money parser;
each bad value raises Invalid naming the field, so the importer can report line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pipecli.core import dates, money
from pipecli.core.errors import Invalid
from pipecli.core.services import accounts, common, deals, leads, pipelines, tasks

KINDS = ("deal", "lead", "account", "contact", "task")

_COMMON = ("id", "created", "owner", "source", "notes")
FIELDS: dict[str, tuple[str, ...]] = {
    "deal": ("title", "account", "contact", "amount", "currency", "stage", "close",
             "probability", "closed", "lost_reason", "product", *_COMMON),
    "lead": ("name", "company", "email", "phone", "title", "value", "currency", "status",
             *_COMMON),
    "account": ("name", "domain", "industry", "website", "phone", "address", "region",
                "employees", *_COMMON),
    "contact": ("name", "account", "email", "phone", "title", "birthday", *_COMMON),
    "task": ("title", "due", "priority", "type", "deal", "lead", "contact", "account", "done",
             *_COMMON),
}  # fmt: skip
REQUIRED = {"deal": "title", "lead": "name", "account": "name", "contact": "name", "task": "title"}
DATE_FIELDS = ("close", "birthday", "due", "created", "closed", "done")

# Header spellings (normalised: lower case, no spaces, `_` or `-`) -> field; per kind first.
_ALIASES: dict[str, list[str]] = {
    "id": ["id", "externalid", "recordid", "编号", "id号"],
    "created": ["created", "createdat", "createddate", "createdate", "createtime", "创建时间",
                "创建日期"],
    "owner": ["owner", "ownername", "dealowner", "assignedto", "salesrep", "负责人", "销售",
              "所有人", "跟进人"],
    "source": ["source", "leadsource", "dealsource", "来源", "线索来源", "客户来源"],
    "notes": ["notes", "note", "description", "comments", "备注", "描述"],
    "account": ["account", "accountname", "company", "companyname", "organization",
                "organisation", "org", "公司", "客户", "客户名称", "公司名称", "企业名称"],
    "contact": ["contact", "contactname", "contactperson", "person", "联系人"],
    "amount": ["amount", "value", "dealvalue", "dealamount", "金额", "商机金额", "合同金额"],
    "currency": ["currency", "currencycode", "币种", "货币"],
    "stage": ["stage", "stagename", "dealstage", "pipelinestage", "阶段", "销售阶段", "商机阶段"],
    "pipeline": ["pipeline", "管道", "销售流程"],
    "close": ["close", "closedate", "expectedclose", "expectedclosedate", "expectedclosingdate",
              "预计成交日期", "预计签单日期"],
    "closed": ["closed", "closedat", "wontime", "losttime", "dealclosed", "实际成交日期",
               "成交日期"],
    "probability": ["probability", "winprobability", "赢率", "成交概率"],
    "product": ["product", "productname", "productline", "productc", "产品", "产品名称"],
    "lost_reason": ["lostreason", "closedlostreason", "输单原因", "丢单原因"],
    "email": ["email", "e-mail", "emailaddress", "mail", "邮箱", "电子邮件", "邮件"],
    "phone": ["phone", "phonenumber", "mobile", "telephone", "tel", "电话", "手机", "联系电话"],
    "domain": ["domain", "companydomain", "companydomainname", "域名"],
    "industry": ["industry", "行业"],
    "website": ["website", "web", "url", "网站", "官网"],
    "address": ["address", "street", "地址"],
    "region": ["region", "country", "地区", "国家", "省份"],
    "employees": ["employees", "numberofemployees", "headcount", "员工数", "员工人数"],
    "birthday": ["birthday", "birthdate", "dateofbirth", "生日"],
    "status": ["status", "leadstatus", "状态"],
    "due": ["due", "duedate", "activitydate", "deadline", "截止日期", "到期日"],
    "priority": ["priority", "优先级"],
    "type": ["type", "tasktype", "类型"],
    "deal": ["deal", "dealid", "opportunity", "商机"],
    "lead": ["lead", "leadid", "线索"],
    "done": ["done", "doneat", "completed", "completedat", "完成时间"],
    "company": ["company", "companyname", "organization", "公司", "公司名称"],
    "value": ["value", "amount", "estimatedvalue", "金额"],
}  # fmt: skip
_TITLE_ALIASES = {
    "deal": ["title", "name", "dealname", "dealtitle", "deal", "opportunity", "opportunityname",
             "subject", "商机名称", "商机", "标题", "名称"],
    "task": ["title", "subject", "task", "taskname", "标题", "任务", "主题"],
    "lead": ["name", "fullname", "leadname", "姓名", "名字", "线索名称"],
    "account": ["name", "account", "accountname", "company", "companyname", "公司", "客户",
                "客户名称", "公司名称", "名称"],
    "contact": ["name", "fullname", "contactname", "姓名", "联系人", "名字"],
}  # fmt: skip
_JOB_TITLE = ["title", "jobtitle", "position", "职位", "职务"]


def norm(header: str) -> str:
    return re.sub(r"[\s_\-./()（）]+", "", header.strip().lower())


def auto_map(kind: str, headers: list[str]) -> dict[str, str]:
    """field -> column for every header that names a field of `kind` (first match wins)."""
    by_norm = {norm(h): h for h in reversed(headers) if h}
    out: dict[str, str] = {}
    req = REQUIRED[kind]
    for alias in _TITLE_ALIASES[kind]:
        if alias in by_norm:
            out[req] = by_norm[alias]
            break
    for fld in FIELDS[kind]:
        if fld in out:
            continue
        names = (
            _JOB_TITLE if fld == "title" and kind in ("lead", "contact") else _ALIASES.get(fld, [])
        )
        for alias in [fld.replace("_", ""), *names]:
            col = by_norm.get(alias)
            if col and col not in out.values():
                out[fld] = col
                break
    return out


def parse_map(text: str | None, kind: str, headers: list[str]) -> dict[str, str]:
    """`--map field=Column,...` over the automatic matches; unknown fields or columns refused."""
    mapping = auto_map(kind, headers)
    for part in filter(str.strip, (text or "").split(",")):
        if "=" not in part:
            raise Invalid("map", part, "must be field=Column")
        fld, col = (p.strip() for p in part.split("=", 1))
        fld = fld.replace("-", "_").lower()
        if fld not in FIELDS[kind]:
            raise Invalid("map", part, f"{fld!r} is not a {kind} field: " + ", ".join(FIELDS[kind]))
        if col not in headers:
            raise Invalid("map", part, f"column {col!r} is not in the file")
        mapping = {f: c for f, c in mapping.items() if c != col}
        mapping[fld] = col
    if REQUIRED[kind] not in mapping:
        raise Invalid("map", None, f"no column for {REQUIRED[kind]!r}; add --map "
                      f"{REQUIRED[kind]}=Column (columns: {', '.join(headers)})")  # fmt: skip
    return mapping


# --- values ----------------------------------------------------------------------------------

WON_WORDS = {"won", "closedwon", "win", "赢单", "成交", "已成交", "签约", "赢得"}
LOST_WORDS = {"lost", "closedlost", "lose", "输单", "丢单", "失败", "已丢单"}


@dataclass
class Parser:
    """Turns one row's field texts into typed values; `dayfirst` per date field."""

    kind: str
    today: date
    default_currency: str
    dayfirst: dict[str, bool]
    stage_of: Callable[[str], Any]  # stage text -> stage id (or a marker), may raise Invalid
    decimal: dict[str, str | None] = field(default_factory=dict)  # money field -> "," "." None

    def parse(self, fields: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for fld, text in fields.items():
            text = text.strip()
            if text:
                out[fld] = self._value(fld, text, out)
        if REQUIRED[self.kind] not in out:
            raise Invalid(REQUIRED[self.kind], "", "must not be empty")
        self._money(out)
        return out

    def _value(self, fld: str, text: str, out: dict[str, Any]) -> Any:
        if fld in DATE_FIELDS:
            first = self.dayfirst.get(fld, False)
            if fld in ("created", "closed", "done"):
                return dates.parse_import_datetime(text, field=fld, dayfirst=first)
            # no "birthday in the future" check here: that rule catches typing slips, and
            # other systems' exports (Salesforce's demo data among them) do hold such dates
            return dates.parse_import_date(text, field=fld, dayfirst=first)
        handler = _HANDLERS.get(fld)
        if handler is not None:
            return handler(self, text)
        return common.clean(text, fld)

    def parse_money(self, key: str, text: str, currency: str) -> int | None:
        """One money cell (`amount`/`value`) in minor units of `currency` (or of the currency
        it names, if the same), None when empty."""
        if not text:
            return None
        out = {key: self._value(key, text, {}), "currency": currency}
        self._money(out)
        minor: int = out[key]
        return minor

    def _money(self, out: dict[str, Any]) -> None:
        key = "amount" if "amount" in out else "value"
        cur = out.get("currency")
        if key in out:
            amount, named = out[key]
            if cur and named and named != cur:
                raise Invalid(key, str(amount), f"is in {named} but the currency column says {cur}")
            cur = cur or named or self.default_currency
            out[key] = money.stored_minor(amount, cur, field=key)
        out["currency"] = cur or self.default_currency


# Plain numbers, with or without thousands commas (`1234.5`, `12,345.60`): read directly. This
# is exactly what money.parse_money makes of them, without its general (slower) path; anything
# else goes through parse_money.
_PLAIN_AMOUNT = re.compile(r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?", re.ASCII)


_AMBIGUOUS_DOT = re.compile(r"[1-9]\d{0,2}\.\d{3}", re.ASCII)


def _money_text(text: str, name: str, decimal: str | None) -> tuple[Decimal, str | None]:
    if (
        decimal != ","
        and _PLAIN_AMOUNT.fullmatch(text)
        and (decimal == "." or not _AMBIGUOUS_DOT.fullmatch(text))
    ):
        return Decimal(text.replace(",", "")), None
    return money.parse_money(text, field=name, decimal=decimal)


def _amount(p: Parser, text: str) -> Any:
    return _money_text(text, "amount", p.decimal.get("amount"))


def _value_amount(p: Parser, text: str) -> Any:
    return _money_text(text, "value", p.decimal.get("value"))


def _type(p: Parser, text: str) -> Any:
    key = text.strip().lower()
    return key if key in tasks.KINDS else "todo"  # other systems' task types vary widely


def _priority(p: Parser, text: str) -> Any:
    key = text.strip().lower()
    return {"medium": "normal", "normal": "normal", "low": "low", "high": "high",
            "urgent": "urgent", "高": "high", "中": "normal", "低": "low"}.get(key) or (
        tasks.choice(text, tasks.PRIORITIES, "priority"))  # fmt: skip


_HANDLERS: dict[str, Callable[[Parser, str], Any]] = {
    "amount": _amount,
    "value": _value_amount,
    "currency": lambda p, t: money.currency_code(t),
    "email": lambda p, t: common.email(t),
    "domain": lambda p, t: accounts.domain(t),
    "employees": lambda p, t: accounts.employees(t.replace(",", "")),
    "probability": lambda p, t: pipelines.probability(t.split(".")[0]),
    "status": lambda p, t: leads.status(t),
    "stage": lambda p, t: p.stage_of(t),
    "product": lambda p, t: common.bounded(t, "product", deals.PRODUCT_MAX),
    "notes": lambda p, t: common.notes(
        t
    ),  # free text keeps its line breaks (other fields are collapsed)
    "priority": _priority,
    "type": _type,
}
