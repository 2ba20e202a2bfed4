"""The product catalogue: what quote lines are priced from.

A product is found by its SKU (case-insensitive) or its id. Deals keep their free `product`
text for reporting; quote lines copy a product's name, unit, price and tax rate when added, so
later catalogue edits never change a quote. Delete archives (lines keep pointing at it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, or_
from sqlmodel import col, select

from pipecli.core import money, text
from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Product, QuoteLine
from pipecli.core.quotes.totals import check_rate
from pipecli.core.rows import ProductRow
from pipecli.core.services import common
from pipecli.core.services.context import Ctx

SKU_MAX, UNIT_MAX = 64, 32


@dataclass
class ProductInput:
    """Create: name and price are needed; None is not given."""

    name: str | None = None
    sku: str | None = None
    price: str | Decimal | None = None
    currency: str | None = None
    tax: str | Decimal | None = None
    unit: str | None = None
    notes: str | None = None
    active: bool | None = None


@dataclass
class ProductChanges:
    """A product's edit (see `common`: UNSET not given, None or blank clears, else a value).
    Name, SKU, price, currency and tax rate cannot be cleared; unit and notes can."""

    name: common.Change[str] = common.UNSET
    sku: common.Change[str] = common.UNSET
    price: common.Change[str | Decimal] = common.UNSET
    currency: common.Change[str] = common.UNSET
    tax: common.Change[str | Decimal] = common.UNSET
    unit: common.Change[str] = common.UNSET
    notes: common.Change[str] = common.UNSET
    active: bool | common.Unset = common.UNSET


def _not_blank(field: str, value: str | Decimal | None) -> str | Decimal:
    """A given change of a field that cannot be cleared."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(field, value, "must not be empty")
    return value


def parse_rate(value: str | Decimal, field: str = "tax") -> Decimal:
    """A tax rate in percent, 0–100: `13`, `13%`, `8.5`."""
    raw = value if isinstance(value, Decimal) else value.strip().removesuffix("%").strip()
    try:
        rate = raw if isinstance(raw, Decimal) else Decimal(raw)
    except InvalidOperation:
        raise Invalid(field, str(value), "is not a percent (e.g. 13 or 8.5%)") from None
    return check_rate(field, rate)


def _sku(value: str) -> str:
    sku = common.bounded(text.check_text("sku", value), "sku", SKU_MAX)
    if sku is None:
        raise Invalid("sku", value, "must not be empty")
    return sku


def get(ctx: Ctx, ref: str | int, *, live: bool = False) -> Product:
    """The product with this SKU (any case) or id; NotFound otherwise."""
    key = str(ref).strip()
    found = ctx.session.exec(select(Product).where(Product.sku_key == key.lower())).first()
    if found is None and key.lstrip("#").isdigit():
        found = ctx.session.get(Product, common.parse_id(key, "product"))
    if found is None:
        raise NotFound("product", ref)
    if live and found.archived_at is not None:
        raise Conflict(f"product {found.sku} is deleted; `pipe undelete product {found.sku}`")
    return found


def _check_unique(ctx: Ctx, sku: str, own_id: int | None = None) -> None:
    other = ctx.session.exec(select(Product).where(Product.sku_key == sku.lower())).first()
    if other is not None and other.id != own_id:
        raise Conflict(f"sku: {sku!r} is already product {other.id} ({other.name})")


def create(ctx: Ctx, inp: ProductInput) -> Product:
    name = text.check_text("name", common.required(inp.name, "name"))
    sku = _sku(inp.sku or name)
    if inp.price is None:
        raise Invalid("price", None, "is required (the list price)")
    price, currency = common.as_money(ctx, inp.price, inp.currency, field="price")
    assert price is not None
    price_minor = money.to_minor(price, currency, field="price")
    rate = parse_rate(inp.tax) if inp.tax is not None else Decimal(0)
    unit = common.bounded(inp.unit, "unit", UNIT_MAX)
    _check_unique(ctx, sku)
    product = Product(
        sku=sku, sku_key=sku.lower(), name=name, unit=unit, price_minor=price_minor,
        currency=currency, tax_rate=str(rate), active=True if inp.active is None else inp.active,
        notes=inp.notes or None, created_at=ctx.now, updated_at=ctx.now,
    )  # fmt: skip
    ctx.session.add(product)
    ctx.session.flush()
    return product


def edit(ctx: Ctx, ref: str | int, ch: ProductChanges) -> Product:
    """Validate every change, then apply them."""
    U = common.UNSET
    p = get(ctx, ref, live=True)
    sku = _sku(ch.sku or "") if ch.sku is not U else p.sku
    _check_unique(ctx, sku, p.id)
    name = p.name
    if ch.name is not U:
        name = text.check_text("name", common.required(ch.name, "name"))
    new_price = None if ch.price is U else _not_blank("price", ch.price)
    currency_text = None if ch.currency is U else str(_not_blank("currency", ch.currency))
    price, currency = common.as_money(
        ctx, new_price, currency_text, field="price", current=p.currency
    )
    if price is not None:
        price_minor = money.to_minor(price, currency, field="price")
    else:  # a new currency alone keeps the amount
        price_minor = money.to_minor(
            money.from_minor(p.price_minor, p.currency), currency, field="price"
        )
    rate = parse_rate(_not_blank("tax", ch.tax)) if ch.tax is not U else Decimal(p.tax_rate)
    p.sku, p.sku_key, p.name, p.currency = sku, sku.lower(), name, currency
    p.price_minor, p.tax_rate = price_minor, str(rate)
    if ch.unit is not U:
        p.unit = common.bounded(ch.unit, "unit", UNIT_MAX)
    if ch.notes is not U:
        p.notes = ch.notes if ch.notes and ch.notes.strip() else None
    if ch.active is not U:
        p.active = ch.active
    p.updated_at = ctx.now
    ctx.session.add(p)
    ctx.session.flush()
    return p


def delete(ctx: Ctx, ref: str | int, purge: bool = False) -> Product:
    """Archive the product (hidden from lists and new lines); `purge` removes it when no quote
    line refers to it."""
    p = get(ctx, ref)
    if purge:
        used = ctx.session.exec(select(func.count()).where(QuoteLine.product_id == p.id)).one()
        if used:
            raise Conflict(
                f"product {p.sku} is on {used} quote line(s); delete (archive) it instead"
            )
        ctx.session.delete(p)
        ctx.session.flush()
        return p
    return common.set_archived(ctx, p, f"product {p.sku}", True)


def undelete(ctx: Ctx, ref: str | int) -> Product:
    p = get(ctx, ref)
    return common.set_archived(ctx, p, f"product {p.sku}", False)


def row(p: Product) -> ProductRow:
    """A product as `pipe list products`/`pipe show product` give it."""
    return ProductRow(
        id=common.id_of(p), uuid=p.uuid, sku=p.sku, name=p.name, unit=p.unit,
        price=money.from_minor(p.price_minor, p.currency), currency=p.currency,
        tax_rate=Decimal(p.tax_rate), active=p.active, notes=p.notes,
        created_at=p.created_at, updated_at=p.updated_at, archived=p.archived_at is not None,
    )  # fmt: skip


def list_products(
    ctx: Ctx, *, search: str | None = None, inactive: bool = False, archived: bool = False
) -> list[ProductRow]:
    """Live products by SKU; inactive ones with `inactive`, deleted ones with `archived`."""
    query = select(Product).order_by(col(Product.sku_key))
    if not archived:
        query = query.where(col(Product.archived_at).is_(None))
    if not inactive:
        query = query.where(col(Product.active).is_(True))
    if search and search.strip():
        like = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(Product.name).like(like), col(Product.sku_key).like(like))
        )
    return [row(p) for p in ctx.session.exec(query)]
