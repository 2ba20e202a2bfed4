"""Quotes as typed rows: the `show quote` view (`QuoteView`: lines, totals per rate), list rows,
export rows and the quotes shown on a deal (`QuoteRow`). The fields are those of the rows
(pipecli.core.rows, `pipe schema quote|quote_line`); the documents (PDF, HTML, Markdown) are
drawn from the same view, so they show the same figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select as sa_select  # any number of entities (sqlmodel's stops at 4)
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from pipecli.core import dates, money
from pipecli.core.errors import Invalid
from pipecli.core.models import Account, Contact, Deal, Quote, QuoteLine, User
from pipecli.core.quotes.totals import Totals
from pipecli.core.rows import QuoteLineRow, QuoteRow, QuoteTax, QuoteView
from pipecli.core.services import common
from pipecli.core.services.context import Ctx
from pipecli.core.services.quotes import STATUSES, find, status_of, totals

Q = TypeVar("Q", bound=QuoteRow)


def _query() -> Any:
    revised = aliased(Quote)
    return (
        sa_select(Quote, col(Deal.title), col(Account.name), col(Contact.name),
                  col(Contact.email), col(User.name), col(revised.number))
        .join(Deal, col(Deal.id) == Quote.deal_id)
        .outerjoin(Account, col(Account.id) == Quote.account_id)
        .outerjoin(Contact, col(Contact.id) == Quote.contact_id)
        .outerjoin(User, col(User.id) == Quote.owner_id)
        .outerjoin(revised, col(revised.id) == Quote.revision_of_id)
    )  # fmt: skip


def _lines(ctx: Ctx, ids: list[int]) -> dict[int, list[QuoteLine]]:
    out: dict[int, list[QuoteLine]] = {i: [] for i in ids}
    if ids:
        query = select(QuoteLine).where(col(QuoteLine.quote_id).in_(ids))
        for ln in ctx.session.exec(query.order_by(col(QuoteLine.position))):
            out[ln.quote_id].append(ln)
    return out


def _flat(ctx: Ctx, cls: type[Q], r: Any, t: Totals, n_lines: int, **more: Any) -> Q:
    """The quote in `r` (a `_query()` result) as a `cls` row; `more`: a view's own fields."""
    q: Quote = r[0]
    return cls(
        id=common.id_of(q), uuid=q.uuid, number=q.number, revision=q.revision,
        revision_of=r[6], status=status_of(q, ctx.today), deal_id=q.deal_id,
        deal=r[1], account_id=q.account_id, account=r[2], contact_id=q.contact_id,
        contact=r[3], contact_email=r[4], owner=r[5], currency=q.currency,
        tax_mode=q.tax_mode, valid_until=q.valid_until, terms=q.terms,
        line_count=n_lines, subtotal=t.subtotal,
        discount_percent=Decimal(q.discount_percent) if q.discount_percent else None,
        discount=t.discount, tax_total=t.tax_total, shipping=t.shipping,
        grand_total=t.grand_total, decline_reason=q.decline_reason,
        sent_at=q.sent_at, accepted_at=q.accepted_at, declined_at=q.declined_at,
        notes=q.notes, created_at=q.created_at, updated_at=q.updated_at,
        archived=q.archived_at is not None, **more,
    )  # fmt: skip


def _line_rows(q: Quote, lines: list[QuoteLine], t: Totals) -> list[QuoteLineRow]:
    cur = q.currency
    return [
        QuoteLineRow(
            n=ln.position, sku=ln.sku, name=ln.name, unit=ln.unit,
            qty=Decimal(ln.qty), unit_price=money.from_minor(ln.unit_price_minor, cur),
            tax_rate=Decimal(ln.tax_rate),
            discount_percent=Decimal(ln.discount_percent) if ln.discount_percent else None,
            gross=o.gross, discount=o.discount, net=o.net, quote_discount=o.share,
            taxable=o.taxable, optional=ln.optional, product_id=ln.product_id,
        )
        for ln, o in zip(lines, t.lines, strict=True)
    ]  # fmt: skip


def view(ctx: Ctx, ref: str | int) -> QuoteView:
    """One quote with its lines and totals per tax rate (`pipe show quote`, the documents)."""
    q = find(ctx, ref)
    r = ctx.session.exec(_query().where(Quote.id == q.id)).one()
    lines = _lines(ctx, [common.id_of(q)])[common.id_of(q)]
    t = totals(q, lines)
    taxes = [QuoteTax(rate=x.rate, base=x.base, tax=x.tax) for x in t.taxes]
    return _flat(ctx, QuoteView, r, t, len(lines), lines=_line_rows(q, lines, t), taxes=taxes)


def _rows(ctx: Ctx, query: Any) -> list[QuoteRow]:
    found = ctx.session.exec(query.order_by(col(Quote.id))).all()
    lines = _lines(ctx, [r[0].id for r in found])
    return [
        _flat(ctx, QuoteRow, r, totals(r[0], lines[r[0].id]), len(lines[r[0].id])) for r in found
    ]


def list_quotes(
    ctx: Ctx,
    *,
    status: str | None = None,
    expiring: str | None = None,
    deal: str | None = None,
    archived: bool = False,
) -> list[QuoteRow]:
    """Quotes by id; `status` (draft, sent, accepted, declined, expired, all), `expiring`
    (sent quotes whose valid-until falls between today and that day), a deal's."""
    query = _query()
    if not archived:
        query = query.where(col(Quote.archived_at).is_(None))
    found = common.resolve_ref(ctx, Deal, deal, "deal") if deal else None
    if found is not None:
        query = query.where(Quote.deal_id == found.id)
    key = (status or "all").strip().lower()
    if key not in (*STATUSES, "all"):
        raise Invalid("status", status, f"must be one of {', '.join(STATUSES)}, all")
    if key in ("sent", "expired"):
        query = query.where(Quote.status == "sent")
    elif key != "all":
        query = query.where(Quote.status == key)
    until: date | None = None
    if expiring:
        until = dates.parse_date(expiring, ctx.today, field="expiring",
                                 fiscal_year_start=ctx.fiscal_year_start)  # fmt: skip
        query = query.where(Quote.status == "sent", col(Quote.valid_until).is_not(None))
        query = query.where(col(Quote.valid_until) >= ctx.today, col(Quote.valid_until) <= until)
    rows = _rows(ctx, query)
    if key in ("sent", "expired"):
        rows = [r for r in rows if r.status == key]
    return rows


def deal_quotes(ctx: Ctx, deal_id: int) -> list[QuoteRow]:
    return _rows(ctx, _query().where(Quote.deal_id == deal_id))


def export_rows(ctx: Ctx, batch: int = 500) -> Iterator[QuoteRow]:
    """Every quote, archived ones too, in id order, fetched `batch` at a time."""
    last = 0
    while True:
        rows = _rows(ctx, _query().where(col(Quote.id) > last).limit(batch))
        if not rows:
            return
        yield from rows
        last = rows[-1].id
