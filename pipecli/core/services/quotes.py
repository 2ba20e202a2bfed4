"""Quotes: create, price (lines, discounts, shipping, tax mode), send, accept, decline, revise.

Rules kept here (the maths is in pipecli.core.quotes.totals):
- A quote belongs to a deal; its currency is the deal's, and a line in another currency is
  refused. Bill-to account and contact come from the deal unless given.
- Numbers: `[quotes] prefix` (default `Q-`), the year of creation and a 4-digit sequence per
  year: Q-2026-0001; a revision adds -R2, -R3... to its first version's number.
- Only drafts change. Sent, accepted and declined quotes stay as they were: `revise` copies one
  into a new draft revision. Expired (sent, valid-until passed) is computed from now.
- Every change is re-totalled before the unit commits, so a change that would break a rule
  (a quote discount larger than the new subtotal) is refused whole.
- Accepting sets the deal's amount and currency to the grand total with a history row; at most
  one accepted quote per deal (not counting ones revised since); `win` wins the deal through
  the same service as `pipe win`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from pipecli.core import money, text
from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Activity, Contact, Deal, Quote, QuoteLine
from pipecli.core.quotes import parse
from pipecli.core.quotes.totals import Discount, LineIn, Totals, compute
from pipecli.core.rows import QuoteStatus
from pipecli.core.services import common, deals, products
from pipecli.core.services.accounts import account_for
from pipecli.core.services.context import Ctx

STATUSES = tuple(QuoteStatus)
DEFAULT_PREFIX = "Q-"


@dataclass
class QuoteInput:
    deal: int | str
    valid: str | date | None = None
    terms: str | None = None
    notes: str | None = None
    account: str | int | None = None
    contact: str | int | None = None
    tax_mode: str | None = None


@dataclass
class QuoteChanges:
    """A draft's edit, `pipe quote set` (see `common`: UNSET not given, None or blank clears,
    else a value)."""

    valid: common.Change[str | date] = common.UNSET
    terms: common.Change[str] = common.UNSET
    notes: common.Change[str] = common.UNSET
    contact: common.Change[str | int] = common.UNSET


@dataclass
class LineInput:
    product: str | None = None
    name: str | None = None
    qty: str | Decimal = "1"
    price: str | Decimal | None = None
    tax: str | Decimal | None = None
    discount: str | None = None
    unit: str | None = None
    optional: bool = False


def prefix(ctx: Ctx) -> str:
    section = ctx.settings.extra.get("quotes", {})
    value = section.get("prefix", DEFAULT_PREFIX) if isinstance(section, dict) else DEFAULT_PREFIX
    return text.check_text("quotes.prefix", str(value), max_len=20)


def find(ctx: Ctx, ref: str | int) -> Quote:
    """The quote with this number (any case) or id."""
    key = str(ref).strip()
    found = ctx.session.exec(select(Quote).where(func.lower(Quote.number) == key.lower())).first()
    if found is None and key.lstrip("#").isdigit():
        found = ctx.session.get(Quote, common.parse_id(key, "quote"))
    if found is None:
        raise NotFound("quote", ref)
    return found


def status_of(q: Quote, today: date) -> QuoteStatus:
    """The status a user sees: `expired` for a sent quote past its valid-until day."""
    if q.status == "sent" and q.valid_until is not None and q.valid_until < today:
        return QuoteStatus.expired
    return QuoteStatus(q.status)


def lines_of(ctx: Ctx, quote_id: int) -> list[QuoteLine]:
    query = select(QuoteLine).where(QuoteLine.quote_id == quote_id)
    return list(ctx.session.exec(query.order_by(col(QuoteLine.position))))


def _discount(percent: str | None, minor: int | None, currency: str) -> Discount | None:
    if percent is not None:
        return Discount(percent=Decimal(percent))
    if minor is not None:
        return Discount(amount=money.from_minor(minor, currency))
    return None


def totals(q: Quote, lines: list[QuoteLine]) -> Totals:
    cur = q.currency
    ins = [
        LineIn(Decimal(ln.qty), money.from_minor(ln.unit_price_minor, cur), Decimal(ln.tax_rate),
               _discount(ln.discount_percent, ln.discount_minor, cur), ln.optional)
        for ln in lines
    ]  # fmt: skip
    return compute(
        ins, cur, discount=_discount(q.discount_percent, q.discount_minor, cur),
        shipping=money.from_minor(q.shipping_minor, cur), tax_mode=q.tax_mode,
    )  # fmt: skip


def retotal(ctx: Ctx, q: Quote) -> Totals:
    """Check the quote still follows every rule (Invalid otherwise: the unit rolls back)."""
    ctx.session.flush()
    return totals(q, lines_of(ctx, common.id_of(q)))


def _draft(q: Quote, ctx: Ctx) -> None:
    if q.status != "draft":
        state = status_of(q, ctx.today)
        raise Conflict(
            f"quote {q.number} is {state}; it stays as it was (`pipe quote revise {q.number}`)"
        )


def _touch(ctx: Ctx, q: Quote) -> None:
    q.updated_at = ctx.now
    ctx.session.add(q)


def create(ctx: Ctx, inp: QuoteInput) -> Quote:
    deal = common.resolve_ref(ctx, Deal, inp.deal, "deal")
    if deal is None:
        raise Invalid("deal", inp.deal, "is required: a quote belongs to a deal")
    contact = common.resolve_ref(ctx, Contact, inp.contact, "contact")
    account = account_for(ctx, inp.account, None) if inp.account else None
    mode = parse.tax_mode(inp.tax_mode or "exclusive")
    valid = common.as_date(ctx, inp.valid, "valid")
    year = ctx.now.year
    last = ctx.session.exec(select(func.max(Quote.seq)).where(Quote.year == year)).one() or 0
    number = f"{prefix(ctx)}{year}-{last + 1:04d}"
    q = Quote(
        number=number, year=year, seq=last + 1, revision=1, deal_id=common.id_of(deal),
        account_id=account.id if account else deal.account_id,
        contact_id=contact.id if contact else deal.contact_id, owner_id=ctx.user().id,
        currency=deal.currency, tax_mode=mode, valid_until=valid,
        terms=parse.free_text("terms", inp.terms),
        notes=parse.free_text("notes", inp.notes, multiline=True),
        created_at=ctx.now, updated_at=ctx.now,
    )  # fmt: skip
    ctx.session.add(q)
    try:
        ctx.session.flush()
    except IntegrityError:  # another run took the number between the max() and this insert
        raise Conflict(f"quote number {number} was just taken by another run; try again") from None
    return q


def add_line(ctx: Ctx, ref: str | int, inp: LineInput) -> QuoteLine:
    q = find(ctx, ref)
    _draft(q, ctx)
    product = products.get(ctx, inp.product, live=True) if inp.product else None
    if product is not None and product.currency != q.currency:
        raise Invalid("product", product.sku, f"is priced in {product.currency}; the quote is in "
                      f"{q.currency}")  # fmt: skip
    name = parse.free_text("name", inp.name) or (product.name if product else None)
    if name is None:
        raise Invalid("name", None, "is required for a line without a product")
    if inp.price is not None:
        price, cur = common.as_money(ctx, inp.price, None, field="price", current=q.currency)
        if cur != q.currency:
            raise Invalid("price", str(inp.price), f"is in {cur}; the quote is in {q.currency}")
        assert price is not None
        price_minor = money.to_minor(price, q.currency, field="price")
    elif product is not None:
        price_minor = product.price_minor
    else:
        raise Invalid("price", None, "is required for a line without a product")
    tax = products.parse_rate(inp.tax) if inp.tax is not None else None
    rate = tax if tax is not None else Decimal(product.tax_rate if product else "0")
    pct, minor = (
        parse.parse_discount(inp.discount, q.currency, "discount") if inp.discount else (None, None)
    )
    last = (
        ctx.session.exec(
            select(func.max(QuoteLine.position)).where(QuoteLine.quote_id == q.id)
        ).one()
        or 0
    )
    unit = common.bounded(inp.unit, "unit", products.UNIT_MAX)
    line = QuoteLine(
        quote_id=common.id_of(q), position=last + 1, product_id=product.id if product else None,
        sku=product.sku if product else None, name=name,
        unit=unit or (product.unit if product else None),
        qty=str(parse.parse_qty(inp.qty)), unit_price_minor=price_minor, tax_rate=str(rate),
        discount_percent=pct, discount_minor=minor, optional=inp.optional,
    )  # fmt: skip
    ctx.session.add(line)
    _touch(ctx, q)
    retotal(ctx, q)
    return line


def remove_line(ctx: Ctx, ref: str | int, position: int) -> Quote:
    """Remove line `position` (as shown); the lines after it move up."""
    q = find(ctx, ref)
    _draft(q, ctx)
    lines = lines_of(ctx, common.id_of(q))
    if not 1 <= position <= len(lines):
        raise Invalid("line", position, f"must be a line number from 1 to {len(lines)}")
    ctx.session.delete(lines[position - 1])
    ctx.session.flush()
    for n, ln in enumerate(lines[position:], start=position):
        ln.position = n
        ctx.session.add(ln)
    _touch(ctx, q)
    retotal(ctx, q)
    return q


def set_discount(ctx: Ctx, ref: str | int, value: str) -> Quote:
    """The quote discount: `5%`, an amount, or `0`/`none` to clear it."""
    q = find(ctx, ref)
    _draft(q, ctx)
    if value.strip().lower() in ("", "0", "0%", "none"):
        q.discount_percent, q.discount_minor = None, None
    else:
        q.discount_percent, q.discount_minor = parse.parse_discount(value, q.currency, "discount")
    _touch(ctx, q)
    retotal(ctx, q)
    return q


def set_shipping(ctx: Ctx, ref: str | int, value: str) -> Quote:
    q = find(ctx, ref)
    _draft(q, ctx)
    amount, named = money.parse_money(value, field="shipping")
    if named and named != q.currency:
        raise Invalid("shipping", value, f"is in {named}; the quote is in {q.currency}")
    q.shipping_minor = money.to_minor(amount, q.currency, field="shipping")
    _touch(ctx, q)
    retotal(ctx, q)
    return q


def set_tax_mode(ctx: Ctx, ref: str | int, value: str) -> Quote:
    q = find(ctx, ref)
    _draft(q, ctx)
    q.tax_mode = parse.tax_mode(value)
    _touch(ctx, q)
    retotal(ctx, q)
    return q


def set_fields(ctx: Ctx, ref: str | int, ch: QuoteChanges) -> Quote:
    """Change a draft's valid-until, terms, notes or bill-to contact (each may be cleared)."""
    U = common.UNSET
    q = find(ctx, ref)
    _draft(q, ctx)
    if ch.valid is not U:
        q.valid_until = common.as_date(ctx, ch.valid, "valid")
    if ch.terms is not U:
        q.terms = parse.free_text("terms", ch.terms)
    if ch.notes is not U:
        q.notes = parse.free_text("notes", ch.notes, multiline=True)
    if ch.contact is not U:
        found = common.resolve_ref(ctx, Contact, ch.contact, "contact")
        q.contact_id = found.id if found else None
    _touch(ctx, q)
    return q


def mark_sent(ctx: Ctx, q: Quote, to: list[str], subject: str, body: str | None) -> Activity:
    """After a delivered e-mail: the quote is sent, and the e-mail is on the deal's timeline."""
    if q.status not in ("draft", "sent"):
        raise Conflict(f"quote {q.number} is {q.status}; revise it to send a new version")
    q.status, q.sent_at = "sent", ctx.now
    _touch(ctx, q)
    act = Activity(
        kind="email", subject=subject, body=body, at=ctx.now, created_at=ctx.now,
        user_id=ctx.user().id, deal_id=q.deal_id, account_id=q.account_id,
        contact_id=q.contact_id,
    )  # fmt: skip
    ctx.session.add(act)
    ctx.session.flush()
    return act


def check_sendable(ctx: Ctx, q: Quote) -> Totals:
    if q.status not in ("draft", "sent"):
        raise Conflict(f"quote {q.number} is {q.status}; revise it to send a new version")
    t = retotal(ctx, q)
    if not t.lines:
        raise Invalid("quote", q.number, "has no lines; add some with `pipe quote line`")
    return t


def _superseded(ctx: Ctx, q: Quote) -> bool:
    later = select(func.count()).where(
        Quote.year == q.year, Quote.seq == q.seq, col(Quote.revision) > q.revision
    )
    return bool(ctx.session.exec(later).one())


def accept(ctx: Ctx, ref: str | int, win: bool = False) -> Quote:
    q = find(ctx, ref)
    state = status_of(q, ctx.today)
    if state != "sent":
        hint = " (send it first)" if state == "draft" else ""
        raise Conflict(f"quote {q.number} is {state}; only a sent quote can be accepted{hint}")
    others = ctx.session.exec(
        select(Quote).where(Quote.deal_id == q.deal_id, Quote.status == "accepted")
    ).all()
    for other in others:
        if not _superseded(ctx, other):
            raise Conflict(f"deal {q.deal_id} has accepted quote {other.number}; decline or "
                           "revise it first")  # fmt: skip
    grand = retotal(ctx, q).grand_total
    deal = common.get_live(ctx, Deal, q.deal_id, "deal")
    q.status, q.accepted_at = "accepted", ctx.now
    _touch(ctx, q)
    deal.amount_minor = money.to_minor(grand, q.currency)
    deal.currency, deal.updated_at = q.currency, ctx.now
    ctx.session.add(deal)
    deals.record(ctx, deal, "amount", deal.stage_id, note=f"quote {q.number} accepted")
    if win:
        deals.win(ctx, common.id_of(deal), note=f"quote {q.number} accepted")
    return q


def decline(ctx: Ctx, ref: str | int, reason: str | None = None) -> Quote:
    q = find(ctx, ref)
    if q.status not in ("sent", "accepted"):
        raise Conflict(f"quote {q.number} is {q.status}; only a sent or accepted quote can be "
                       "declined")  # fmt: skip
    q.status, q.declined_at = "declined", ctx.now
    q.decline_reason = parse.free_text("reason", reason)
    _touch(ctx, q)
    ctx.session.flush()
    return q


def revise(ctx: Ctx, ref: str | int, valid: str | None = None) -> Quote:
    """A new draft revision of a sent, accepted or declined quote, with the same lines."""
    q = find(ctx, ref)
    if q.status == "draft":
        raise Conflict(f"quote {q.number} is a draft; change it in place")
    rev = ctx.session.exec(
        select(func.max(Quote.revision)).where(Quote.year == q.year, Quote.seq == q.seq)
    ).one()
    first = ctx.session.exec(
        select(Quote).where(Quote.year == q.year, Quote.seq == q.seq, Quote.revision == 1)
    ).first()
    base = first.number if first is not None else q.number
    new = Quote(
        number=f"{base}-R{(rev or 1) + 1}", year=q.year, seq=q.seq, revision=(rev or 1) + 1,
        revision_of_id=q.id, deal_id=q.deal_id, account_id=q.account_id,
        contact_id=q.contact_id, owner_id=ctx.user().id, currency=q.currency,
        tax_mode=q.tax_mode, terms=q.terms, notes=q.notes,
        valid_until=common.as_date(ctx, valid, "valid") if valid else q.valid_until,
        discount_percent=q.discount_percent, discount_minor=q.discount_minor,
        shipping_minor=q.shipping_minor, created_at=ctx.now, updated_at=ctx.now,
    )  # fmt: skip
    ctx.session.add(new)
    ctx.session.flush()
    for ln in lines_of(ctx, common.id_of(q)):
        data = ln.model_dump(exclude={"id", "uuid", "quote_id"})
        ctx.session.add(QuoteLine(**data, quote_id=common.id_of(new)))
    retotal(ctx, new)
    return new


def delete(ctx: Ctx, ref: str | int, purge: bool = False) -> Quote:
    """Archive a quote (hidden from lists); `purge` removes a draft and its lines for good."""
    q = find(ctx, ref)
    if purge:
        if q.status != "draft":
            raise Conflict(f"quote {q.number} is {q.status}; only a draft can be purged")
        for ln in lines_of(ctx, common.id_of(q)):
            ctx.session.delete(ln)
        ctx.session.flush()
        ctx.session.delete(q)
        ctx.session.flush()
        return q
    return common.set_archived(ctx, q, f"quote {q.number}", True)


def undelete(ctx: Ctx, ref: str | int) -> Quote:
    q = find(ctx, ref)
    return common.set_archived(ctx, q, f"quote {q.number}", False)
