"""What every list shares: the Filter a command fills in, the Page it gets back, and the SQL
conditions and paging that each kind's list builds on.

Conditions come back as SQL expressions or None (no filter), and `where` skips the Nones, so a
list is written as one list of conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import func, or_
from sqlmodel import col, select

from pipecli.core import money
from pipecli.core.errors import Invalid
from pipecli.core.rows import Row as Row  # re-exported: every list row derives from it
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

R = TypeVar("R", bound=Row)
Build = Callable[[Any, list[str]], Row]  # a query's result row and its tags -> a Row
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Filter:
    """What `pipe list KIND` can filter on; each kind uses the parts that apply to it.

    Immutable: a service that needs another value makes its own copy (`dataclasses.replace`),
    so a front end can keep one filter and page through it. Paging: `limit` rows (None: all)
    after skipping `offset` rows, or, for lists in id order (deals, leads, accounts, contacts),
    the rows after `after_id` (keyset paging: steady while rows are added). `rows=False` only
    counts (`Page.total`), fetching no row.
    """

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
    deal: str | int | None = None
    sort: str | None = None
    desc: bool = False
    limit: int | None = DEFAULT_LIMIT
    archived: bool = False
    offset: int = 0
    after_id: int | None = None
    rows: bool = True


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of a list: `total` rows matched; `skipped` of them come before this page
    (offset or after_id); `hidden` more were left out by a default filter the user did not
    choose (leads: the converted ones), for a front end to mention."""

    kind: str
    rows: list[R]
    total: int
    hidden: int = 0
    skipped: int = 0

    @property
    def more(self) -> int:
        """Rows matched after this page."""
        return self.total - self.skipped - len(self.rows)


def archived_cond(model: Any, flt: Filter) -> Any:
    return model.archived_at.is_not(None) if flt.archived else model.archived_at.is_(None)


def search_cond(flt: Filter, *cols: Any) -> Any | None:
    """`--search`: a case-insensitive substring of any of `cols` (% and _ match themselves)."""
    text = common.clean(flt.search, "search")
    if not text:
        return None
    literal = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in cols))


def date_range(
    ctx: Ctx, col: Any, flt: Filter, names: tuple[str, str] = ("from", "to")
) -> list[Any]:
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


def page(
    ctx: Ctx,
    kind: str,
    query: Any,
    flt: Filter,
    build: Callable[[Any, list[str]], R],
    id_col: Any | None = None,
) -> Page[R]:
    """Count the query's rows, run it from the page's start up to the limit, and build rows
    with their tags. `id_col`: the key of a list in id order, which makes `after_id` possible."""
    if flt.limit is not None and not 0 <= flt.limit <= common.MAX_ID:
        raise Invalid("limit", flt.limit, "must be 0 (no limit) or a positive number")
    if not 0 <= flt.offset <= common.MAX_ID:
        raise Invalid("offset", flt.offset, "must be 0 or a positive number")
    total = _count(ctx, query)
    if not flt.rows:
        return Page(kind, [], total)
    skipped = flt.offset
    if flt.after_id is not None:
        if id_col is None:
            raise Invalid("after_id", flt.after_id, f"{kind} lists page by offset, not by id")
        query = query.where(id_col > flt.after_id)
        skipped = total - _count(ctx, query)
    if flt.offset:
        query = query.offset(flt.offset)
        skipped = skipped + flt.offset if flt.after_id is not None else flt.offset
    if flt.limit:
        query = query.limit(flt.limit)
    rows = ctx.session.exec(query).all()
    ids = [r[0].id for r in rows]
    tags = common.tags_of(ctx, kind, ids) if kind in common.KIND_MODELS else {}
    built = [build(r, tags.get(r[0].id, [])) for r in rows]
    return Page(kind, built, total, skipped=min(skipped, total))


def _count(ctx: Ctx, query: Any) -> int:
    return int(
        ctx.session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    )


def tag_cond(kind: str, model: Any, flt: Filter) -> Any | None:
    if not (flt.tag and common.clean(flt.tag, "tag")):
        return None
    return model.id.in_(common.tagged_ids(kind, flt.tag))


def owner_cond(ctx: Ctx, model: Any, flt: Filter) -> Any | None:
    oid = common.owner_filter(ctx, flt.owner)
    return None if oid is None else model.owner_id == oid


def deal_cond(ctx: Ctx, model: Any, flt: Filter) -> Any | None:
    """`--deal ID|TITLE`: only rows linked to that deal (a title matched as record references
    are, `common.resolve_ref`); None when not given."""
    from pipecli.core.models import Deal

    found = common.resolve_ref(ctx, Deal, flt.deal, "deal")
    return None if found is None else model.deal_id == found.id


def on_cond(model: Any, on: tuple[str, int] | None) -> Any | None:
    """Only rows linked to one record: on=("contact", 4) -> model.contact_id == 4."""
    return None if on is None else getattr(model, f"{on[0]}_id") == common.parse_id(*on[::-1])


def with_owner(model: Any) -> Any:
    """`select(model, owner name)`: the query of a list whose rows show their owner's name."""
    from pipecli.core.models import User

    return select(model, User.name).outerjoin(User, col(User.id) == model.owner_id)


def where(query: Any, *conds: Any) -> Any:
    for cond in conds:
        if cond is not None:
            query = query.where(cond)
    return query


def tail(obj: Any, tags: list[str]) -> dict[str, Any]:
    """The fields every kind's row ends with (`rows.Tail`), as keyword arguments."""
    return {
        "notes": obj.notes,
        "external_id": obj.external_id,
        "tags": tags,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "archived": obj.archived_at is not None,
    }


def amount(minor: int | None, currency: str) -> Any:
    return None if minor is None else money.from_minor(minor, currency)
