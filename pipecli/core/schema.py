"""The public field names of every kind, as `--json`, `--csv` and `pipe schema KIND` show them.

These names are a contract with scripts: add fields, never rename or drop one. Each row builder in
`services.listing` produces exactly these keys, in this order (tests/core/test_schema.py checks it).
JSON renders dates and times as ISO 8601 strings and money as decimal strings.
"""

from __future__ import annotations

from typing import NamedTuple


class FieldDoc(NamedTuple):
    name: str
    type: str
    doc: str


def _f(spec: str) -> list[FieldDoc]:
    out = []
    for line in filter(str.strip, spec.splitlines()):
        name, typ, doc = (part.strip() for part in line.split("|"))
        out.append(FieldDoc(name, typ, doc))
    return out


_COMMON_TAIL = """
notes | string? | free text
external_id | string? | its id in the system it was imported from
tags | list[string] | tag names, sorted
created_at | datetime | when the record was created (UTC)
updated_at | datetime | when it last changed (UTC)
archived | boolean | deleted (archived) records are kept but hidden from lists
"""

SCHEMAS: dict[str, list[FieldDoc]] = {
    "deal": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
title | string | what is being sold
pipeline | string | pipeline name
pipeline_id | integer | pipeline id
stage | string | current stage name
stage_id | integer | current stage id
status | string | open, won or lost
probability | integer | chance of winning, percent
probability_manual | boolean | set by hand rather than following the stage
amount | decimal? | deal value; null when unknown
currency | string | ISO 4217 code
close | date? | expected close date
account | string? | account name
account_id | integer? | account id
contact | string? | primary contact name
contact_id | integer? | primary contact id
owner | string? | owner name
owner_id | integer? | owner id
source | string? | where the deal came from
product | string? | what is being sold (product or product line)
lost_reason | string? | why it was lost
lost_note | string? | more on the loss
lead_id | integer? | the lead it was converted from
stage_entered_at | datetime | when it entered its current stage (UTC)
closed_at | datetime? | when it was won or lost (UTC)
"""
        + _COMMON_TAIL
    ),
    "lead": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
name | string | the person's name
company | string? | the company they named
email | string? | e-mail address
phone | string? | phone number
title | string? | job title
source | string? | where the lead came from (web, referral, event...)
status | string | new, contacted, qualified, disqualified or converted
value | decimal? | estimated value
currency | string | ISO 4217 code
owner | string? | owner name
owner_id | integer? | owner id
account_id | integer? | account it was converted into
contact_id | integer? | contact it was converted into
deal_id | integer? | deal it was converted into
converted_at | datetime? | when it was converted (UTC)
"""
        + _COMMON_TAIL
    ),
    "account": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
name | string | company name
domain | string? | web domain, used to match e-mail addresses
industry | string? | industry
website | string? | web site
phone | string? | phone number
address | string? | postal address
region | string? | region or country
employees | integer? | head count
source | string? | where the account came from
owner | string? | owner name
owner_id | integer? | owner id
lead_id | integer? | the lead it was created from
"""
        + _COMMON_TAIL
    ),
    "contact": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
name | string | the person's name
email | string? | e-mail address
phone | string? | phone number
title | string? | job title
birthday | date? | birthday
account | string? | account name
account_id | integer? | account id
source | string? | where the contact came from
owner | string? | owner name
owner_id | integer? | owner id
lead_id | integer? | the lead it was created from
"""
        + _COMMON_TAIL
    ),
    "task": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
title | string | what to do
type | string | todo, call, email or meeting
priority | string | low, normal, high or urgent
due | date? | due date
due_time | time? | due time of day, when one was given
status | string | open or done
repeat | string? | repeat rule (RFC 5545 RRULE)
repeat_text | string? | the repeat rule in words
done_at | datetime? | when it was done (UTC)
deal_id | integer? | linked deal
lead_id | integer? | linked lead
contact_id | integer? | linked contact
account_id | integer? | linked account
owner | string? | owner name
owner_id | integer? | owner id
previous_id | integer? | the occurrence this repeating task follows
"""
        + _COMMON_TAIL
    ),
    "activity": _f(
        """
id | integer | the number you type
uuid | string | stable identity across export and import
type | string | call, email, meeting or note
subject | string | what happened, in a line
body | string? | more text
at | datetime | when it happened (UTC)
user | string? | who logged it
deal_id | integer? | deal
lead_id | integer? | lead
contact_id | integer? | contact
account_id | integer? | account
created_at | datetime | when it was logged (UTC)
"""
    ),
    "history": _f(
        """
id | integer | row id
at | datetime | when it happened (UTC)
change | string | create, move, win, lose, reopen, amount, close_date or probability
from_stage | string? | stage before
to_stage | string | stage after
amount | decimal? | amount at that moment
currency | string | currency at that moment
close | date? | expected close date at that moment
probability | integer | probability at that moment
user | string? | who made the change
note | string? | note given with the change
"""
    ),
    "pipeline": _f(
        """
id | integer | pipeline id
name | string | pipeline name
default | boolean | used when no pipeline is named
stages | list[string] | stage names in order
open_deals | integer | open deals in the pipeline
"""
    ),
    "stage": _f(
        """
id | integer | stage id
pipeline | string | pipeline name
name | string | stage name
position | integer | order in the pipeline
probability | integer | default probability of deals in this stage, percent
category | string | forecast category: pipeline, best_case, commit, closed or omitted
outcome | string | open, won or lost
rot_days | integer? | days in stage after which a deal counts as stale
deals | integer | deals in the stage now
"""
    ),
}

KIND_ALIASES = {
    "deals": "deal",
    "leads": "lead",
    "accounts": "account",
    "contacts": "contact",
    "tasks": "task",
    "activities": "activity",
    "stages": "stage",
    "pipelines": "pipeline",
}


def kind_name(text: str) -> str | None:
    key = text.strip().lower()
    key = KIND_ALIASES.get(key, key)
    return key if key in SCHEMAS else None


def field_names(kind: str) -> list[str]:
    return [f.name for f in SCHEMAS[kind]]


# --- products and quotes (pipe schema product|quote|quote_line) ---------------------------------

SCHEMAS["product"] = _f(
    """
id | integer | product id
uuid | string | stable identity across export and import
sku | string | stock-keeping unit, unique ignoring case
name | string | product name
unit | string? | unit sold: seat, hour, piece...
price | decimal | list price
currency | string | ISO 4217 code of the price
tax_rate | decimal | default tax rate, percent
active | boolean | offered on new quotes
notes | string? | free text
created_at | datetime | when it was added (UTC)
updated_at | datetime | when it last changed (UTC)
archived | boolean | deleted (archived) products are kept but hidden
"""
)
SCHEMAS["quote"] = _f(
    """
id | integer | quote id
uuid | string | stable identity across export and import
number | string | quote number: prefix, year, 4-digit sequence (-R2... for revisions)
revision | integer | 1 for the first version, 2 for -R2...
revision_of | string? | number of the quote this revision was copied from
status | string | draft, sent, accepted, declined or expired (sent, past valid_until)
deal_id | integer | the deal it prices
deal | string | deal title
account_id | integer? | bill-to account id
account | string? | bill-to account name
contact_id | integer? | bill-to contact id
contact | string? | bill-to contact name
contact_email | string? | bill-to contact's e-mail
owner | string? | who made it
currency | string | ISO 4217 code (the deal's)
tax_mode | string | exclusive (tax added) or inclusive (prices hold tax)
valid_until | date? | last day the offer stands
terms | string? | payment terms
line_count | integer | lines, optional ones included
subtotal | decimal | sum of the counted lines' nets
discount_percent | decimal? | quote discount in percent, when given as one
discount | decimal | quote discount amount
tax_total | decimal | sum of the taxes per rate
shipping | decimal | shipping, untaxed
grand_total | decimal | subtotal − discount + shipping (+ taxes when exclusive)
decline_reason | string? | why it was declined
sent_at | datetime? | when it was last sent (UTC)
accepted_at | datetime? | when it was accepted (UTC)
declined_at | datetime? | when it was declined (UTC)
notes | string? | free text
created_at | datetime | when it was made (UTC)
updated_at | datetime | when it last changed (UTC)
archived | boolean | deleted (archived) quotes are kept but hidden
lines | list[quote_line] | `show quote` only: the lines (pipe schema quote_line)
taxes | list[object] | `show quote` only: {rate, base, tax} per tax rate, rates ascending
"""
)
SCHEMAS["quote_line"] = _f(
    """
n | integer | line number as shown
sku | string? | product SKU, when from the catalogue
name | string | line text
unit | string? | unit
qty | decimal | quantity
unit_price | decimal | price per unit
tax_rate | decimal | tax rate, percent
discount_percent | decimal? | line discount in percent, when given as one
gross | decimal | round(qty × unit price)
discount | decimal | line discount amount
net | decimal | gross − discount
quote_discount | decimal | this line's share of the quote discount (largest remainder)
taxable | decimal | net − quote_discount (0 for optional lines)
optional | boolean | shown, not counted in any total
product_id | integer? | catalogue product id
"""
)
KIND_ALIASES.update({"products": "product", "quotes": "quote", "quote-line": "quote_line",
                     "quote_lines": "quote_line", "lines": "quote_line"})  # fmt: skip
