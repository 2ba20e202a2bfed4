"""Lists and single-record views: each kind's rows, with the field names of `pipecli.core.schema`.

Lists are built as one SQL query with outer joins for names (no per-row queries), filtered, counted
and limited in SQL; tags come in one extra query for the page shown.

This package's names are the public API (`listing.list_deals`, `listing.Filter`, ...); the
modules behind it split the work by concern:

- `filters`: Filter (immutable; offset or after-id paging), Page and the conditions and paging
  every list shares; `count` counts what a filter matches without fetching rows
- `deals`: deal lists, the deal detail view and stage history
- `people`: leads, accounts and contacts
- `work`: tasks and activities
- `views`: one record as its row, conversion results, pipeline and stage rows
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pipecli.core.services.context import Ctx
from pipecli.core.services.listing.deals import (
    DEAL_STATUSES,
    deal_detail,
    deal_row,
    deals_query,
    history_rows,
    list_deals,
)
from pipecli.core.services.listing.filters import DEFAULT_LIMIT, Build, Filter, Page, Row
from pipecli.core.services.listing.people import (
    account_row,
    accounts_query,
    contact_row,
    contacts_query,
    lead_row,
    leads_query,
    list_accounts,
    list_contacts,
    list_leads,
)
from pipecli.core.services.listing.views import (
    conversion_view,
    get_row,
    pipeline_rows,
    stage_rows,
)
from pipecli.core.services.listing.work import (
    TASK_STATUSES,
    activity_row,
    list_activities,
    list_tasks,
    task_row,
    tasks_query,
)

# kind -> its list view, for front ends that list any kind (`pipe list KIND`, the board)
LISTS: dict[str, Callable[..., Page[Any]]] = {
    "deal": list_deals,
    "lead": list_leads,
    "account": list_accounts,
    "contact": list_contacts,
    "task": list_tasks,
    "activity": list_activities,
}


def count(ctx: Ctx, kind: str, flt: Filter) -> int:
    """How many records of `kind` match `flt` (one COUNT query; no row is fetched)."""
    return LISTS[kind](ctx, replace(flt, rows=False)).total


__all__ = [
    "DEAL_STATUSES",
    "DEFAULT_LIMIT",
    "LISTS",
    "TASK_STATUSES",
    "Build",
    "Filter",
    "Page",
    "Row",
    "account_row",
    "accounts_query",
    "activity_row",
    "contact_row",
    "contacts_query",
    "conversion_view",
    "count",
    "deal_detail",
    "deal_row",
    "deals_query",
    "get_row",
    "history_rows",
    "lead_row",
    "leads_query",
    "list_accounts",
    "list_activities",
    "list_contacts",
    "list_deals",
    "list_leads",
    "list_tasks",
    "pipeline_rows",
    "stage_rows",
    "task_row",
    "tasks_query",
]
