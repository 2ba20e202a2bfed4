"""Products and quotes through the CLI: numbering, totals in `show --json`, the PDF parsed back,
the draft-only rule, accepting, revising, expiry, refusals, lists, exports and backups."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipecli.core.quotes import fonts
from tests.cli.helpers import data, has_fields, ok, refused

COMPANY = """
[company]
name = "上海云帆软件有限公司 Cloudsail"
address = "上海市浦东新区张江路 88 号"
tax_id = "91310115MA1K4XXXX"
"""


def _cjk_font_or_skip() -> None:
    """PDF tests with Chinese text need a CJK font: skipped without one, but failed under CI
    (.ci/run installs fonts-noto-cjk)."""
    try:
        fonts.choose({}, "李伟")
    except fonts.FontMissing:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font under CI=true: .ci/run should install fonts-noto-cjk")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")


def config(extra: str = "") -> Path:
    path = Path(os.environ["PIPE_CONFIG"])
    path.write_text(COMPANY + extra, encoding="utf-8")
    return path


def make_quote(pipe: Any) -> dict[str, Any]:
    """The issue's example quote, with Chinese account, contact and line names."""
    ok(pipe("add", "account", "北京宏达科技有限公司"))
    ok(pipe("add", "contact", "李伟", "--account", "北京宏达科技有限公司",
            "--email", "li.wei@acme.example"))  # fmt: skip
    ok(pipe("add", "deal", "宏达 – 40 seats", "--account", "北京宏达科技有限公司",
            "--contact", "李伟", "--currency", "CNY"))  # fmt: skip
    ok(pipe("add", "product", "席位许可 Seat licence", "--sku", "SEAT-1", "--price", "1200",
            "--currency", "CNY", "--tax", "13", "--unit", "seat"))  # fmt: skip
    q = data(pipe("add", "quote", "--deal", "1", "--valid", "+30d", "--terms", "Net 30", "--json"))
    n = q["number"]
    ok(pipe("quote", "line", n, "seat-1", "--qty", "40", "--discount", "10%"))
    ok(pipe("quote", "line", n, "--name", "实施与培训", "--price", "8000", "--tax", "6"))
    ok(pipe("quote", "line", n, "--name", "高级支持", "--price", "5000", "--tax", "6",
            "--optional"))  # fmt: skip
    ok(pipe("quote", "discount", n, "5%"))
    ok(pipe("quote", "shipping", n, "200"))
    return data(pipe("show", "quote", n, "--json"))  # type: ignore[no-any-return]


def test_quote_totals_by_the_rules(pipe: Any) -> None:
    config()
    q = make_quote(pipe)
    has_fields(q, "quote")
    assert (q["number"], q["status"], q["currency"]) == ("Q-2026-0001", "draft", "CNY")
    assert (q["account"], q["contact"], q["valid_until"]) == ("北京宏达科技有限公司", "李伟",
                                                             "2026-12-23")  # fmt: skip
    assert [ln["net"] for ln in q["lines"]] == ["43200.00", "8000.00", "5000.00"]
    assert [ln["quote_discount"] for ln in q["lines"]] == ["2160.00", "400.00", "0.00"]
    assert q["taxes"] == [
        {"rate": "6", "base": "7600.00", "tax": "456.00"},
        {"rate": "13", "base": "41040.00", "tax": "5335.20"},
    ]
    assert (q["subtotal"], q["discount"], q["shipping"], q["grand_total"]) == (
        "51200.00", "2560.00", "200.00", "54631.20")  # fmt: skip
    ok(pipe("quote", "tax-mode", q["number"], "inclusive"))
    inc = data(pipe("show", "quote", q["number"], "--json"))
    # 41040 × 13/113 = 4721.415.. -> 4721.42; 7600 × 6/106 = 430.188.. -> 430.19; no tax added
    assert [t["tax"] for t in inc["taxes"]] == ["430.19", "4721.42"]
    assert inc["grand_total"] == "48840.00"


def _norm(text: str) -> str:
    return re.sub(r"[\s\x00]", "", text)


def test_pdf_shows_the_same_lines_and_totals(pipe: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from pipecli.core.money import format_amount

    _cjk_font_or_skip()
    config()
    q = make_quote(pipe)
    out = tmp_path / "quote.pdf"
    ok(pipe("quote", "render", q["number"], "-o", str(out)))
    text = _norm("".join(p.extract_text() for p in PdfReader(out).pages))
    for needle in (q["number"], q["account"], q["contact"], "上海云帆软件有限公司", "¥"):
        assert _norm(needle) in text
    for ln in q["lines"]:
        assert _norm(ln["name"]) in text
        for key in ("unit_price", "net"):
            assert format_amount(Decimal(ln[key]), "CNY") in text
    for key in ("subtotal", "discount", "shipping", "grand_total"):
        assert format_amount(Decimal(q[key]), "CNY") in text
    for t in q["taxes"]:
        assert format_amount(Decimal(t["tax"]), "CNY") in text
        assert _norm(f"Tax {t['rate']}% on {format_amount(Decimal(t['base']), 'CNY')}") in text
    assert "(optional)" in text


def test_html_and_markdown_through_templates_a_user_can_override(pipe: Any, tmp_path: Path) -> None:
    cfg = config()
    q = make_quote(pipe)
    ok(pipe("quote", "render", q["number"], "-o", str(tmp_path / "q.html")))
    html = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "北京宏达科技有限公司" in html and "¥54,631.20" in html
    (cfg.parent / "templates").mkdir()
    (cfg.parent / "templates" / "quote.md.j2").write_text("OWN {{ q.number }} {{ q.grand_total }}")
    ok(pipe("quote", "render", q["number"], "-o", str(tmp_path / "q.txt"), "--format", "md"))
    assert (tmp_path / "q.txt").read_text() == "OWN Q-2026-0001 54631.20"


def test_render_refuses_the_database_and_unknown_formats(pipe: Any, db_url: str) -> None:
    config()
    q = make_quote(pipe)
    refused(pipe("quote", "render", q["number"], "-o", "quote.docx"), 2, "format")
    if db_url.startswith("sqlite"):
        db = db_url.split("///", 1)[1]
        refused(pipe("quote", "render", q["number"], "-o", db, "--format", "pdf"), 2, "database")


def test_font_without_the_glyphs_is_refused_naming_the_package(pipe: Any, tmp_path: Path) -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu Sans not installed")
    config(f'font = "{latin}"\n')
    q = make_quote(pipe)
    r = pipe("quote", "render", q["number"], "-o", str(tmp_path / "q.pdf"))
    refused(r, 1, "fonts-noto-cjk", "U+")
    assert not (tmp_path / "q.pdf").exists()


def test_numbers_per_year_prefix_and_revisions(pipe: Any) -> None:
    config('\n[quotes]\nprefix = "ACME-"\n')
    ok(pipe("add", "deal", "D", "--currency", "JPY"))
    first = data(pipe("add", "quote", "--deal", "1", "--json"))
    second = data(pipe("add", "quote", "--deal", "1", "--json"))
    next_year = data(pipe("add", "quote", "--deal", "1", "--json", now="2027-01-02T09:00:00+00:00"))
    assert [first["number"], second["number"], next_year["number"]] == [
        "ACME-2026-0001", "ACME-2026-0002", "ACME-2027-0001"]  # fmt: skip
    assert first["currency"] == "JPY"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("line", "Q-2026-0001", "--name", "X", "--price", "100", "--discount", "101"), "discount"),
        (
            ("line", "Q-2026-0001", "--name", "X", "--price", "100", "--discount", "120%"),
            "discount",
        ),
        (("line", "Q-2026-0001", "--name", "X", "--price", "100", "--qty", "-2"), "qty"),
        (("line", "Q-2026-0001", "--name", "X", "--price", "-100"), "price"),
        (("line", "Q-2026-0001", "--name", "X", "--price", "100", "--tax", "101"), "tax"),
        (("line", "Q-2026-0001", "--name", "X", "--price", "100", "--tax", "-1"), "tax"),
        (("line", "Q-2026-0001", "--name", "X", "--price", "100 USD"), "price"),
        (("discount", "Q-2026-0001", "60000"), "quote discount"),
        (("discount", "Q-2026-0001", "101%"), "discount"),
        (("shipping", "Q-2026-0001", "--", "-5"), "shipping"),
        (("rmline", "Q-2026-0001", "9"), "line"),
        (("tax-mode", "Q-2026-0001", "both"), "tax mode"),
    ],
)
def test_refusals_exit_2_and_change_nothing(
    pipe: Any, snapshot: Any, args: tuple[str, ...], field: str
) -> None:
    config()
    make_quote(pipe)
    before = snapshot()
    refused(pipe("quote", *args), 2, field)
    assert snapshot() == before


def test_removing_a_line_that_would_leave_the_discount_too_large_is_refused(
    pipe: Any, snapshot: Any
) -> None:
    config()
    q = make_quote(pipe)
    ok(pipe("quote", "discount", q["number"], "50000"))
    before = snapshot()
    refused(pipe("quote", "rmline", q["number"], "1"), 2, "quote discount", "larger")
    assert snapshot() == before


def test_products_are_unique_by_sku_ignoring_case_and_quote_currency_is_kept(pipe: Any) -> None:
    config()
    make_quote(pipe)
    refused(pipe("add", "product", "Other", "--sku", "seat-1", "--price", "5"), 4, "sku")
    ok(
        pipe(
            "add", "product", "Dollar thing", "--sku", "USD-1", "--price", "5", "--currency", "USD"
        )
    )
    refused(pipe("quote", "line", "Q-2026-0001", "USD-1"), 2, "product", "USD")
    edited = data(pipe("edit", "product", "SEAT-1", "--price", "1250", "--json"))
    assert edited["price"] == "1250.00"
    q = data(pipe("show", "quote", "Q-2026-0001", "--json"))
    assert q["lines"][0]["unit_price"] == "1200.00"  # a quote keeps what it offered
    listed = data(pipe("list", "products", "--json"))
    assert [p["sku"] for p in listed] == ["SEAT-1", "USD-1"]
    has_fields(listed[0], "product")
    ok(pipe("delete", "product", "USD-1"))
    assert [p["sku"] for p in data(pipe("list", "products", "--json"))] == ["SEAT-1"]
    ok(pipe("undelete", "product", "usd-1"))
    refused(pipe("delete", "product", "SEAT-1", "--purge", "--yes"), 4, "quote line")


def _sent(pipe: Any, number: str, db_url: str) -> None:
    """Mark a quote sent as `quote send` does, straight in the store (sending itself is tested
    against a real SMTP server in test_quote_send.py)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE quote SET status = 'sent' WHERE number = :n"), {"n": number})
    engine.dispose()


def test_only_drafts_change_and_revise_copies(pipe: Any, db_url: str, snapshot: Any) -> None:
    config()
    q = make_quote(pipe)
    refused(pipe("quote", "accept", q["number"]), 4, "draft", "send it first")
    _sent(pipe, q["number"], db_url)
    before = snapshot()
    refused(pipe("quote", "line", q["number"], "--name", "X", "--price", "1"), 4, "revise")
    refused(pipe("quote", "discount", q["number"], "1%"), 4, "revise")
    assert snapshot() == before
    r2 = data(pipe("quote", "revise", q["number"], "--json"))
    assert (r2["number"], r2["status"], r2["revision_of"]) == ("Q-2026-0001-R2", "draft",
                                                              "Q-2026-0001")  # fmt: skip
    assert (r2["grand_total"], len(r2["lines"])) == (q["grand_total"], 3)
    ok(pipe("quote", "line", r2["number"], "--name", "Extra", "--price", "100", "--tax", "6"))
    assert data(pipe("show", "quote", q["number"], "--json"))["grand_total"] == "54631.20"
    _sent(pipe, r2["number"], db_url)
    r3 = data(pipe("quote", "revise", r2["number"], "--json"))
    assert r3["number"] == "Q-2026-0001-R3"


def test_accept_sets_the_deal_amount_once_per_deal_and_win(pipe: Any, db_url: str) -> None:
    config()
    q = make_quote(pipe)
    other = data(pipe("add", "quote", "--deal", "1", "--json"))["number"]
    ok(pipe("quote", "line", other, "--name", "Y", "--price", "10"))
    _sent(pipe, q["number"], db_url)
    _sent(pipe, other, db_url)
    assert data(pipe("quote", "accept", q["number"], "--json"))["status"] == "accepted"
    deal = data(pipe("show", "deal", "1", "--json"))
    assert (deal["amount"], deal["currency"], deal["status"]) == ("54631.20", "CNY", "open")
    assert deal["history"][-1]["change"] == "amount"
    assert "Q-2026-0001" in deal["history"][-1]["note"]
    assert [x["number"] for x in deal["quotes"]] == ["Q-2026-0001", other]
    refused(pipe("quote", "accept", other), 4, "Q-2026-0001", "decline or revise")
    ok(pipe("quote", "decline", q["number"], "--reason", "price"))
    declined = data(pipe("show", "quote", q["number"], "--json"))
    assert (declined["status"], declined["decline_reason"]) == ("declined", "price")
    ok(pipe("quote", "accept", other, "--win"))
    deal = data(pipe("show", "deal", "1", "--json"))
    assert (deal["amount"], deal["status"]) == ("10.00", "won")
    assert [h["change"] for h in deal["history"]][-2:] == ["amount", "win"]


def test_expired_is_computed_from_now_and_lists_filter(pipe: Any, db_url: str) -> None:
    config()
    q = make_quote(pipe)
    _sent(pipe, q["number"], db_url)
    assert data(pipe("list", "quotes", "--status", "sent", "--json"))[0]["number"] == q["number"]
    assert data(pipe("list", "quotes", "--expiring", "+30d", "--json"))[0]["number"] == q["number"]
    assert data(pipe("list", "quotes", "--expiring", "+7d", "--json")) == []
    later = "2026-12-24T09:00:00+00:00"
    rows = data(pipe("list", "quotes", "--status", "expired", "--json", now=later))
    assert [r["status"] for r in rows] == ["expired"]
    assert data(pipe("list", "quotes", "--status", "sent", "--json", now=later)) == []
    refused(pipe("quote", "accept", q["number"], now=later), 4, "expired")
    assert data(pipe("list", "quotes", "--deal", "1", "--json"))[0]["status"] == "sent"
    csv = ok(pipe("list", "quotes", "--csv")).stdout.splitlines()
    assert csv[0].startswith("id,uuid,number,") and "lines" not in csv[0].split(",")
    table = ok(pipe("list", "quotes")).stdout
    assert "54,631.20 CNY" in table


def test_schema_export_and_backup_round_trip(pipe: Any, tmp_path: Path) -> None:
    config()
    q = make_quote(pipe)
    names = [f["name"] for f in data(pipe("schema", "quote", "--json"))]
    assert names[:3] == ["id", "uuid", "number"] and "grand_total" in names
    assert "sku" in [f["name"] for f in data(pipe("schema", "product", "--json"))]
    exported = data(pipe("export", "quotes", "--format", "json"))
    assert [(r["number"], r["grand_total"]) for r in exported] == [(q["number"], "54631.20")]
    assert ok(pipe("export", "products")).stdout.startswith("id,uuid,sku,")
    backup = tmp_path / "all.jsonl"
    ok(pipe("export", "all", "-o", str(backup)))
    tables = {line.split('"table": "')[1].split('"')[0] for line in backup.read_text().splitlines()}
    assert {"product", "quote", "quoteline"} <= tables
    fresh = tmp_path / "fresh.db"
    ok(pipe("--db", str(fresh), "import", "all", str(backup)))
    again = data(pipe("--db", str(fresh), "show", "quote", q["number"], "--json"))
    assert again == q


def test_show_quote_table_and_deal_view_for_people(pipe: Any) -> None:
    config()
    q = make_quote(pipe)
    shown = ok(pipe("show", "quote", q["number"], env={"COLUMNS": "200"})).stdout
    for needle in ("北京宏达科技有限公司", "高级支持 (optional)", "10% (-4,800.00)",
                   "Tax 13% on 41,040.00", "Grand total (CNY)", "¥54,631.20"):  # fmt: skip
        assert needle in shown
    deal = ok(pipe("show", "deal", "1", env={"COLUMNS": "200"})).stdout
    assert "Quotes" in deal and q["number"] in deal


def test_the_core_font_prints_latin_1_only_and_the_total_loses_its_sign() -> None:
    from pipecli.core.quotes import documents

    core = fonts.Font(None)
    assert fonts.missing(core, "Müller ¥ 12") == []
    assert fonts.missing(core, "€ 李") == ["€", "李"]
    row = {"currency": "EUR", "subtotal": Decimal(5), "discount": Decimal(0), "taxes": [],
           "tax_mode": "exclusive", "shipping": Decimal(0), "grand_total": Decimal(5)}  # fmt: skip
    assert documents.totals_rows(row)[-1] == ("Grand total (EUR)", "€5.00")
    assert documents.totals_rows(row, symbol=False)[-1] == ("Grand total (EUR)", "5.00")
