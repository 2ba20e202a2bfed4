"""Products and quotes: `pipe quote ...` (lines, discounts, shipping, tax mode, render, send,
accept, decline, revise), and the product/quote commands plugged into `pipe add|list|edit|show|
delete` (those modules register the functions defined here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session
from pipecli.render import quotes as show

quote_app = typer.Typer(
    help="Work on a quote: lines, discounts, render, send, accept...",
    no_args_is_help=True,
    epilog=o.examples(
        "pipe quote line Q-2026-0001 SEAT-1 --qty 40 --discount 10%",
        "pipe quote render Q-2026-0001 -o acme.pdf",
        "pipe quote send Q-2026-0001 --to li.wei@acme.example",
    ),
)

Ref = Annotated[str, typer.Argument(metavar="QUOTE", help="Quote number (Q-2026-0001) or id.")]
Sku = Annotated[str, typer.Argument(metavar="SKU", help="Product SKU or id.")]
Price = Annotated[
    str | None, typer.Option("--price", metavar="AMOUNT", help="Unit price, e.g. 1200 or ¥1,200.")
]
Tax = Annotated[
    str | None, typer.Option("--tax", metavar="PERCENT", help="Tax rate in percent, 0–100.")
]
Unit = Annotated[
    str | None, typer.Option("--unit", metavar="UNIT", help="Unit: seat, hour, piece...")
]
Currency = Annotated[
    str | None, typer.Option("--currency", metavar="CODE", help="ISO 4217 code, e.g. CNY.")
]
Notes = Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Free text.")]
Valid = Annotated[
    str | None, typer.Option("--valid", metavar="DATE", help="Valid until: +30d, 2026-12-31...")
]
Terms = Annotated[
    str | None, typer.Option("--terms", metavar="TEXT", help="Payment terms, e.g. 'Net 30'.")
]


# --- products ---------------------------------------------------------------------------------


def add_product(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Product name.")],
    sku: Annotated[
        str | None, typer.Option("--sku", metavar="SKU", help="Stock-keeping unit (unique).")
    ] = None,
    price: Price = None,
    currency: Currency = None,
    tax: Tax = None,
    unit: Unit = None,
    notes: Notes = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Add a product to the catalogue."""
    from pipecli.core.services import products

    inp = products.ProductInput(name=name, sku=sku, price=price, currency=currency, tax=tax,
                                unit=unit, notes=notes)  # fmt: skip
    with session() as ctx:
        row = products.row(products.create(ctx, inp))
    show.product(row, render.fmt_of(as_json, as_csv), "added")


def edit_product(
    ref: Sku,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="New name.")] = None,
    sku: Annotated[str | None, typer.Option("--sku", metavar="SKU", help="New SKU.")] = None,
    price: Price = None,
    currency: Currency = None,
    tax: Tax = None,
    unit: Unit = None,
    notes: Notes = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Offer it on new quotes or not.")
    ] = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Change a product; quotes already made keep the name and price they were made with."""
    from pipecli.core.services import products

    ch = products.ProductChanges(
        **o.given(
            name=name,
            sku=sku,
            price=price,
            currency=currency,
            tax=tax,
            unit=unit,
            notes=notes,
            active=active,
        )
    )
    with session() as ctx:
        row = products.row(products.edit(ctx, ref, ch))
    show.product(row, render.fmt_of(as_json, as_csv), "edited")


def list_products(
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="Text search.")
    ] = None,
    inactive: Annotated[bool, typer.Option("--inactive", help="Include inactive ones.")] = False,
    archived: Annotated[bool, typer.Option("--archived", help="Include deleted ones.")] = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """The product catalogue, by SKU."""
    from pipecli.core.services import products

    with session() as ctx:
        rows = products.list_products(ctx, search=search, inactive=inactive, archived=archived)
    show.products(rows, render.fmt_of(as_json, as_csv))


# --- quotes: create, list, show, delete -------------------------------------------------------


def add_quote(
    deal: Annotated[
        str, typer.Option("--deal", metavar="DEAL", help="The deal it prices (id or title).")
    ],
    valid: Valid = None,
    terms: Terms = None,
    notes: Notes = None,
    account: Annotated[
        str | None, typer.Option("--account", metavar="ACCOUNT", help="Bill-to account.")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", metavar="CONTACT", help="Bill-to contact.")
    ] = None,
    tax_mode: Annotated[
        str | None,
        typer.Option("--tax-mode", metavar="MODE", help="exclusive (default) or inclusive."),
    ] = None,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Start a draft quote on a deal (numbered [quotes] prefix + year + sequence)."""
    from pipecli.core.services import quote_views, quotes

    inp = quotes.QuoteInput(deal=deal, valid=valid, terms=terms, notes=notes, account=account,
                            contact=contact, tax_mode=tax_mode)  # fmt: skip
    with session() as ctx:
        row = quote_views.view(ctx, quotes.create(ctx, inp).number)
    show.quote(row, render.fmt_of(as_json, as_csv), "added")


def list_quotes(
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="STATUS", help="draft, sent, accepted, declined, expired or all."
        ),
    ] = None,
    expiring: Annotated[
        str | None,
        typer.Option(
            "--expiring", metavar="DATE", help="Sent quotes valid until no later than: +7d."
        ),
    ] = None,
    deal: Annotated[
        str | None, typer.Option("--deal", metavar="DEAL", help="One deal's quotes.")
    ] = None,
    archived: Annotated[bool, typer.Option("--archived", help="Include deleted ones.")] = False,
    as_json: o.Json = False,
    as_csv: o.Csv = False,
) -> None:
    """Quotes, oldest first, with their grand totals and status (expired computed from now)."""
    from pipecli.core.services import quote_views

    with session() as ctx:
        rows = quote_views.list_quotes(ctx, status=status, expiring=expiring, deal=deal,
                                       archived=archived)  # fmt: skip
    show.quotes(rows, render.fmt_of(as_json, as_csv))


OWN_KINDS = {"product": "product", "products": "product", "quote": "quote", "quotes": "quote"}


def owns(kind: str) -> str | None:
    """`product` or `quote` when `kind` names one (for show/delete/undelete), else None."""
    return OWN_KINDS.get(kind.strip().lower())


def show_record(kind: str, ref: str, fmt: render.Fmt) -> None:
    from pipecli.core.services import products, quote_views

    with session() as ctx:
        if kind == "product":
            show.product(products.row(products.get(ctx, ref)), fmt, "product")
            return
        row = quote_views.view(ctx, ref)
    show.quote(row, fmt)


def delete_record(kind: str, ref: str, purge: bool, undo: bool = False) -> None:
    from pipecli.core.services import products, quotes

    module = products if kind == "product" else quotes
    with session() as ctx:
        if undo:
            module.undelete(ctx, ref)
        else:
            module.delete(ctx, ref, purge=purge)
    verb = "restored" if undo else "purged" if purge else "deleted (archived)"
    print(f"{verb} {kind} {ref}")


# --- quote ... --------------------------------------------------------------------------------


def _changed(ref: str, verb: str, as_json: bool, change: Callable[[Any], Any]) -> None:
    """Run `change(ctx)` and show the quote it leaves (a Quote it returns, else `ref`), in one
    unit of work."""
    from pipecli.core.services import quote_views

    with session() as ctx:
        made = change(ctx)
        row = quote_views.view(ctx, getattr(made, "number", ref))
    show.quote(row, render.fmt_of(as_json, False), verb)


@quote_app.command("line")
def line(
    ref: Ref,
    product: Annotated[
        str | None, typer.Argument(metavar="SKU", help="Product SKU (or give --name).")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="TEXT", help="Line text (free line).")
    ] = None,
    qty: Annotated[str, typer.Option("--qty", metavar="N", help="Quantity.")] = "1",
    price: Price = None,
    tax: Tax = None,
    discount: Annotated[
        str | None,
        typer.Option("--discount", metavar="DISCOUNT", help="10% or an amount off the line."),
    ] = None,
    unit: Unit = None,
    optional: Annotated[bool, typer.Option("--optional", help="Shown, not counted.")] = False,
    as_json: o.Json = False,
) -> None:
    """Add a line: a catalogue product (its price and tax unless given) or free text."""
    from pipecli.core.services import quote_views, quotes

    inp = quotes.LineInput(product=product, name=name, qty=qty, price=price, tax=tax,
                           discount=discount, unit=unit, optional=optional)  # fmt: skip
    with session() as ctx:
        quotes.add_line(ctx, ref, inp)
        row = quote_views.view(ctx, ref)
    show.quote(row, render.fmt_of(as_json, False), "updated")


@quote_app.command("rmline")
def rmline(
    ref: Ref,
    n: Annotated[int, typer.Argument(metavar="N", help="Line number as shown.")],
    as_json: o.Json = False,
) -> None:
    """Remove a line; the lines after it move up."""
    from pipecli.core.services import quotes

    _changed(ref, "updated", as_json, lambda ctx: quotes.remove_line(ctx, ref, n))


@quote_app.command("discount")
def discount(
    ref: Ref,
    value: Annotated[
        str, typer.Argument(metavar="DISCOUNT", help="5% or an amount; 0 removes it.")
    ],
    as_json: o.Json = False,
) -> None:
    """Set the quote discount, spread over the lines before tax."""
    from pipecli.core.services import quotes

    _changed(ref, "updated", as_json, lambda ctx: quotes.set_discount(ctx, ref, value))


@quote_app.command("shipping")
def shipping(
    ref: Ref,
    value: Annotated[str, typer.Argument(metavar="AMOUNT", help="Amount (untaxed).")],
    as_json: o.Json = False,
) -> None:
    """Set the shipping amount, added after tax."""
    from pipecli.core.services import quotes

    _changed(ref, "updated", as_json, lambda ctx: quotes.set_shipping(ctx, ref, value))


@quote_app.command("tax-mode")
def tax_mode(
    ref: Ref,
    mode: Annotated[
        str, typer.Argument(metavar="MODE", help="exclusive or inclusive (prices hold tax).")
    ],
    as_json: o.Json = False,
) -> None:
    """Say whether prices exclude tax (added on top) or include it."""
    from pipecli.core.services import quotes

    _changed(ref, "updated", as_json, lambda ctx: quotes.set_tax_mode(ctx, ref, mode))


@quote_app.command("set")
def set_fields(
    ref: Ref,
    valid: Valid = None,
    terms: Terms = None,
    notes: Notes = None,
    contact: Annotated[
        str | None, typer.Option("--contact", metavar="CONTACT", help="Bill-to contact.")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """Change a draft's valid-until day, payment terms, notes or contact."""
    from pipecli.core.services import quotes

    ch = quotes.QuoteChanges(**o.given(valid=valid, terms=terms, notes=notes, contact=contact))
    _changed(ref, "updated", as_json, lambda ctx: quotes.set_fields(ctx, ref, ch))


@quote_app.command("render")
def render_doc(
    ref: Ref,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="File: .pdf, .html or .md.")
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help="pdf, html or md.")
    ] = None,
    mkdir: Annotated[bool, typer.Option("--mkdir", help="Create the folder.")] = False,
) -> None:
    """Write the quote as a PDF, HTML or Markdown document."""
    from pipecli.core import outfiles
    from pipecli.core.quotes import documents
    from pipecli.core.services import quote_views

    with session() as ctx:
        kind = documents.fmt_of(output, fmt)
        target = outfiles.check_target(output, ctx.settings, "output", mkdir=mkdir)
        row = quote_views.view(ctx, ref)
        if kind == "pdf":
            outfiles.write_bytes(target, documents.render_pdf(row, ctx.settings, ctx.now))
        else:
            outfiles.write_text(target, documents.render_text(row, ctx.settings, kind))
    render.message(f"wrote {kind} of quote {row['number']} to {target}")


@quote_app.command("send")
def send(
    ref: Ref,
    to: Annotated[
        list[str] | None, typer.Option("--to", metavar="EMAIL", help="Recipient (repeatable).")
    ] = None,
    cc: Annotated[
        list[str] | None, typer.Option("--cc", metavar="EMAIL", help="Copy to (repeatable).")
    ] = None,
    message: Annotated[
        str | None, typer.Option("--message", metavar="TEXT", help="A note in the mail.")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """E-mail the quote as a PDF ([smtp] in config.toml); it is then sent."""
    from pipecli.core.services import quote_mail

    with session() as ctx:
        row = quote_mail.send(ctx, ref, to or [], cc or [], message)
    show.quote(row, render.fmt_of(as_json, False), "sent")


@quote_app.command("accept")
def accept(
    ref: Ref,
    win: Annotated[bool, typer.Option("--win", help="Also win the deal.")] = False,
    as_json: o.Json = False,
) -> None:
    """The customer accepted: the deal's amount becomes the grand total."""
    from pipecli.core.services import quotes

    _changed(ref, "accepted", as_json, lambda ctx: quotes.accept(ctx, ref, win=win))


@quote_app.command("decline")
def decline(
    ref: Ref,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="REASON", help="Why: price, timing...")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """The customer declined."""
    from pipecli.core.services import quotes

    _changed(ref, "declined", as_json, lambda ctx: quotes.decline(ctx, ref, reason))


@quote_app.command("revise")
def revise(ref: Ref, valid: Valid = None, as_json: o.Json = False) -> None:
    """Copy a sent, accepted or declined quote into a new draft revision (-R2, -R3...)."""
    from pipecli.core.services import quotes

    _changed(ref, "revised into", as_json, lambda ctx: quotes.revise(ctx, ref, valid))
