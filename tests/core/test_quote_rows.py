"""Products and quotes as typed rows: `pipe schema` generated from their fields, CSV columns
without the nested lines, and their delete (archive) through the one rule every kind follows.

The byte-for-byte output of list/show/export is held by tests/cli/test_quotes.py; this file checks
the seams in the core on a real database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipecli.core import rows, schema
from pipecli.core.errors import Conflict
from pipecli.core.rows import ProductRow, QuoteLineRow, QuoteRow, QuoteStatus, QuoteView
from pipecli.core.services import deals, products, quote_views, quotes, records
from pipecli.core.services.deals import DealInput


def test_schema_of_products_and_quotes_is_their_rows_fields() -> None:
    for kind, cls in (("product", ProductRow), ("quote", QuoteView), ("quote_line", QuoteLineRow)):
        assert [f.name for f in schema.SCHEMAS[kind]] == list(cls.names())
        assert all(f.doc for f in schema.SCHEMAS[kind])
    types = {f.name: f.type for f in schema.SCHEMAS["quote"]}
    assert (types["status"], types["valid_until"], types["discount_percent"]) == (
        "string",
        "date?",
        "decimal?",
    )
    assert (types["lines"], types["taxes"]) == ("list[quote_line]", "list[object]")
    assert schema.kind_name("Quote-Line") == "quote_line" and schema.kind_name("products")


def test_csv_columns_leave_out_the_nested_lines_only() -> None:
    assert rows.csv_names("quote") == list(QuoteRow.names())
    assert rows.field_names("quote") == [*QuoteRow.names(), "lines", "taxes"]
    assert rows.csv_names("deal") == rows.field_names("deal")  # tags stay, joined with ';'
    assert rows.csv_names("product") == rows.field_names("product")


def test_products_quotes_and_records_archive_by_one_rule(make_ctx: Callable[..., Any]) -> None:
    with make_ctx() as ctx:
        deal_id = deals.create(ctx, DealInput(title="Seats", currency="EUR")).id
        assert deal_id is not None
        products.create(ctx, products.ProductInput(name="Seat", sku="S-1", price="10"))
        number = quotes.create(ctx, quotes.QuoteInput(deal=deal_id)).number
    with make_ctx() as ctx:
        products.delete(ctx, "s-1")
        quotes.delete(ctx, number)
        records.archive(ctx, "deal", deal_id)
    for again, message in (
        (lambda ctx: products.delete(ctx, "S-1"), "product S-1 is deleted already"),
        (lambda ctx: quotes.delete(ctx, number), f"quote {number} is deleted already"),
        (lambda ctx: records.archive(ctx, "deal", deal_id), f"deal {deal_id} is deleted already"),
    ):
        with pytest.raises(Conflict, match=f"^{message}$"), make_ctx() as ctx:
            again(ctx)
    with make_ctx() as ctx:
        view = quote_views.view(ctx, number)
        assert isinstance(view, QuoteView) and (view.archived, view.status) == (True, "draft")
        assert view.status is QuoteStatus.draft and view.lines == [] and view.taxes == []
        assert quote_views.list_quotes(ctx) == []
        assert [r.sku for r in products.list_products(ctx, archived=True)] == ["S-1"]
        products.undelete(ctx, "S-1")
        quotes.undelete(ctx, number)
    with make_ctx() as ctx:
        assert [r.number for r in quote_views.list_quotes(ctx)] == [number]
        assert products.row(products.get(ctx, "S-1")).archived is False
    for again, message in (
        (lambda ctx: products.undelete(ctx, "S-1"), "product S-1 is not deleted"),
        (lambda ctx: quotes.undelete(ctx, number), f"quote {number} is not deleted"),
    ):
        with pytest.raises(Conflict, match=f"^{message}$"), make_ctx() as ctx:
            again(ctx)
